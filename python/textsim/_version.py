"""textsim's version (the extension's, which the build stamps from Cargo.toml)."""

from textsim._core import __version__

__all__ = ["__version__"]
