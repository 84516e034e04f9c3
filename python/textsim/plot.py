"""Pictures of similarity (matplotlib is an optional extra: ``pip install 'textsim[plot]'``).

matplotlib draws text without shaping it, so Bengali conjuncts and vowel signs come out broken.
The heatmap is therefore labelled with short ids (``A``, ``B``, ...) and comes with a legend that
maps each id to its article's title: a table, which Jupyter shows as HTML (where Bengali is
shaped correctly) and a terminal as text.
"""

from __future__ import annotations

import base64
import html
import io
import string
from typing import Any

import numpy as np

from textsim._similarity import cosine_similarity

__all__ = ["Heatmap", "similarity_heatmap"]

# More than this and the cells are too small to read: the heatmap is for a handful.
MOST_ARTICLES = 40


class Heatmap:
    """A similarity heatmap and its legend: what :func:`similarity_heatmap` returns.

    In Jupyter it shows the picture and the legend (a table, where Bengali titles are shaped
    correctly); in a terminal, the legend as text.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure drawn into.
    axes : matplotlib.axes.Axes
        The axes of the heatmap.
    scores : numpy.ndarray of shape (n, n)
        The cosine matrix drawn.
    legend : list of (str, str)
        ``(label, title)`` pairs, one per article.

    See Also
    --------
    similarity_heatmap : Makes it.

    Examples
    --------
    >>> import textsim
    >>> from textsim.plot import similarity_heatmap
    >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা"])
    >>> similarity_heatmap(X, ["তরী", "বাংলা"])
    Heatmap of 2 articles (cosine similarity)
      A: তরী
      B: বাংলা
    """

    def __init__(self, figure: Any, axes: Any, scores: np.ndarray, legend: list[tuple[str, str]]):
        self.figure = figure
        self.axes = axes
        self.scores = scores
        self.legend = legend

    def __repr__(self) -> str:
        lines = [f"Heatmap of {len(self.legend)} articles (cosine similarity)"]
        lines += [f"  {label}: {title}" for label, title in self.legend]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", bbox_inches="tight")
        image = base64.b64encode(buffer.getvalue()).decode("ascii")
        rows = "".join(
            f"<tr><td><strong>{html.escape(label)}</strong></td>"
            f"<td style='text-align:left'>{html.escape(title)}</td></tr>"
            for label, title in self.legend
        )
        return (
            "<div style='display:flex;gap:1em;align-items:flex-start'>"
            f"<img src='data:image/png;base64,{image}'/>"
            f"<table><tr><th>id</th><th style='text-align:left'>article</th></tr>{rows}</table>"
            "</div>"
        )


def _short_labels(n: int) -> list[str]:
    """A, B, ..., Z, AA, AB, ...: short enough for a tick, ASCII so matplotlib draws them."""
    letters = string.ascii_uppercase
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(n)]


def similarity_heatmap(
    X: Any,
    titles: Any = None,
    *,
    labels: Any = None,
    ax: Any = None,
    annotate: bool = True,
    cmap: str = "viridis",
) -> Heatmap:
    """Draw the cosine similarity of every pair of a handful of articles as a heatmap.

    matplotlib draws text without shaping it, so Bengali conjuncts and vowel signs come out
    broken: the cells are labelled with short ASCII labels, and the legend of the returned
    :class:`Heatmap` pairs each label with its title.

    Parameters
    ----------
    X : sparse matrix or array-like of shape (n, n_features)
        The articles' TF-IDF vectors, 1 to 40 of them.
    titles : sequence of str or None, default=None
        A title per article, for the legend.
    labels : sequence of str or None, default=None
        The cells' labels (default ``A``, ``B``, ...); give ASCII ones.
    ax : matplotlib.axes.Axes or None, default=None
        Draw into these axes; None makes a new figure, not shown by pyplot (display the
        returned object).
    annotate : bool, default=True
        Write each score in its cell (for at most 20 articles).
    cmap : str, default="viridis"
        The matplotlib colour map.

    Returns
    -------
    Heatmap
        The figure, the axes, the scores and the legend.

    Raises
    ------
    ValueError
        If there are not 1 to 40 articles, or ``labels`` or ``titles`` has another length.
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    textsim.cosine_similarity : The scores drawn.

    Examples
    --------
    >>> import textsim
    >>> from textsim.plot import similarity_heatmap
    >>> X = textsim.TfidfVectorizer().fit_transform(["সোনার তরী", "সোনার বাংলা", "তরী"])
    >>> heatmap = similarity_heatmap(X, ["তরী", "বাংলা", "তরী ২"], labels=["T", "B", "T2"])
    >>> heatmap.legend
    [('T', 'তরী'), ('B', 'বাংলা'), ('T2', 'তরী ২')]
    >>> heatmap.scores.round(2)
    array([[1.  , 0.43, 0.71],
           [0.43, 1.  , 0.  ],
           [0.71, 0.  , 1.  ]])
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "textsim.plot needs matplotlib: pip install matplotlib (or pip install 'textsim[plot]')"
        ) from None
    scores = np.asarray(cosine_similarity(X), dtype=np.float64)
    n = scores.shape[0]
    if not 1 <= n <= MOST_ARTICLES:
        raise ValueError(
            f"similarity_heatmap: {n} articles; it is for 1 to {MOST_ARTICLES} (choose rows, "
            "e.g. X[[0, 5, 9]])"
        )
    labels = _short_labels(n) if labels is None else [str(label) for label in labels]
    titles = [""] * n if titles is None else [str(title) for title in titles]
    if len(labels) != n or len(titles) != n:
        raise ValueError(
            f"similarity_heatmap: {n} articles, {len(labels)} labels and {len(titles)} titles"
        )
    if ax is None:
        figure = Figure(figsize=(1.0 + 0.45 * n, 0.6 + 0.45 * n), layout="constrained")
        ax = figure.add_subplot()
    else:
        figure = ax.figure
    image = ax.imshow(scores, vmin=0.0, vmax=1.0, cmap=cmap)
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_title("cosine similarity")
    if annotate and n <= 20:
        for i in range(n):
            for j in range(n):
                ax.text(j, i, f"{scores[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="black" if scores[i, j] > 0.6 else "white")
    figure.colorbar(image, ax=ax, shrink=0.8)
    return Heatmap(figure, ax, scores, list(zip(labels, titles)))
