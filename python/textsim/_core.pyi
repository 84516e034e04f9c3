# Type stubs for the Rust extension module textsim._core (src/python/, registered in mod.rs).
# Kept by hand; tests/test_stubs.py checks that they name exactly what the module has.

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeAlias, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "AnalyzerCore",
    "FitterCore",
    "StatsCore",
    "TokenizerCore",
    "VocabularyCore",
    "sentences",
    "inverse_document_frequency",
    "weigh_csr",
    "most_similar",
    "similar_pairs",
    "cosine_dense",
    "connected_components",
    "near_duplicates",
    "agglomerate",
    "__version__",
]
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
        clean_scraped: bool = False,
        stemmer: str | None = None,
    ) -> TokenizerCore: ...
    def normalize(self, doc: str | bytes) -> str: ...
    def normalize_many(self, docs: Iterable[str | bytes]) -> list[str]: ...
    def tokenize(self, doc: str | bytes) -> list[str]: ...
    def tokenize_many(self, docs: Iterable[str | bytes]) -> list[list[str]]: ...
    def count_tokens(self, docs: Iterable[str | bytes]) -> npt.NDArray[np.int64]: ...
    def stop_words(self) -> list[str]: ...
    def is_stop_word(self, token: str) -> bool: ...

_Matrix: TypeAlias = tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], tuple[int, int]]

@final
class VocabularyCore:
    def __new__(cls, terms: Sequence[str]) -> VocabularyCore: ...
    def terms(self) -> list[str]: ...
    def as_dict(self) -> dict[str, int]: ...
    def __len__(self) -> int: ...

@final
class AnalyzerCore:
    def __new__(
        cls, tokenizer: TokenizerCore, analyzer: str, ngram_range: tuple[int, int]
    ) -> AnalyzerCore: ...
    def analyze(self, doc: str | bytes) -> list[str]: ...
    def transform(
        self,
        docs: Any,
        *,
        analyzed: bool,
        vocabulary: VocabularyCore,
        binary: bool,
        dtype: str,
        tfidf: tuple[npt.NDArray[np.float64] | None, bool, str | None] | None,
        first_document: int = 0,
    ) -> _Matrix: ...
    def hash(
        self,
        docs: Any,
        *,
        analyzed: bool,
        n_features: int,
        alternate_sign: bool,
        binary: bool,
        norm: str | None,
        dtype: str,
        first_document: int = 0,
    ) -> _Matrix: ...

@final
class FitterCore:
    def __new__(cls, analyzer: AnalyzerCore) -> FitterCore: ...
    def add(self, docs: Any, *, analyzed: bool, first_document: int = 0) -> None: ...
    def finish(
        self,
        *,
        min_df: float,
        max_df: float,
        max_features: int | None,
        binary: bool,
        dtype: str,
        tfidf: tuple[bool, bool, bool, str | None] | None,
    ) -> tuple[VocabularyCore, npt.NDArray[np.int64], npt.NDArray[np.float64] | None, _Matrix]: ...

@final
class StatsCore:
    def __new__(cls) -> StatsCore: ...
    def update(
        self, analyzer: AnalyzerCore, docs: Any, *, analyzed: bool, first_document: int = 0
    ) -> None: ...
    def merge(self, other: StatsCore) -> None: ...
    def copy(self) -> StatsCore: ...
    def equals(self, other: StatsCore) -> bool: ...
    @property
    def n_documents(self) -> int: ...
    def __len__(self) -> int: ...
    def to_parts(
        self,
    ) -> tuple[bytes, npt.NDArray[np.int64], npt.NDArray[np.uint64], npt.NDArray[np.uint64], int]: ...
    @staticmethod
    def from_parts(
        text: bytes,
        ends: npt.NDArray[np.int64],
        document_frequency: npt.NDArray[np.uint64],
        total_count: npt.NDArray[np.uint64],
        n_documents: int,
    ) -> StatsCore: ...
    def document_frequencies(self, vocabulary: VocabularyCore) -> npt.NDArray[np.int64]: ...
    def finish(
        self,
        *,
        min_df: float,
        max_df: float,
        max_features: int | None,
        binary: bool,
        smooth_idf: bool | None,
    ) -> tuple[VocabularyCore, npt.NDArray[np.int64], npt.NDArray[np.float64] | None, int]: ...

def inverse_document_frequency(
    df: npt.NDArray[np.int64], n_documents: int, *, smooth: bool
) -> npt.NDArray[np.float64]: ...
def weigh_csr(
    data: npt.NDArray[Any],
    indices: npt.NDArray[Any],
    indptr: npt.NDArray[Any],
    *,
    idf: npt.NDArray[np.float64] | None,
    sublinear_tf: bool,
    norm: str | None,
) -> None: ...
_CsrParts: TypeAlias = tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any], tuple[int, int]]

def most_similar(
    x: _CsrParts,
    y: _CsrParts,
    *,
    k: int,
    min_score: float | None,
    exclude_self: bool,
    n_jobs: int | None,
    progress: Callable[[int], object] | None = None,
    algorithm: str = "auto",
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]: ...
def similar_pairs(
    x: _CsrParts,
    y: _CsrParts,
    *,
    min_score: float | None,
    upper_only: bool,
    n_jobs: int | None,
    progress: Callable[[int], object] | None = None,
    algorithm: str = "auto",
) -> _Matrix: ...
def cosine_dense(
    x: _CsrParts, y: _CsrParts, out: npt.NDArray[Any], *, n_jobs: int | None
) -> None: ...
def connected_components(
    n: int, indptr: npt.NDArray[np.int64], indices: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]: ...
def agglomerate(
    n: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    *,
    linkage: str,
    min_score: float,
) -> npt.NDArray[np.int64]: ...
def near_duplicates(
    x: _CsrParts,
    y: _CsrParts | None = None,
    *,
    min_score: float,
    n_jobs: int | None,
    progress: Callable[[int], object] | None = None,
    algorithm: str = "auto",
) -> npt.NDArray[np.int64]: ...
def sentences(text: str) -> list[str]: ...
