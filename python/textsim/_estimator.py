"""scikit-learn's estimator contract, without importing scikit-learn.

``__init__`` only stores its keyword arguments; ``get_params``/``set_params`` read and write
them; fitted attributes end in ``_``. That is all ``sklearn.base.clone``, ``Pipeline`` and
``GridSearchCV`` need, plus ``__sklearn_tags__``, which scikit-learn asks for and which is
built here from scikit-learn's own classes, imported only when scikit-learn calls it.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from textsim._display import estimator_html, fitted_summary
from textsim._exceptions import NotFittedError, ParameterError
from textsim._model_file import save as save_model


F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def unchanged_on_failure(*objects: Any) -> Iterator[None]:
    """A call that raises (bad input, Ctrl-C, MemoryError) leaves each of ``objects`` as it
    was: attributes, caches and all. textsim's objects replace their attributes, never mutate
    them in place (statistics are merged into a copy), so a shallow copy of each object's
    attributes is enough."""
    saved = [(obj.__dict__, dict(obj.__dict__)) for obj in objects if hasattr(obj, "__dict__")]
    try:
        yield
    except BaseException:
        for attributes, before in saved:
            _restore(attributes, before)
        raise


def _restore(attributes: dict[str, Any], before: dict[str, Any]) -> None:
    # Key by key, never cleared: another thread using the object meanwhile (a transform, say)
    # never finds an attribute it had missing.
    for name in [name for name in attributes if name not in before]:
        attributes.pop(name, None)
    for name, value in before.items():
        if attributes.get(name, _restore) is not value:
            attributes[name] = value


def restores_on_failure(method: F) -> F:
    """The method, leaving its object as it was when it raises (``unchanged_on_failure``)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with unchanged_on_failure(self):
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class TextsimEstimator:
    """Base of textsim's estimators."""

    # Tag values, read by __sklearn_tags__.
    _requires_fit = True
    _input_is_text = True

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get the parameters of this estimator (scikit-learn's estimator contract).

        Parameters
        ----------
        deep : bool, default=True
            Accepted for scikit-learn's contract; textsim's estimators hold no other
            estimators.

        Returns
        -------
        dict
            The constructor arguments, by name.

        See Also
        --------
        set_params : Change them.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer(min_df=2).get_params()["min_df"]
        2
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    @restores_on_failure
    def set_params(self, **params: Any) -> TextsimEstimator:
        """Set constructor arguments (validated when next used, as in scikit-learn).

        Parameters
        ----------
        **params : dict
            Constructor arguments, by name.

        Returns
        -------
        object
            This estimator.

        Raises
        ------
        textsim.ParameterError
            If a name is not one of the estimator's parameters.

        See Also
        --------
        get_params : The parameters as they are.

        Examples
        --------
        >>> import textsim
        >>> textsim.CountVectorizer().set_params(ngram_range=(1, 2))
        CountVectorizer(ngram_range=(1, 2))
        """
        valid = self._get_param_names()
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
            setattr(self, name, value)
        self._forget_cores()
        return self

    def _unchanged_on_failure(self) -> contextlib.AbstractContextManager[None]:
        """A fit that raises (bad input, Ctrl-C) leaves the estimator as it was: fitted
        attributes, caches and all (see ``unchanged_on_failure``)."""
        return unchanged_on_failure(self)

    def _check_saved_params(self) -> None:
        """The checks of the parameters that ``fit`` makes (a loaded model's parameters are
        checked by them at once, not at the first use). Each class runs its own fit's checks."""

    def _forget_cores(self) -> None:
        """Drops cached Rust objects built from the parameters (not fitted state)."""
        for name in [n for n in vars(self) if n.startswith("_core") and n != "_core_vocabulary"]:
            delattr(self, name)

    def _params_repr(self) -> str:
        defaults = {
            name: p.default
            for name, p in inspect.signature(type(self).__init__).parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        shown = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = bool(value == default) and type(value) is type(default)
            except Exception:
                same = value is default
            if not same:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __repr__(self) -> str:
        # scikit-learn's form, and for a fitted vectorizer what it learnt (one look in a
        # notebook tells whether it was fitted, and on how much). Inside another estimator's
        # repr (a Pipeline's), the comment would swallow the rest of its line: left out there.
        summary = fitted_summary(self)
        text = self._params_repr()
        if summary is None or _inside_a_pretty_printer():
            return text
        return f"{text}  # fitted: {summary}"

    def _repr_html_(self) -> str:
        return estimator_html(self, self._params_repr())

    def __getstate__(self) -> dict[str, Any]:
        # Rust objects are rebuilt from the parameters and fitted attributes after unpickling.
        return {k: v for k, v in vars(self).items() if not k.startswith("_core")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False),
            transformer_tags=TransformerTags(),
            input_tags=InputTags(
                string=self._input_is_text,
                two_d_array=not self._input_is_text,
                sparse=not self._input_is_text,
            ),
            requires_fit=self._requires_fit,
        )

    def _check_fitted(self, attribute: str, message: str | None = None) -> None:
        if not hasattr(self, attribute):
            raise NotFittedError(
                message
                or f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )

    def save(self, path: Any) -> None:
        """Write the estimator to a textsim model file (no pickle).

        The same as ``textsim.save(self, path)``; :func:`textsim.load` reads it back without
        running code from the file.

        Parameters
        ----------
        path : str, os.PathLike or binary file
            A file name, or a file open for writing in binary mode.

        Raises
        ------
        ValueError
            If a parameter is a Python callable (save such models with pickle).

        See Also
        --------
        textsim.load : Read it back.

        Examples
        --------
        >>> import io
        >>> import textsim
        >>> file = io.BytesIO()
        >>> textsim.TfidfVectorizer(sublinear_tf=True).fit(["সোনার তরী"]).save(file)
        >>> textsim.load(io.BytesIO(file.getvalue())).sublinear_tf
        True
        """
        save_model(self, path)


def _inside_a_pretty_printer() -> bool:
    """Whether this repr is being made for another object's (scikit-learn's estimator pretty
    printer, or the standard library's ``pprint``)."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "pprint" or module.startswith("sklearn."):
            return True
        frame = frame.f_back
    return False
