"""CSR matrices in and out of the core: users' matrices checked and made canonical (sorted,
summed indices; finite values), their buffers in the types the core reads, and the matrices
the core's buffers become (one builder for every result)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim._exceptions import ParameterError

#: `(data, indices, indptr, (n_rows, n_columns))`, as the core takes and gives a matrix.
Parts = tuple[Any, Any, Any, tuple[int, int]]


def from_core(parts: Parts, dtype: Any) -> sp.csr_matrix:
    """The matrix of the core's buffers (taken over without a copy), its values of ``dtype``;
    the core sorts every row's indices."""
    data, indices, indptr, shape = parts
    matrix = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    if matrix.dtype != np.dtype(dtype):
        matrix = matrix.astype(dtype, copy=False)
    matrix.has_sorted_indices = True
    return matrix


def stack(matrices: list[sp.csr_matrix], n_columns: int, dtype: Any) -> sp.csr_matrix:
    """Batches' matrices, one under the other."""
    if len(matrices) == 1:
        return matrices[0]
    if not matrices:
        return sp.csr_matrix((0, n_columns), dtype=dtype)
    stacked = sp.vstack(matrices, format="csr", dtype=dtype)
    stacked.has_sorted_indices = True
    return stacked


def as_csr(
    X: Any, name: str, *, floating: bool = False, copy: bool = False, hint: bool = True
) -> sp.csr_matrix:
    """``X`` (any scipy sparse matrix, or a dense 2-d array) as a canonical CSR matrix with
    finite values. ``floating``: values float32 if they are, else float64 (and a copy when
    ``copy``). ``hint``: say how to reshape a 1-d input, as scikit-learn's ``check_array``."""
    if not sp.issparse(X):
        X = np.asarray(X)
        if X.ndim != 2:
            message = f"Expected 2D array, got {X.ndim}D array instead."
            raise ValueError(
                message
                + (
                    " Reshape your data either using array.reshape(-1, 1) if your data has a "
                    "single feature or array.reshape(1, -1) if it contains a single sample."
                    if hint
                    else " Reshape your data."
                )
            )
    if X.dtype.kind == "c":
        # scikit-learn's check_array refuses them too: the imaginary part would be dropped
        raise ParameterError(f"Complex data not supported (input {name} is {X.dtype}).")
    if floating:
        dtype = X.dtype if X.dtype in (np.float64, np.float32) else np.float64
        X = sp.csr_matrix(X, dtype=dtype, copy=copy)
    else:
        X = sp.csr_matrix(X)
    if not X.has_canonical_format:
        X = X if floating and copy else X.copy()
        X.sum_duplicates()
    check_finite(X, name)
    return X


def check_finite(matrix: Any, name: str) -> None:
    """Refuses a CSR matrix with NaN or infinity among its values (cosines and weights made from
    them would be NaN or silently wrong), naming the first bad entry's row and column."""
    data = matrix.data
    if data.dtype.kind not in "fc":
        return
    finite = np.isfinite(data)
    if finite.all():
        return
    position = int(np.argmin(finite))
    row = int(np.searchsorted(matrix.indptr, position, side="right")) - 1
    column = int(matrix.indices[position])
    if np.isnan(data[position]):
        problem = "NaN"
    else:
        problem = f"infinity or a value too large for {data.dtype!r}"
    raise ParameterError(f"Input {name} contains {problem} (row {row}, column {column}).")


def for_core(X: Any, Y: Any) -> tuple[Parts, Parts, Any]:
    """X and Y (Y None: X itself) as canonical matrices' buffers of one value type and one
    index type, as the similarity kernels take them, and that value type."""
    x = as_csr(X, "X")
    y = x if Y is None else as_csr(Y, "Y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"Incompatible dimension for X and Y matrices: X.shape[1] == {x.shape[1]} while "
            f"Y.shape[1] == {y.shape[1]}"
        )
    dtype = np.float32 if x.dtype == np.float32 and y.dtype == np.float32 else np.float64
    index = (
        np.int64
        if np.int64 in (x.indices.dtype, y.indices.dtype, x.indptr.dtype, y.indptr.dtype)
        else np.int32
    )

    def parts(m: sp.csr_matrix) -> Parts:
        # Aligned too: arrays unpickled from a network buffer (Dask) can be misaligned.
        return (
            np.require(m.data, dtype=dtype, requirements=["C", "A"]),
            np.require(m.indices, dtype=index, requirements=["C", "A"]),
            np.require(m.indptr, dtype=index, requirements=["C", "A"]),
            m.shape,
        )

    xp = parts(x)
    return xp, (xp if Y is None else parts(y)), dtype
