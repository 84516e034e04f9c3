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


# Titles listed per group before "… N more".
SHOWN_MEMBERS = 5


def _groups_summary(groups: Any) -> str:
    together = groups.sizes[groups.sizes > 1]
    n_rows = int(groups.sizes.sum())
    largest = int(together.max(initial=0))
    plural = "" if len(together) == 1 else "s"
    return (
        f"{n_rows:,} articles: {len(together):,} group{plural} of 2 or more "
        f"({int(together.sum()):,} articles, largest {largest:,}), "
        f"{len(groups) - len(together):,} alone "
        f"(linkage={groups.linkage!r}, min_score={groups.min_score:g})"
    )


def _shown(name: str, width: int = 70) -> str:
    name = " ".join(name.split())
    return name if len(name) <= width else name[: width - 1] + "…"


def groups_text(groups: Any) -> str:
    lines = [f"Groups: {_groups_summary(groups)}"]
    shown = [g for g in range(len(groups)) if groups.sizes[g] > 1][:SHOWN_ROWS]
    for g in shown:
        representative = int(groups.representatives[g])
        others = int(groups.sizes[g]) - 1
        lines.append(f"  {g} ({groups.sizes[g]}): {_shown(groups.name_of(representative))}"
                     f" + {others} more")
    together = int((groups.sizes > 1).sum())
    if together > len(shown):
        lines.append(f"  ... {together - len(shown):,} more groups")
    return "\n".join(lines)


def groups_html(groups: Any) -> str:
    rows = []
    shown = [g for g in range(len(groups)) if groups.sizes[g] > 1][:SHOWN_ROWS]
    for g in shown:
        representative = int(groups.representatives[g])
        members = [r for r in groups.rows[g] if r != representative]
        listed = "<br>".join(html.escape(_shown(groups.name_of(r))) for r in members[:SHOWN_MEMBERS])
        if len(members) > SHOWN_MEMBERS:
            listed += f"<br><small>… {len(members) - SHOWN_MEMBERS:,} more</small>"
        rows.append(
            f"<tr><td>{g}</td><td>{groups.sizes[g]}</td>"
            f"<td style='text-align:left'><strong>{html.escape(_shown(groups.name_of(representative)))}"
            f"</strong></td><td style='text-align:left'>{listed}</td></tr>"
        )
    together = int((groups.sizes > 1).sum())
    more = (
        f"<tr><td colspan='4'>… {together - len(shown):,} more groups "
        "(<code>to_pandas(min_size=2)</code> has them all)</td></tr>"
        if together > len(shown) else ""
    )
    return (
        f"<div><strong>Groups</strong>: {html.escape(_groups_summary(groups))}"
        "<table><tr><th>group</th><th>size</th><th style='text-align:left'>representative</th>"
        "<th style='text-align:left'>the others</th></tr>"
        f"{''.join(rows)}{more}</table></div>"
    )


_SWEEP_COLUMNS = ("min_score", "groups", "grouped", "largest", "alone")


def sweep_text(sweep: Any) -> str:
    lines = [
        f"Group sizes by min_score (linkage={sweep.linkage!r}): groups of 2 or more, the "
        "articles in them, the largest, articles alone",
        "  " + "  ".join(f"{c:>9}" for c in _SWEEP_COLUMNS),
    ]
    for row in sweep:
        lines.append(
            f"  {row.min_score:>9g}  " + "  ".join(f"{v:>9,}" for v in row[1:])
        )
    return "\n".join(lines)


def sweep_html(sweep: Any) -> str:
    head = "".join(f"<th>{c}</th>" for c in _SWEEP_COLUMNS)
    body = "".join(
        f"<tr><td>{row.min_score:g}</td>" + "".join(f"<td>{v:,}</td>" for v in row[1:]) + "</tr>"
        for row in sweep
    )
    return (
        f"<div><strong>Group sizes by min_score</strong> (linkage={html.escape(repr(sweep.linkage))})"
        f"<table><tr>{head}</tr>{body}</table></div>"
    )


def matches_text(matches: Any) -> str:
    n, k = matches.indices.shape
    lines = [f"Matches: {n:,} queries x {k} (indices, scores), best first"]
    for q in range(min(n, SHOWN_ROWS)):
        found = [
            f"{_shown(matches.name_of(int(j)), 40)} ({s:.3f})"
            for j, s in zip(matches.indices[q], matches.scores[q])
            if j >= 0
        ]
        lines.append(f"  {matches.queries[q]}: {'; '.join(found) if found else '-'}")
    if n > SHOWN_ROWS:
        lines.append(f"  ... {n - SHOWN_ROWS:,} more queries")
    return "\n".join(lines)


def matches_html(matches: Any) -> str:
    n, k = matches.indices.shape
    rows = []
    for q in range(min(n, SHOWN_ROWS)):
        found = "<br>".join(
            f"{html.escape(_shown(matches.name_of(int(j))))}&nbsp;<small>({s:.3f})</small>"
            for j, s in zip(matches.indices[q], matches.scores[q])
            if j >= 0
        )
        query = html.escape(str(matches.queries[q]))
        if matches.query_titles is not None:
            query += f"<br><small>{html.escape(_shown(str(matches.query_titles[q])))}</small>"
        rows.append(f"<tr><td style='text-align:left'>{query}</td>"
                    f"<td style='text-align:left'>{found or '-'}</td></tr>")
    more = (
        f"<tr><td colspan='2'>… {n - SHOWN_ROWS:,} more queries</td></tr>" if n > SHOWN_ROWS else ""
    )
    return (
        f"<div><strong>Matches</strong>: {n:,} queries × {k}, best first "
        "(<code>to_pandas()</code> for a table)"
        "<table><tr><th>query</th><th style='text-align:left'>indexed articles (cosine)</th></tr>"
        f"{''.join(rows)}{more}</table></div>"
    )
