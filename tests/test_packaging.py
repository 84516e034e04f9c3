"""What was installed is what was built: one version everywhere, and (in CI's wheel runs) the wheel.

The version lives in Cargo.toml only; maturin writes it into the package metadata and the extension
exposes it as ``textsim.__version__``. CI also installs each built wheel into a fresh virtual
environment and runs this suite against it with ``TEXTSIM_TEST_WHEEL`` set to the wheel's path:
then the imported package must come from that wheel, so that a file missing from the wheel fails CI
instead of being found in the source tree.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import sys
import sysconfig
from pathlib import Path

import pytest
from packaging.version import Version

import textsim

SOURCE_ROOT = Path(__file__).resolve().parents[1]


def _cargo_version() -> str:
    cargo_toml = SOURCE_ROOT / "Cargo.toml"
    if not cargo_toml.is_file():
        pytest.skip(f"no Cargo.toml at {cargo_toml} (tests run outside the repository)")
    # The [package] table's version; a regular expression keeps Python 3.10 (no tomllib) working.
    package = cargo_toml.read_text(encoding="utf-8").split("[package]", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version\s*=\s*"([^"]+)"', package, flags=re.MULTILINE)
    assert match, "Cargo.toml's [package] table has no version"
    return match.group(1)


def test_one_version_in_cargo_toml_metadata_and_module() -> None:
    cargo = _cargo_version()
    metadata = importlib.metadata.version("textsim")
    # maturin turns Cargo's SemVer into PEP 440 (0.2.0-beta.1 -> 0.2.0b1): compare as versions.
    assert Version(metadata) == Version(cargo)
    assert Version(textsim.__version__) == Version(cargo)
    assert textsim.__version__ == textsim._core.__version__


def test_metadata_names_the_project() -> None:
    metadata = importlib.metadata.metadata("textsim")
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Source"} <= set(urls)
    supported = {c for c in metadata.get_all("Classifier") or [] if "Python :: 3." in c}
    assert supported == {f"Programming Language :: Python :: 3.{minor}" for minor in range(10, 14)}
    assert sys.version_info >= (3, 10)


@pytest.mark.skipif(
    not os.environ.get("TEXTSIM_TEST_WHEEL"),
    reason="TEXTSIM_TEST_WHEEL is set by CI's runs against a built wheel",
)
def test_imported_from_the_installed_wheel() -> None:
    wheel = Path(os.environ["TEXTSIM_TEST_WHEEL"]).resolve()
    package_dir = Path(textsim.__file__).resolve().parent
    site_dirs = {Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")}
    assert package_dir.parent in site_dirs, f"textsim imported from {package_dir}, not the venv"
    source_package = SOURCE_ROOT / "python"
    assert not package_dir.is_relative_to(source_package), "textsim imported from python/"
    assert all(Path(p).resolve() != source_package for p in sys.path if p), sys.path

    distribution = importlib.metadata.distribution("textsim")
    origin = json.loads(distribution.read_text("direct_url.json") or "{}")
    assert origin.get("url", "").endswith("/" + wheel.name), origin
    assert "dir_info" not in origin, "installed from a directory, not from the wheel"
    installed = {str(f) for f in distribution.files or []}
    assert any(re.fullmatch(r"textsim/_core\..*(so|pyd)", f) for f in installed), installed
    assert {"textsim/py.typed", "textsim/_core.pyi"} <= installed
