"""CorpusStats: the statistics a vectorizer's fit needs, mergeable across batches and machines.

For every term the number of documents it is in and its total count, and the number of
documents, for one set of analyzer settings. ``update`` adds documents, ``merge`` adds another
CorpusStats: any split of a corpus, merged in any order, gives equal statistics. A vectorizer's
``fit_from_stats`` then chooses the vocabulary and the idf exactly as one ``fit`` over the whole
corpus would. Memory grows with the vocabulary, not with the number of documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from textsim import _core
from textsim._analysis import ANALYSIS_PARAMETERS, DEFAULT_SETTINGS, Analysis, analysis_settings
from textsim._estimator import unchanged_on_failure
from textsim._exceptions import ParameterError

class CorpusStats:
    """Document frequencies, total term counts and the number of documents of a corpus.

    The statistics a vectorizer's fit needs, for its analyzer settings, mergeable across
    batches and machines: any split of a corpus, merged in any order, gives equal statistics,
    and ``vectorizer.fit_from_stats(stats)`` then chooses the vocabulary and the idf exactly
    as one ``fit`` over the whole corpus would. Memory grows with the vocabulary, not with the
    number of documents. They pickle small (the settings, the terms' UTF-8 bytes and three
    numbers per term) and are checked when unpickled.

    Parameters
    ----------
    vectorizer : CountVectorizer, TfidfVectorizer or None, default=None
        Whose analyzer settings (tokenizing, normalization, n-grams, stop words) the
        statistics count for; None: a default CountVectorizer's. Pruning settings
        (``min_df``, ``max_features``) are the fitting vectorizer's, not these.
    n_jobs : int or None, default=None
        The number of threads of :meth:`update`; None: the vectorizer's ``n_jobs``.

    Raises
    ------
    textsim.ParameterError
        If ``vectorizer`` is not a CountVectorizer or TfidfVectorizer.

    See Also
    --------
    CountVectorizer.fit_from_stats : Learn a vocabulary from the statistics.
    textsim.dask.stats : The statistics of a Dask collection.

    Examples
    --------
    >>> import textsim
    >>> vectorizer = textsim.TfidfVectorizer()
    >>> a = textsim.CorpusStats(vectorizer).update(["সোনার তরী"])
    >>> b = textsim.CorpusStats(vectorizer).update(["সোনার বাংলা", "the cat"])
    >>> merged = a.merge(b)
    >>> merged
    CorpusStats(5 terms, 3 documents)
    >>> merged.to_dict()["সোনার"]
    (2, 2)
    """

    def __init__(self, vectorizer: Any = None, *, n_jobs: int | None = None) -> None:
        if vectorizer is None:
            params, owner, vectorizer_jobs = DEFAULT_SETTINGS, "CountVectorizer", None
        elif all(hasattr(vectorizer, name) for name in ANALYSIS_PARAMETERS) and hasattr(
            vectorizer, "fit_from_stats"
        ):
            params = {name: getattr(vectorizer, name) for name in ANALYSIS_PARAMETERS}
            owner, vectorizer_jobs = type(vectorizer).__name__, vectorizer.n_jobs
        else:
            raise ParameterError(
                "CorpusStats: expected a CountVectorizer or TfidfVectorizer, got "
                f"{type(vectorizer).__name__}"
            )
        self.settings = analysis_settings(params)
        self.n_jobs = vectorizer_jobs if n_jobs is None else n_jobs
        analysis = Analysis(params, n_jobs=self.n_jobs, owner=owner, checked=self._checked())
        analysis.check()
        self._analysis = analysis
        self._core_stats = _core.StatsCore()

    # -- adding documents and statistics -----------------------------------------------------

    def update(self, docs: Iterable[Any], *, batch_size: int | None = None) -> CorpusStats:
        """Add the statistics of documents.

        All of them, or, when one fails, none: they are counted apart and merged once every
        document is read.

        Parameters
        ----------
        docs : iterable of str or bytes
            The documents (any iterable).
        batch_size : int or None, default=None
            How many documents of a generator are read at a time; None: 8,192.

        Returns
        -------
        CorpusStats
            These statistics, updated.

        See Also
        --------
        merge : Add statistics made elsewhere.

        Examples
        --------
        >>> import textsim
        >>> textsim.CorpusStats().update(["আমার সোনার বাংলা"]).n_documents
        1
        """
        added = _core.StatsCore()
        self._analysis_of_settings().add_statistics(added, docs, batch_size)
        with unchanged_on_failure(self):
            self._core_stats.merge(added)
        return self

    def merge(self, other: CorpusStats) -> CorpusStats:
        """Add another's statistics, made with the same analyzer settings.

        Parameters
        ----------
        other : CorpusStats
            The statistics to add (left as they are).

        Returns
        -------
        CorpusStats
            These statistics, with ``other``'s added.

        Raises
        ------
        TypeError
            If ``other`` is not CorpusStats.
        textsim.ParameterError
            If ``other`` was made with other analyzer settings (the message names them).

        See Also
        --------
        update : Add documents.

        Examples
        --------
        >>> import textsim
        >>> a = textsim.CorpusStats().update(["সোনার তরী"])
        >>> a.merge(textsim.CorpusStats().update(["সোনার বাংলা"])).to_dict()
        {'তরী': (1, 1), 'বাংলা': (1, 1), 'সোনার': (2, 2)}
        """
        if not isinstance(other, CorpusStats):
            raise TypeError(f"can only merge CorpusStats, got {type(other).__name__}")
        self.check_settings(other.settings, "merge")
        self._core_stats.merge(other._core_stats)
        return self

    def check_settings(self, settings: dict[str, Any], what: str) -> None:
        """Check that analyzer settings are these statistics' own.

        Parameters
        ----------
        settings : dict
            Analyzer settings, as in ``CorpusStats.settings``.
        what : str
            What is being done, for the message (``"merge"``).

        Raises
        ------
        textsim.ParameterError
            If the settings differ, naming the differences.

        See Also
        --------
        merge : Checks the settings of the statistics it adds.

        Examples
        --------
        >>> import textsim
        >>> stats = textsim.CorpusStats()
        >>> stats.check_settings(textsim.CorpusStats().settings, "merge")
        """
        if settings == self.settings:
            return
        different = [
            f"{name}={self.settings.get(name)!r} vs {settings.get(name)!r}"
            for name in ANALYSIS_PARAMETERS
            if self.settings.get(name) != settings.get(name)
        ]
        raise ParameterError(
            f"cannot {what} CorpusStats made with different analyzer settings: "
            + ", ".join(different)
        )

    def copy(self) -> CorpusStats:
        """Return an independent copy.

        Returns
        -------
        CorpusStats
            The same statistics; updating either leaves the other as it is.

        See Also
        --------
        merge : Adds to these statistics in place.

        Examples
        --------
        >>> import textsim
        >>> stats = textsim.CorpusStats().update(["সোনার তরী"])
        >>> copy = stats.copy().update(["বাংলা"])
        >>> stats.n_documents, copy.n_documents
        (1, 2)
        """
        copied = object.__new__(CorpusStats)
        copied.settings = dict(self.settings)
        copied.n_jobs = self.n_jobs
        copied._core_stats = self._core_stats.copy()
        return copied

    def _checked(self) -> dict[str, int]:
        """Which stop word list was checked against the preprocessing (once per list)."""
        return self.__dict__.setdefault("_stop_words_checked", {})

    def _analysis_of_settings(self) -> Analysis:
        """The analysis these statistics count for (made from the settings when they were
        copied or unpickled)."""
        analysis = self.__dict__.get("_analysis")
        if analysis is None:
            analysis = Analysis(
                self.settings, n_jobs=self.n_jobs, owner="CountVectorizer", checked=self._checked()
            )
            self._analysis = analysis
        return analysis

    # -- looking at them ---------------------------------------------------------------------

    @property
    def n_documents(self) -> int:
        """The number of documents counted.

        See Also
        --------
        to_dict : Each term's statistics.

        Examples
        --------
        >>> import textsim
        >>> textsim.CorpusStats().update(["সোনার তরী", "বাংলা"]).n_documents
        2
        """
        return int(self._core_stats.n_documents)

    def __len__(self) -> int:
        """The number of distinct terms."""
        return len(self._core_stats)

    def to_dict(self) -> dict[str, tuple[int, int]]:
        """Return the statistics as a dict.

        Returns
        -------
        dict of str to (int, int)
            ``{term: (document frequency, total count)}``, terms in code point order.

        See Also
        --------
        n_documents : The number of documents.

        Examples
        --------
        >>> import textsim
        >>> textsim.CorpusStats().update(["সোনার তরী সোনার"]).to_dict()
        {'তরী': (1, 1), 'সোনার': (1, 2)}
        """
        text, ends, df, total, _ = self._core_stats.to_parts()
        starts = np.concatenate(([0], ends[:-1])) if len(ends) else ends
        return {
            text[s:e].decode("utf-8"): (int(d), int(t))
            for s, e, d, t in zip(starts.tolist(), ends.tolist(), df, total)
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CorpusStats):
            return NotImplemented
        return self.settings == other.settings and self._core_stats.equals(other._core_stats)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CorpusStats({len(self)} terms, {self.n_documents} documents)"

    # -- pickling ----------------------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        text, ends, df, total, n_documents = self._core_stats.to_parts()
        little = lambda a, t: np.ascontiguousarray(a, dtype=t).tobytes()  # noqa: E731
        return (
            _restore,
            (
                dict(self.settings),
                self.n_jobs,
                text,
                little(ends, "<i8"),
                little(df, "<u8"),
                little(total, "<u8"),
                int(n_documents),
            ),
        )


def _restore(
    settings: dict[str, Any],
    n_jobs: int | None,
    text: bytes,
    ends: bytes,
    df: bytes,
    total: bytes,
    n_documents: int,
) -> CorpusStats:
    """CorpusStats from their pickled state, checked by the core (they may come from elsewhere)."""
    if not isinstance(settings, dict) or set(settings) != set(ANALYSIS_PARAMETERS):
        raise ParameterError("not the state of CorpusStats: unknown analyzer settings")
    native = lambda b, t: np.frombuffer(b, dtype=t).astype(t[1:], copy=True)  # noqa: E731
    stats = object.__new__(CorpusStats)
    stats.settings = settings
    stats.n_jobs = n_jobs
    stats._core_stats = _core.StatsCore.from_parts(
        bytes(text), native(ends, "<i8"), native(df, "<u8"), native(total, "<u8"), int(n_documents)
    )
    return stats

