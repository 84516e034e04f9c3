"""The hand-written stubs of the extension module name exactly what the module has.

CI also runs mypy's stubtest, which checks signatures; this keeps the README's test command
honest about the stubs without needing mypy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import textsim
from textsim import _core

STUB = Path(textsim.__file__).with_name("_core.pyi")


def _stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"))


def _public(names: object) -> set[str]:
    return {n for n in names if not n.startswith("_") or n == "__version__"}  # type: ignore[attr-defined]


def test_stub_names_every_module_attribute() -> None:
    tree = _stub_tree()
    stubbed = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stubbed.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if not node.target.id.startswith("_") or node.target.id == "__version__":
                stubbed.add(node.target.id)
        elif isinstance(node, ast.Assign):
            stubbed.update(t.id for t in node.targets if isinstance(t, ast.Name))
    assert stubbed == _public(vars(_core)) - {"_core"} | {"__all__"}


def test_stub_names_every_method_of_each_class() -> None:
    for node in _stub_tree().body:
        if isinstance(node, ast.ClassDef):
            runtime = getattr(_core, node.name)
            stubbed = {f.name for f in node.body if isinstance(f, ast.FunctionDef)} - {"__new__"}
            dunders = {name for name in stubbed if name.startswith("__")}
            assert stubbed - dunders == _public(vars(runtime)), node.name
            assert all(name in vars(runtime) for name in dunders), node.name
