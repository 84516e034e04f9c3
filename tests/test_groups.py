"""Which articles belong together: ``group_articles`` (average and complete linkage over the
pairs above a threshold), ``near_duplicates(as_groups=True)``, the ``Groups`` result and
``group_sweep``. scipy's hierarchical clustering on the full matrix is the oracle."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import textsim
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from textsim.datasets import load_bangla_news


def partition(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), set()).add(row)
    return {frozenset(g) for g in groups.values()}


def scipy_groups(X, method: str, min_score: float) -> set[frozenset[int]]:
    """scipy's clusters of the cosines at or above ``min_score`` (the others 0), cut at
    distance ``1 - min_score``."""
    S = textsim.cosine_similarity(X)
    S[S < min_score] = 0.0
    D = 1.0 - S
    np.fill_diagonal(D, 0.0)
    D = np.clip((D + D.T) / 2, 0.0, None)
    tree = linkage(squareform(D, checks=False), method=method)
    return partition(fcluster(tree, 1.0 - min_score, criterion="distance"))


def random_articles(seed: int, n: int = 60, width: int = 40, density: float = 0.12):
    rng = np.random.default_rng(seed)
    X = sp.random(n, width, density=density, random_state=rng, format="lil")
    # A few stories: rows that share a block of terms, so that the groups are not all trivial.
    for story in range(4):
        rows = rng.choice(n, size=6, replace=False)
        X[np.ix_(rows, range(story * 5, story * 5 + 5))] = rng.uniform(0.5, 1.0, size=(6, 5))
    return sp.csr_matrix(X)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("method", ["average", "complete"])
@pytest.mark.parametrize("min_score", [0.3, 0.5])
def test_groups_are_scipys_hierarchical_clusters(seed, method, min_score):
    X = random_articles(seed)
    groups = textsim.group_articles(X, min_score=min_score, linkage=method)
    assert partition(groups.labels) == scipy_groups(X, method, min_score)


@pytest.mark.parametrize("seed", range(4))
def test_single_linkage_is_near_duplicates(seed):
    X = random_articles(seed)
    groups = textsim.group_articles(X, min_score=0.4, linkage="single")
    assert partition(groups.labels) == partition(textsim.near_duplicates(X, min_score=0.4))
    assert partition(groups.labels) == scipy_groups(X, "single", 0.4)


def test_a_chain_is_not_a_story():
    # a ~ b and b ~ c, but a and c have nothing in common.
    X = sp.csr_matrix(np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]))
    assert textsim.near_duplicates(X, min_score=0.4).tolist() == [0, 0, 0]
    assert sorted(textsim.group_articles(X, min_score=0.4).sizes.tolist()) == [1, 2]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(["average", "complete"]),
    st.floats(0.1, 0.9),
)
def test_groups_do_not_depend_on_row_order_or_threads(seed, method, min_score):
    X = random_articles(seed, n=40)
    groups = textsim.group_articles(X, min_score=min_score, linkage=method, n_jobs=1)
    again = textsim.group_articles(X, min_score=min_score, linkage=method, n_jobs=2)
    assert np.array_equal(groups.labels, again.labels)
    order = np.random.default_rng(seed).permutation(X.shape[0])
    shuffled = textsim.group_articles(X[order], min_score=min_score, linkage=method)
    back = {frozenset(int(order[r]) for r in g) for g in shuffled.rows}
    assert back == {frozenset(g) for g in groups.rows}
    if method == "complete":
        S = textsim.cosine_similarity(X)
        for g in groups.rows:
            block = S[np.ix_(g, g)][~np.eye(len(g), dtype=bool)]
            assert block.min(initial=1.0) >= min_score - 1e-12


def test_the_result_type():
    X = sp.csr_matrix(
        np.array(
            [[1.0, 1.0, 0.0], [1.0, 0.9, 0.0], [0.0, 0.0, 1.0], [1.0, 1.1, 0.1], [0.0, 0.1, 1.0]]
        )
    )
    ids = ["a", "b", "c", "d", "e"]
    titles = ["A", "B", "C", "D", "E"]
    groups = textsim.group_articles(X, min_score=0.8, ids=ids, titles=titles)
    assert groups.rows == [[0, 1, 3], [2, 4]]
    assert len(groups) == 2 and groups[1] == [2, 4] and list(groups) == groups.rows
    assert groups.labels.tolist() == [0, 0, 1, 0, 1]
    assert groups.sizes.tolist() == [3, 2]
    assert groups.ids == [["a", "b", "d"], ["c", "e"]]
    assert groups.titles == [["A", "B", "D"], ["C", "E"]]
    # The representative is the row closest to its group's centre (ties: the lower row).
    assert groups.representatives[0] == 0
    assert groups.representatives[1] in (2, 4)  # equally central, up to rounding
    assert groups.linkage == "average" and groups.min_score == 0.8
    table = groups.to_pandas()
    assert list(table.columns) == ["group", "size", "row", "representative", "id", "title"]
    assert table["row"].tolist() == [0, 1, 3, 2, 4]
    assert table["representative"].tolist()[:3] == [True, False, False]
    assert table["representative"].sum() == 2
    assert "2 groups of 2 or more" in repr(groups)
    page = groups._repr_html_()
    assert "<table>" in page and "<strong>A</strong>" in page and "D" in page


def test_singletons_come_last_and_display_hides_them():
    X = sp.identity(5, format="csr")
    groups = textsim.group_articles(X, min_score=0.5)
    assert groups.rows == [[0], [1], [2], [3], [4]]
    assert groups.representatives.tolist() == [0, 1, 2, 3, 4]
    assert "0 groups of 2 or more" in repr(groups) and "5 alone" in repr(groups)
    assert groups.to_pandas(min_size=2).empty


def test_near_duplicates_keeps_its_labels_and_gives_groups_on_request():
    X = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.01]]))
    labels = textsim.near_duplicates(X, min_score=0.9)
    assert isinstance(labels, np.ndarray) and labels.tolist() == [0, 1, 0]
    groups = textsim.near_duplicates(X, min_score=0.9, as_groups=True, titles=["x", "y", "z"])
    assert isinstance(groups, textsim.Groups)
    assert groups.rows == [[0, 2], [1]] and groups.linkage == "single"
    assert groups.titles == [["x", "z"], ["y"]]
    with pytest.raises(textsim.ParameterError, match="as_groups"):
        textsim.near_duplicates(X, titles=["x", "y", "z"])


@pytest.mark.parametrize("bad", [["a", None, "c"], ["a", float("nan"), "c"], ["a", "b"]])
def test_ids_and_titles_must_name_every_row(bad):
    X = sp.identity(3, format="csr")
    with pytest.raises(textsim.ParameterError):
        textsim.group_articles(X, titles=bad)
    with pytest.raises(textsim.ParameterError):
        textsim.group_articles(X, ids=bad)


def test_bad_parameters():
    X = sp.identity(3, format="csr")
    with pytest.raises(textsim.ParameterError, match="linkage"):
        textsim.group_articles(X, linkage="ward")
    with pytest.raises(textsim.ParameterError, match="min_score"):
        textsim.group_articles(X, min_score=0)
    with pytest.raises(textsim.ParameterError, match="min_scores"):
        textsim.group_sweep(X, min_scores=[])


def test_the_sweep_reports_group_sizes_per_threshold():
    X = random_articles(3)
    sweep = textsim.group_sweep(X, min_scores=[0.3, 0.6, 0.45])
    assert [row.min_score for row in sweep] == [0.6, 0.45, 0.3]
    for row in sweep:
        groups = textsim.group_articles(X, min_score=row.min_score)
        together = groups.sizes[groups.sizes > 1]
        assert row.groups == len(together)
        assert row.grouped == together.sum()
        assert row.largest == groups.sizes.max()
        assert row.alone == (groups.sizes == 1).sum()
    assert list(sweep.to_pandas().columns) == ["min_score", "groups", "grouped", "largest", "alone"]
    assert "min_score" in repr(sweep) and "<table>" in sweep._repr_html_()


# -- the bundled news: the two samples are one story; unrelated stories stay apart -------------


@pytest.fixture(scope="module")
def news():
    articles = load_bangla_news()
    vectorizer = textsim.TfidfVectorizer(stop_words=textsim.stop_words("english", "bengali"))
    X = vectorizer.fit_transform([a.text for a in articles])
    return articles, X


def test_the_two_samples_share_a_story(news):
    articles, X = news
    groups = textsim.group_articles(X, titles=[a.title for a in articles])
    assert groups.labels[0] == groups.labels[1]
    story = groups.rows[groups.labels[0]]
    # Russia and North Korea, nothing else: no article of the other stories joins them.
    assert story == [0, 1]


def test_stories_do_not_chain_as_single_linkage_does(news):
    _, X = news
    stories = textsim.group_articles(X, min_score=0.2)
    chained = textsim.group_articles(X, min_score=0.2, linkage="single")
    assert stories.sizes.max() < chained.sizes.max()
    assert stories.sizes.max() <= 12
