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
import re
import sys
from pathlib import Path

from numpydoc.validate import ERROR_MSGS, validate

# The listing is the gate's own, so that the report and the gate never see different names.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_docstrings import public_names  # noqa: E402

SKIPPED_LIKE_SKLEARN = {"GL01", "GL02", "ES01", "SA01"}


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
