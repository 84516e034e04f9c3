"""TfidfTransformer: scikit-learn's, with the weighting done in Rust in parallel over rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from textsim import _core, _params
from textsim._csr import as_csr, check_finite
from textsim._estimator import TextsimEstimator, restores_on_failure
from textsim._exceptions import NotFittedError


class TfidfTransformer(TextsimEstimator):
    """Transform a count matrix to a normalized tf or tf-idf representation.

    scikit-learn's ``TfidfTransformer``: idf = ln((1 + n) / (1 + df)) + 1 with ``smooth_idf``
    (else ln(n / df) + 1), ``sublinear_tf`` replaces tf by 1 + ln(tf), rows normalized by
    ``norm``. float32 input stays float32; anything else becomes float64.
    """

    _input_is_text = False
    _model_name = "TfidfTransformer"

    def __init__(
        self,
        *,
        norm: str | None = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
    ) -> None:
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    @staticmethod
    def _as_csr(X: Any, *, copy: bool) -> sp.csr_matrix:
        return as_csr(X, "X", floating=True, copy=copy, hint=False)

    def _check_saved_params(self) -> None:
        _params.norm("TfidfTransformer", self.norm)

    def fit(self, X: Any, y: Any = None) -> TfidfTransformer:
        """Learn the idf vector (global term weights)."""
        with self._unchanged_on_failure():
            return self._fit(X)

    def _fit(self, X: Any) -> TfidfTransformer:
        _params.norm("TfidfTransformer", self.norm)
        checked = sp.issparse(X) and X.format == "csr" and X.dtype.kind != "c"
        X = X if checked else self._as_csr(X, copy=False)  # as_csr refuses complex values
        check_finite(X, "X")
        dtype = X.dtype if X.dtype in (np.float64, np.float32) else np.float64
        df = np.bincount(X.indices, minlength=X.shape[1])
        self._set_fitted_from_frequencies(df, X.shape[0], dtype)
        return self

    def _set_fitted_from_frequencies(self, df: np.ndarray, n_documents: int, dtype: Any) -> None:
        """What ``fit`` learns from a count matrix of ``n_documents`` rows whose columns are in
        ``df`` documents each."""
        self.n_features_in_ = len(df)
        if self.use_idf:
            idf = _core.inverse_document_frequency(
                np.asarray(df, dtype=np.int64), int(n_documents), smooth=bool(self.smooth_idf)
            )
            self.idf_ = idf.astype(dtype, copy=False)

    def _set_fitted(self, df: np.ndarray, idf: Any, n_documents: int, n_features: int, dtype: Any) -> None:
        """The fitted state TfidfVectorizer computed in Rust (same formula as ``fit``)."""
        self.n_features_in_ = n_features
        if idf is not None:
            self.idf_ = idf.astype(dtype, copy=False)

    @restores_on_failure
    def transform(self, X: Any, copy: bool = True) -> sp.csr_matrix:
        """The tf-idf weighted, normalized matrix."""
        if not (hasattr(self, "n_features_in_") or hasattr(self, "idf_")):
            raise NotFittedError(
                "This TfidfTransformer instance is not fitted yet. Call 'fit' with appropriate "
                "arguments before using this estimator."
            )
        _params.norm("TfidfTransformer", self.norm)
        X = self._as_csr(X, copy=copy)
        if hasattr(self, "idf_") and len(self.idf_) != X.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features, but the idf has {len(self.idf_)} values."
            )
        if hasattr(self, "n_features_in_") and X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but TfidfTransformer is expecting "
                f"{self.n_features_in_} features as input."
            )
        # Like scikit-learn: a fitted idf is applied, whatever use_idf says now.
        idf = np.asarray(self.idf_, dtype=np.float64) if hasattr(self, "idf_") else None
        _core.weigh_csr(
            X.data, X.indices, X.indptr, idf=idf, sublinear_tf=bool(self.sublinear_tf), norm=self.norm
        )
        return X

    @restores_on_failure
    def fit_transform(self, X: Any, y: Any = None) -> sp.csr_matrix:
        """``fit`` then ``transform``."""
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The output feature names: the input ones (one output feature per input feature)."""
        n = getattr(self, "n_features_in_", None)
        if n is None and hasattr(self, "idf_"):
            n = len(self.idf_)
        if input_features is not None:
            names = np.asarray(input_features, dtype=object)
            if n is not None and len(names) != n:
                raise ValueError("input_features should have length equal to number of features")
            return names
        if n is None:
            raise NotFittedError(
                "This TfidfTransformer instance is not fitted yet. Call 'fit' with appropriate "
                "arguments before using this estimator."
            )
        return np.asarray([f"x{i}" for i in range(n)], dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
