"""The Examples in textsim's docstrings run, and say what they print.

Doctest runs on the *installed* package (``import textsim``; the wheel's files in the wheel
tests of ``.ci/run``), not on ``python/``, so an example that only works from the source tree
fails. Every module of the package is searched, private ones too (that is where the public
classes live). No example may be skipped (``+SKIP``): one that cannot run is not an example.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import numpy as np
import pytest

import textsim

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

# Optional dependencies an example may need; its module is searched only when they are there.
NEEDS = {"textsim.dask": "dask.array", "textsim.plot": "matplotlib"}


def _module_names() -> list[str]:
    names = ["textsim"]
    for info in pkgutil.walk_packages(textsim.__path__, "textsim."):
        if info.name in ("textsim.__main__",):
            continue
        names.append(info.name)
    return sorted(names)


def _doctests() -> list[doctest.DocTest]:
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    for name in _module_names():
        needed = NEEDS.get(name)
        if needed is not None:
            try:
                importlib.import_module(needed)
            except ImportError:
                continue
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            # A public class is found in its private module and, re-exported, not again: the
            # finder only looks at objects defined in the module it is given.
            if test.examples:
                found.setdefault(test.name, test)
    return sorted(found.values(), key=lambda t: t.name)


DOCTESTS = _doctests()


def test_there_are_examples() -> None:
    # The public API's docstrings carry examples; far fewer means the finder looks in the
    # wrong place (another package's files, say).
    assert len(DOCTESTS) >= 100, [t.name for t in DOCTESTS]


def test_no_example_is_skipped() -> None:
    skipped = [
        f"{t.name}: {e.source.strip()}"
        for t in DOCTESTS
        for e in t.examples
        if e.options.get(doctest.SKIP)
    ]
    assert skipped == []


@pytest.mark.parametrize("test", DOCTESTS, ids=[t.name for t in DOCTESTS])
def test_docstring_examples(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    failures: list[str] = []

    def report(out: str) -> None:
        failures.append(out)

    # Examples print numbers as numpy 2 does; a fresh globals dict per docstring, as doctest
    # gives. Warnings are errors here (pytest's filterwarnings), so an example that warns fails.
    test.globs = dict(test.globs)
    with np.printoptions(legacy=False), warnings.catch_warnings():
        warnings.simplefilter("error")
        result = runner.run(test, out=report, clear_globs=True)
    assert result.failed == 0, "".join(failures)
