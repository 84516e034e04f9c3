"""The architecture, checked: the Rust core's folders are layers that only use the layers below
them, the Python package's modules are layers too, only the modules that wrap the extension
import it, and no module (Rust file or Python module) takes part in an import cycle.

The checks read the sources (``src/`` and ``python/textsim/``), so they run wherever the tests
run, with or without a Rust toolchain. A failure names the file, the import and the rule it
breaks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUST_SOURCES = ROOT / "src"
PYTHON_PACKAGE = ROOT / "python" / "textsim"

# The package's modules in layers, top first. A module imports only modules of its own layer
# and the layers below (imports inside functions count too). Every module must be listed.
PYTHON_LAYERS: list[set[str]] = [
    # the command line, Dask
    {"__main__", "_cli", "dask"},
    # the public names (textsim/__init__.py)
    {""},
    # SimilarityIndex, the heatmap
    {"_index", "plot"},
    # saving and loading estimators
    {"_persist"},
    # the estimators and the similarity functions
    {
        "_tfidf_vectorizer",
        "_count_vectorizer",
        "_hashing_vectorizer",
        "_vectorizer",
        "_tfidf_transformer",
        "_similarity",
        "_groups",
        "_stories",
        "_stop_words",
        "_matches",
    },
    # the analysis the vectorizers and CorpusStats share, the tokenizer
    {"_stats", "_analysis", "_tokenizer"},
    # the estimator contract and the model file
    {"_estimator", "_model_file"},
    # parameter checks, documents, matrices, files, progress, displays, the command's helpers
    {
        "_params",
        "_documents",
        "_csr",
        "_archive",
        "_archive_reader",
        "_progress",
        "_display",
        "_tables",
        "_readers",
        "_output",
        "_version",
        "datasets",
    },
    # the exceptions, the extension
    {"_exceptions", "_core"},
]
# The modules that wrap the extension; everything else goes through them.
CORE_WRAPPERS = {
    "_tokenizer",
    "_analysis",
    "_stats",
    "_count_vectorizer",
    "_tfidf_transformer",
    "_similarity",
    "_version",
}

# Each folder of src/ is a layer, and may use only the layers named here (its `mod.rs` says so
# in a "May use:" line, which must agree). Every folder must be listed.
RUST_LAYERS: dict[str, set[str]] = {
    "error": set(),
    "runtime": {"error"},
    "text": {"error"},
    "features": {"error", "runtime", "text"},
    "matrix": {"error", "runtime"},
    "arrow": {"error", "text"},
    "python": {"error", "runtime", "text", "features", "matrix", "arrow"},
}
# Files at the top of src/: lib.rs declares the layers and re-exports the public surface;
# invariants.rs (the fuzzed properties) uses that public surface, as the fuzz targets do.
RUST_ROOT_FILES = {"lib.rs": "lib", "invariants.rs": "invariants"}


# -- reading Rust sources ----------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r'b?"(?:\\.|[^"\\])*"')
_CRATE_PATH = re.compile(r"\bcrate::(\{|\w+(?:::\w+)*)")
_SUPER_PATH = re.compile(r"\bsuper::(\w+)")
_INLINE_MOD = re.compile(r"\bmod\s+\w+\s*\{")


def _code(text: str) -> str:
    """The source without comments and string literals (which may hold anything)."""
    text = _BLOCK_COMMENT.sub(" ", text)
    text = _STRING.sub('""', text)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def _braced_paths(code: str, start: int) -> list[str]:
    """The paths of a ``crate::{a::b, c}`` group whose ``{`` is at ``start``."""
    depth, end = 0, start
    for end in range(start, len(code)):
        depth += {"{": 1, "}": -1}.get(code[end], 0)
        if depth == 0:
            break
    inner, paths, depth, current = code[start + 1 : end], [], 0, ""
    for char in inner + ",":
        if char == "," and depth == 0:
            paths.append(current.strip())
            current = ""
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        current += char
    return [p for p in paths if p]


def _rust_module(path: Path) -> tuple[str, ...]:
    """``src/text/chars.rs`` -> ("text", "chars"); ``src/text/mod.rs`` -> ("text",)."""
    parts = path.relative_to(RUST_SOURCES).with_suffix("").parts
    return parts[:-1] if parts[-1] == "mod" else parts


def _rust_references(path: Path) -> list[tuple[str, ...]]:
    """Every module path this file names with ``crate::`` (or, at file level, ``super::``)."""
    code = _code(path.read_text(encoding="utf-8"))
    found = []
    for match in _CRATE_PATH.finditer(code):
        if match.group(1) == "{":
            found += [tuple(p.split("::")) for p in _braced_paths(code, match.start(1))]
        else:
            found.append(tuple(match.group(1).split("::")))
    # `super::` in an inline module (`mod tests { use super::*; }`) is this file; at file level
    # it is the parent module.
    inline_starts = [m.end() for m in _INLINE_MOD.finditer(code)]
    module = _rust_module(path)
    for match in _SUPER_PATH.finditer(code):
        inside_inline = any(start <= match.start() for start in inline_starts)
        if not inside_inline and path.name != "mod.rs":
            found.append((*module[:-1], match.group(1)))
    return [tuple(part.strip() for part in p) for p in found]


def _rust_files() -> list[Path]:
    files = sorted(RUST_SOURCES.rglob("*.rs"))
    assert files, f"no Rust sources under {RUST_SOURCES}"
    return files


def _resolve(reference: tuple[str, ...], modules: set[tuple[str, ...]]) -> tuple[str, ...]:
    """The longest known module a path starts with (``text::chars::Table`` -> text::chars)."""
    for length in range(len(reference), 0, -1):
        if reference[:length] in modules:
            return reference[:length]
    return reference[:1]


def rust_imports() -> dict[tuple[str, ...], dict[tuple[str, ...], Path]]:
    """module -> {module it imports: the file that does}, for every file of the core."""
    files = _rust_files()
    modules = {_rust_module(f) for f in files}
    graph: dict[tuple[str, ...], dict[tuple[str, ...], Path]] = {}
    for path in files:
        module = _rust_module(path)
        edges = graph.setdefault(module, {})
        for reference in _rust_references(path):
            target = _resolve(reference, modules)
            if target != module:
                edges.setdefault(target, path)
    return graph


# -- cycles (Rust and Python alike) ------------------------------------------------------------


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (node -> nodes it imports) as [a, b, ..., a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_find_cycle_finds_cycles_and_only_cycles():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": ["b", "c"], "b": ["c"], "c": ["b"]}) == ["b", "c", "b"]


# -- the Rust core -----------------------------------------------------------------------------


def _name(module: tuple[str, ...]) -> str:
    return "::".join(module) or "crate"


def test_every_folder_of_the_core_is_a_known_layer():
    folders = {p.name for p in RUST_SOURCES.iterdir() if p.is_dir()}
    root_files = {p.name for p in RUST_SOURCES.glob("*.rs")}
    assert folders <= set(RUST_LAYERS), (
        f"src/{sorted(folders - set(RUST_LAYERS))}: a new folder is a new layer; add it to "
        "RUST_LAYERS with the layers it may use"
    )
    assert root_files <= set(RUST_ROOT_FILES), (
        f"src/{sorted(root_files - set(RUST_ROOT_FILES))}: code belongs in a layer's folder"
    )


def test_each_layers_module_doc_says_what_it_may_use():
    for layer, allowed in RUST_LAYERS.items():
        doc = (RUST_SOURCES / layer / "mod.rs").read_text(encoding="utf-8")
        line = next((l for l in doc.splitlines() if l.startswith("//! May use:")), None)
        assert line is not None, f"src/{layer}/mod.rs: its module doc has no 'May use:' line"
        said = set(re.findall(r"`(\w+)`", line))
        assert said == allowed, (
            f"src/{layer}/mod.rs says it may use {sorted(said)}, the layering test says "
            f"{sorted(allowed)}"
        )


def test_layers_use_only_the_layers_below_them():
    problems = []
    for module, imports in rust_imports().items():
        layer = module[0]
        for target, path in imports.items():
            where = path.relative_to(ROOT)
            if layer in RUST_ROOT_FILES.values():
                if layer == "invariants" and target[0] in RUST_LAYERS:
                    problems.append(
                        f"{where} uses crate::{_name(target)}: the invariants use the public "
                        "surface (the crate root's re-exports), as the fuzz targets do"
                    )
                continue
            if target[0] not in RUST_LAYERS:
                problems.append(
                    f"{where} uses crate::{_name(target)}: inside the core, name the layer "
                    "(crate::text::tokenize::Tokenizer), not the crate root's re-export"
                )
            elif target[0] != layer and target[0] not in RUST_LAYERS[layer]:
                problems.append(
                    f"{where} uses crate::{_name(target)}: the {layer} layer may use only "
                    f"{sorted(RUST_LAYERS[layer]) or 'nothing else'}"
                )
    assert not problems, "\n".join(problems)


def test_no_rust_module_takes_part_in_an_import_cycle():
    graph = {
        _name(module): [_name(target) for target in imports]
        for module, imports in rust_imports().items()
    }
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_checks_see_the_imports(tmp_path, monkeypatch):
    """The reader finds imports written every way the core writes them, and ignores comments."""
    source = tmp_path / "src"
    (source / "text").mkdir(parents=True)
    (source / "text" / "mod.rs").write_text("//! May use: `error`.\npub(crate) mod a;\n")
    (source / "text" / "a.rs").write_text(
        "use crate::error::Error;\n"
        "use crate::{features::fit::Fitter, matrix::csr::{CsrView, CsrParts}};\n"
        "// use crate::arrow::ffi::ArrowArray;\n"
        'const URL: &str = "crate::runtime::pools";\n'
        "fn f() { crate::runtime::cancel::checkpoint(); }\n"
        "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n"
    )
    monkeypatch.setattr(f"{__name__}.RUST_SOURCES", source)
    imports = rust_imports()[("text", "a")]
    assert set(imports) == {("error",), ("features",), ("matrix",), ("runtime",)}


# -- the Python package ------------------------------------------------------------------------


def _python_modules(package: Path) -> dict[str, Path]:
    """Module name (relative to the package: "" for it, "_cli", "datasets") -> its source; the
    extension is known by its stub."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        modules[".".join(parts)] = path
    for stub in package.rglob("*.pyi"):
        name = ".".join(stub.relative_to(package).with_suffix("").parts)
        modules.setdefault(name, stub)
    return modules


def python_imports(package: Path = PYTHON_PACKAGE) -> dict[str, dict[str, int]]:
    """module -> {module of the package it imports: the line}, every import statement counted
    (in functions too)."""
    modules = _python_modules(package)
    root = package.name

    def within(name: str) -> str | None:
        """The package module ``name`` (dotted, absolute) is, or lies in."""
        if name != root and not name.startswith(root + "."):
            return None
        relative = name[len(root) + 1 :]
        while relative not in modules:
            relative = relative.rpartition(".")[0]
        return relative

    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        if path.suffix != ".py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = (root + "." + module).rstrip(".").split(".")
                    keep = len(anchor) - node.level + (1 if is_package else 0)
                    base = ".".join(anchor[:keep] + ([base] if base else []))
                # `from textsim import _core` imports the module textsim._core.
                targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
            for target in targets:
                found = within(target)
                if found is not None and found != module:
                    edges.setdefault(found, node.lineno)
    return graph


def _display_name(module: str) -> str:
    return f"textsim.{module}" if module else "textsim"


def _layer_of(module: str) -> int:
    for rank, layer in enumerate(PYTHON_LAYERS):
        if module in layer:
            return rank
    raise KeyError(module)


def test_every_python_module_is_in_a_layer():
    modules = set(_python_modules(PYTHON_PACKAGE))
    listed = set().union(*PYTHON_LAYERS)
    assert modules - listed == set(), (
        f"{sorted(_display_name(m) for m in modules - listed)}: put each new module in a layer "
        "of PYTHON_LAYERS (the layer of the modules it imports, or one above)"
    )
    assert listed - modules == set(), f"no such modules: {sorted(listed - modules)}"


def test_python_modules_import_only_their_layer_and_below():
    problems = []
    for module, imports in python_imports().items():
        for target, line in imports.items():
            if _layer_of(target) < _layer_of(module):
                problems.append(
                    f"{_display_name(module)} (line {line}) imports {_display_name(target)}, "
                    "which is in a higher layer"
                )
    assert not problems, "\n".join(problems)


def test_only_the_wrapping_modules_import_the_extension():
    users = {m for m, imports in python_imports().items() if "_core" in imports}
    assert users <= CORE_WRAPPERS, (
        f"{sorted(_display_name(m) for m in users - CORE_WRAPPERS)} import textsim._core: go "
        "through the module that wraps the core call instead"
    )


def test_no_python_module_takes_part_in_an_import_cycle():
    graph = {
        _display_name(module): [_display_name(t) for t in imports]
        for module, imports in python_imports().items()
    }
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_python_checks_see_every_kind_of_import(tmp_path):
    package = tmp_path / "textsim"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from textsim._low import thing\n")
    (package / "_low.py").write_text(
        "def f():\n    from textsim import _high\n    import textsim.sub.leaf as leaf\n"
    )
    (package / "_high.py").write_text("from . import _low\nfrom .sub import leaf\nimport numpy\n")
    (package / "sub" / "__init__.py").write_text("from .. import _low\n")
    (package / "sub" / "leaf.py").write_text("from textsim import __version__\n")
    (package / "_core.pyi").write_text("")
    imports = python_imports(package)
    assert imports[""] == {"_low": 1}
    assert set(imports["_low"]) == {"_high", "sub.leaf"}
    assert set(imports["_high"]) == {"_low", "sub.leaf"}
    assert set(imports["sub"]) == {"_low"}
    assert set(imports["sub.leaf"]) == {""}
    assert imports["_core"] == {}


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
