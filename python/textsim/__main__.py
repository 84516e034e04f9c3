"""``python -m textsim``: the ``textsim`` command (see :mod:`textsim._cli`)."""

from __future__ import annotations

import sys

from textsim._cli import main

if __name__ == "__main__":
    sys.exit(main())
