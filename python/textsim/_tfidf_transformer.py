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

    scikit-learn's ``TfidfTransformer``, with the weighting done in Rust in parallel over
    rows. float32 input stays float32; anything else becomes float64.

    Parameters
    ----------
    norm : {"l1", "l2"} or None, default="l2"
        Scale each row to unit length in this norm; None leaves rows as they are.
    use_idf : bool, default=True
        Weight terms by their inverse document frequency.
    smooth_idf : bool, default=True
        Smooth the idf, as if one more document held every term once:
        idf = ln((1 + n) / (1 + df)) + 1;
        False: ln(n / df) + 1.
    sublinear_tf : bool, default=False
        Replace each count tf by 1 + ln(tf).

    Attributes
    ----------
    idf_ : numpy.ndarray of shape (n_features,)
        The inverse document frequency of each column (with ``use_idf=True``).
    n_features_in_ : int
        The number of columns seen by ``fit``.

    See Also
    --------
    TfidfVectorizer : Counting and weighting in one step.
    CountVectorizer : The counts this weighs.

    Examples
    --------
    >>> import textsim
    >>> counts = textsim.CountVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা"])
    >>> textsim.TfidfTransformer().fit_transform(counts).toarray().round(3)
    array([[0.815, 0.   , 0.58 ],
           [0.   , 0.815, 0.58 ]])
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
        """Learn the idf vector (global term weights).

        Parameters
        ----------
        X : sparse matrix or array-like of shape (n_documents, n_features)
            A count matrix.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        TfidfTransformer
            The fitted transformer.

        Raises
        ------
        ValueError
            If ``X`` holds NaN or infinite values, or ``norm`` is not one it takes.

        See Also
        --------
        transform : Weigh a count matrix.

        Examples
        --------
        >>> import numpy as np
        >>> import textsim
        >>> transformer = textsim.TfidfTransformer().fit(np.array([[1, 1], [1, 0]]))
        >>> transformer.idf_.round(3)
        array([1.   , 1.405])
        """
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
        """Return the tf-idf weighted, normalized matrix.

        Parameters
        ----------
        X : sparse matrix or array-like of shape (n_documents, n_features)
            A count matrix with the columns of the one ``fit`` saw.
        copy : bool, default=True
            Weigh a copy; False may weigh a CSR matrix of floats in place.

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            The weighted matrix.

        Raises
        ------
        textsim.NotFittedError
            If the transformer is not fitted.
        ValueError
            If ``X`` has another number of columns than ``fit`` saw.

        See Also
        --------
        fit_transform : Fit, then transform.

        Examples
        --------
        >>> import numpy as np
        >>> import textsim
        >>> transformer = textsim.TfidfTransformer(use_idf=False).fit(np.array([[3, 4]]))
        >>> transformer.transform(np.array([[3, 4]])).toarray()
        array([[0.6, 0.8]])
        """
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
        """Learn the idf of a count matrix and return it weighted.

        Parameters
        ----------
        X : sparse matrix or array-like of shape (n_documents, n_features)
            A count matrix.
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        scipy.sparse.csr_matrix of shape (n_documents, n_features)
            The weighted matrix, as ``fit(X).transform(X)``.

        See Also
        --------
        fit : Learn the idf alone.

        Examples
        --------
        >>> import numpy as np
        >>> import textsim
        >>> X = textsim.TfidfTransformer(norm=None).fit_transform(np.array([[1, 1], [1, 0]]))
        >>> X.toarray().round(3)
        array([[1.   , 1.405],
               [1.   , 0.   ]])
        """
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Return the output feature names: the input ones (one output per input feature).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            The input feature names; None: ``x0``, ``x1``, ...

        Returns
        -------
        numpy.ndarray of str objects
            The names.

        Raises
        ------
        ValueError
            If ``input_features`` has another length than the fitted number of features.
        textsim.NotFittedError
            If ``input_features`` is None and the transformer is not fitted.

        See Also
        --------
        TfidfVectorizer.get_feature_names_out : The terms themselves.

        Examples
        --------
        >>> import numpy as np
        >>> import textsim
        >>> textsim.TfidfTransformer().fit(np.eye(2)).get_feature_names_out()
        array(['x0', 'x1'], dtype=object)
        """
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
