"""How fitted estimators and similarity results look in a terminal and in Jupyter.

Browsers shape Bengali correctly, so the HTML shows titles as they are; plain text is kept to
one summary line plus a few rows, because a repr is read at a glance.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

# Rows of a result shown before "…": enough to see the shape of the answer.
SHOWN_ROWS = 10


def fitted_summary(estimator: Any) -> str | None:
    """"12,345 terms from 202 documents" for a fitted vectorizer ("N features" for a fitted
    TfidfTransformer), None when unfitted."""
    state = estimator.__dict__
    core = state.get("_core_vocabulary")
    vocabulary = state.get("_vocabulary")
    if core is not None:
        n_terms = len(core)
    elif vocabulary is not None:
        n_terms = len(vocabulary)
    elif "n_features_in_" in state:  # TfidfTransformer
        return f"{state['n_features_in_']:,} features"
    else:
        return None
    documents = state.get("_n_documents")
    seen = f" from {documents:,} documents" if documents is not None else ""
    return f"{n_terms:,} terms{seen}"


def estimator_html(estimator: Any, text_repr: str) -> str:
    """A small table: the class, the parameters that differ from the defaults, the fitted
    state."""
    params = text_repr[text_repr.index("(") + 1 : text_repr.rindex(")")]
    summary = fitted_summary(estimator)
    rows = [
        ("parameters", params or "defaults"),
        ("fitted", summary if summary is not None else _unfitted(estimator)),
    ]
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'><code>{html.escape(v)}</code></td></tr>"
        for k, v in rows
    )
    return (
        f"<div><strong>{html.escape(type(estimator).__name__)}</strong>"
        f"<table>{body}</table></div>"
    )


def _unfitted(estimator: Any) -> str:
    return "not fitted" if getattr(estimator, "_requires_fit", True) else "nothing to fit"


def neighbours_text(indices: np.ndarray, scores: np.ndarray) -> str:
    n, k = indices.shape
    lines = [f"Neighbours: {n:,} rows x {k} (indices, scores), best first"]
    for row in range(min(n, SHOWN_ROWS)):
        found = [f"{j} ({s:.3f})" for j, s in zip(indices[row], scores[row]) if j >= 0]
        lines.append(f"  {row}: {', '.join(found) if found else '-'}")
    if n > SHOWN_ROWS:
        lines.append(f"  ... {n - SHOWN_ROWS:,} more rows")
    return "\n".join(lines)


def neighbours_html(indices: np.ndarray, scores: np.ndarray) -> str:
    n, k = indices.shape
    rows = []
    for row in range(min(n, SHOWN_ROWS)):
        found = ", ".join(
            f"{j}&nbsp;<small>({s:.3f})</small>" for j, s in zip(indices[row], scores[row]) if j >= 0
        )
        rows.append(f"<tr><td>{row}</td><td style='text-align:left'>{found or '-'}</td></tr>")
    more = (
        f"<tr><td colspan='2'>… {n - SHOWN_ROWS:,} more rows</td></tr>" if n > SHOWN_ROWS else ""
    )
    return (
        f"<div><strong>Neighbours</strong>: {n:,} rows × {k}, best first "
        "(<code>to_pandas(titles=...)</code> for a table)"
        "<table><tr><th>row</th><th style='text-align:left'>neighbours (cosine)</th></tr>"
        f"{''.join(rows)}{more}</table></div>"
    )
