"""Which public names' docstrings fall short of numpydoc, and how (tests/test_docstrings.py is the gate).

    python docs/docstring_report.py [--checks all|sklearn] [--names]

Lists every public name (``__all__`` of textsim, textsim.dask, textsim.datasets and
textsim.plot, and the public methods and properties of the public classes), runs numpydoc's
validation on each, and prints how many names fail each check, with the names under
``--names``. tests/test_docstrings.py fails on the same listing (every check but ES01); this
report exits 0 and is for seeing the state at a glance.

``--checks sklearn`` (default) leaves out the checks scikit-learn's own docstring test skips
(GL01, GL02: where the summary starts; ES01: an extended summary; SA01: See Also everywhere;
EX01 is kept, because textsim wants an example for every public name).
"""

from __future__ import annotations

import argparse
import collections
import importlib
import inspect
import re
import sys
from types import ModuleType

from numpydoc.validate import ERROR_MSGS, validate

MODULES = ("textsim", "textsim.dask", "textsim.datasets", "textsim.plot")
SKIPPED_LIKE_SKLEARN = {"GL01", "GL02", "ES01", "SA01"}


def public_members(cls: type) -> list[str]:
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
                names += [f"{qualified}.{member}" for member in public_members(value)]
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", choices=("all", "sklearn"), default="sklearn")
    parser.add_argument("--names", action="store_true", help="list the names under each check")
    args = parser.parse_args()

    failing: dict[str, list[str]] = collections.defaultdict(list)
    names = public_names()
    clean = 0
    for name in names:
        errors = {code for code, _ in validate(name)["errors"]}
        if args.checks == "sklearn":
            errors -= SKIPPED_LIKE_SKLEARN
        for code in errors:
            failing[code].append(name)
        clean += not errors
    print(f"{len(names)} public names, {clean} pass every check ({args.checks})")
    for code in sorted(failing, key=lambda c: (-len(failing[c]), c)):
        message = re.sub(r"\{\w+\}", "...", ERROR_MSGS[code])
        print(f"{code}  {len(failing[code]):4d}  {message}")
        if args.names:
            for name in failing[code]:
                print(f"            {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
