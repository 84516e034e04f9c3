# Type stubs for the Rust extension module textsim._core (src/python/mod.rs).
# Kept by hand; tests/test_stubs.py checks that they name exactly what the module has.

from collections.abc import Iterable, Sequence
from typing import final

import numpy as np
import numpy.typing as npt

__all__ = ["TokenizerCore", "sentences", "__version__"]
__version__: str

@final
class TokenizerCore:
    def __new__(
        cls,
        *,
        lowercase: bool,
        token_pattern: str,
        segmentation: str,
        unicode_normalization: str | None,
        bengali_folding: bool,
        fold_digits: bool,
        strip_accents: str | None,
        stop_words: str | Sequence[str] | None,
        decode_error: str,
        n_jobs: int | None,
    ) -> TokenizerCore: ...
    def normalize(self, doc: str | bytes) -> str: ...
    def normalize_many(self, docs: Iterable[str | bytes]) -> list[str]: ...
    def tokenize(self, doc: str | bytes) -> list[str]: ...
    def tokenize_many(self, docs: Iterable[str | bytes]) -> list[list[str]]: ...
    def count_tokens(self, docs: Iterable[str | bytes]) -> npt.NDArray[np.int64]: ...
    def stop_words(self) -> list[str]: ...
    def is_stop_word(self, token: str) -> bool: ...

def sentences(text: str) -> list[str]: ...
