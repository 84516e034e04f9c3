"""Progress bars for long fits and similarity runs (tqdm, an optional extra).

``progress=None`` (the default everywhere) shows a bar only when someone is watching: standard
error is a terminal or the code runs in a Jupyter kernel, tqdm is installed, the job is large
(more than one batch of documents), and it is not running under pytest. ``progress=True``
always shows one (and says how to install tqdm when it is missing); ``progress=False`` never.
Bars advance once per batch, never per document, so they cost nothing measurable.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from textsim import _params

# Documents per step of a bar: the vectorizers' batch size for iterators. A list is cut into
# batches this size only while a bar is shown (batches merge into the same result).
STEP = 8192


def _in_jupyter() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ipython = shell.get_ipython()  # type: ignore[attr-defined]
    except Exception:
        return False
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def _watched() -> bool:
    if "PYTEST_CURRENT_TEST" in os.environ:
        return False
    if _in_jupyter():
        return True
    stream = sys.stderr
    return stream is not None and hasattr(stream, "isatty") and stream.isatty()


def wanted(progress: Any, size: int | None) -> bool:
    """Whether to show a bar for a job of ``size`` documents (None: unknown, maybe large)."""
    _params.check_progress(progress)
    if progress is None:
        if size is not None and size <= STEP:
            return False
        if not _watched():
            return False
        try:
            import tqdm  # noqa: F401
        except ImportError:
            return False
        return True
    return bool(progress)


class Silent:
    """The bar when none is shown."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def bar(progress: Any, total: int | None, description: str, unit: str = "doc") -> Any:
    """A tqdm bar (a widget in Jupyter when ipywidgets is there, text otherwise) or a silent
    one."""
    if not wanted(progress, total):
        return Silent()
    try:
        from tqdm import tqdm
    except ImportError:
        raise ImportError(
            "progress=True needs tqdm: pip install tqdm (or pip install 'textsim[progress]')"
        ) from None
    if _in_jupyter():
        try:
            import ipywidgets  # noqa: F401

            from tqdm.notebook import tqdm
        except ImportError:
            pass  # without widgets tqdm's text bar shows in the cell's output
    size = _unsized_terminal_fallback()
    return tqdm(total=total, desc=description, unit=unit, unit_scale=True, leave=False,
                file=sys.stderr, dynamic_ncols=size is None,
                ncols=size and size[0], nrows=size and size[1])


def reporter(bar: Any) -> Callable[[int], None] | None:
    """The callback a long core call reports its work done to (every 50 ms, between pieces of
    its own work, so the work is not cut up for the bar); None when no bar is shown."""
    if isinstance(bar, Silent):
        return None

    def report(done: int) -> None:
        bar.update(done - bar.n)

    return report


def shown(bar: Any) -> int:
    """How far ``bar`` has got."""
    return 0 if isinstance(bar, Silent) else int(bar.n)


def _unsized_terminal_fallback() -> tuple[int, int] | None:
    """None to let tqdm follow the terminal's size; 80 x 24 where the terminal says it has no
    size (a pseudo-terminal nobody sized), on which tqdm would draw nothing."""
    try:
        columns, lines = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return None if columns > 0 and lines > 0 else (80, 24)
