"""Checks on user-provided matrices, shared by the similarity functions and TfidfTransformer."""

from __future__ import annotations

from typing import Any

import numpy as np

from textsim._exceptions import ParameterError


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
