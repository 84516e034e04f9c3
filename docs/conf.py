"""Sphinx configuration of textsim's documentation site (see docs/README.md).

Sphinx rather than MkDocs: textsim's docstrings follow numpydoc, the format of scikit-learn,
numpy and scipy, whose users are textsim's; numpydoc renders it natively, and its validation
(tests/test_docstrings.py runs it on every public name, so the reference cannot lack a section).
Pages are MyST Markdown, so the guides can take their text straight from the README.
"""

from __future__ import annotations

import textsim

project = "textsim"
author = "The textsim developers"
copyright = "2026, The textsim developers"
version = release = textsim.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["README.md", "_build", "**/.ipynb_checkpoints"]
root_doc = "index"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Cross-references to numpy, scipy and scikit-learn work without network access only when their
# inventories are cached; none are configured so that the build never reaches out.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "pydata_sphinx_theme"
html_title = f"textsim {release}"
html_theme_options = {
    "github_url": "https://github.com/textsim/textsim",
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_context = {"default_mode": "light"}
html_static_path: list[str] = []


def _check_api_reference_lists_every_public_name() -> None:
    """A public name missing from api.rst fails the build, so the reference cannot fall behind."""
    import importlib
    import re
    from pathlib import Path
    from types import ModuleType

    listed = set()
    current = "textsim"
    for line in (Path(__file__).parent / "api.rst").read_text(encoding="utf-8").splitlines():
        if line.startswith(".. currentmodule::"):
            current = line.split("::", 1)[1].strip()
        elif re.fullmatch(r"   [A-Za-z_][\w.]*", line):
            listed.add(f"{current}.{line.strip()}")
    missing = []
    for module_name in ("textsim", "textsim.dask", "textsim.datasets", "textsim.plot"):
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name.startswith("__") or isinstance(getattr(module, name), ModuleType):
                continue
            if f"{module_name}.{name}" not in listed:
                missing.append(f"{module_name}.{name}")
    if missing:
        raise RuntimeError(f"docs/api.rst does not list these public names: {', '.join(missing)}")


_check_api_reference_lists_every_public_name()
