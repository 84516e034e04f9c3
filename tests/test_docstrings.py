"""Every public name has a numpydoc docstring: numpydoc's own validation, as scikit-learn runs it.

The public names are ``__all__`` of textsim, textsim.dask, textsim.datasets and textsim.plot,
and the public methods and properties that textsim defines on the public classes (inherited
ones included: ``TfidfVectorizer.transform`` and ``TfidfVectorizer.get_params`` are each
checked). A new public name, method or parameter without its docstring, its Parameters and
Returns entries, See Also or Examples fails here; tests/test_doctests.py runs the examples.

One check is left out:

* ES01 (an extended summary after the one-line summary): most methods say all there is to
  say in the summary and their sections; scikit-learn leaves it out too.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

import numpydoc.validate as numpydoc_validate
import pytest

MODULES = ("textsim", "textsim.dask", "textsim.datasets", "textsim.plot")
IGNORED = {"ES01"}


def _public_members(cls: type) -> list[str]:
    """Public methods and properties that textsim defines on ``cls`` or its textsim bases."""
    members = []
    for member in dir(cls):
        if member.startswith("_"):
            continue
        attribute = inspect.getattr_static(cls, member)
        function = attribute.fget if isinstance(attribute, property) else attribute
        function = getattr(function, "__func__", function)  # classmethod, staticmethod
        if callable(function) and str(getattr(function, "__module__", "")).startswith("textsim"):
            members.append(member)
    return members


def public_names() -> list[str]:
    names = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if name.startswith("__") or isinstance(value, ModuleType):
                continue
            qualified = f"{module_name}.{name}"
            names.append(qualified)
            if inspect.isclass(value) and not issubclass(value, BaseException):
                names += [f"{qualified}.{member}" for member in _public_members(value)]
    return names


NAMES = public_names()


def test_the_listing_sees_the_public_api() -> None:
    # Far fewer names means the listing broke (an import that found another textsim, say).
    assert len(NAMES) >= 120, NAMES
    assert "textsim.TfidfVectorizer.fit_transform" in NAMES
    assert "textsim.SimilarityIndex.query" in NAMES
    assert "textsim.dask.most_similar" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_numpydoc_validation(name: str) -> None:
    result = numpydoc_validate.validate(name)
    errors = [f"{code}: {message}" for code, message in result["errors"] if code not in IGNORED]
    assert errors == [], f"{name} ({result['file']}:{result['file_line']})"
