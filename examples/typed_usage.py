"""textsim as a type checker sees it: ``mypy --strict examples/typed_usage.py`` (``.ci/run``).

Each ``assert_type`` is checked by mypy against textsim's annotations (the package ships
``py.typed``; scipy's types come from ``scipy-stubs``), and again at run time when the file
runs: ``python examples/typed_usage.py``.
"""

from __future__ import annotations

import io
import sys

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

import textsim

if sys.version_info >= (3, 11):
    from typing import Any, assert_type
else:  # assert_type is new in 3.11; the checks are mypy's, the run only runs the calls
    from typing import Any

    def assert_type(value: object, _type: object) -> object:
        return value


def main() -> None:
    docs = ["ঢাকায় আজ ভারী বৃষ্টি হয়েছে", "ঢাকায় ভারী বৃষ্টি, জলাবদ্ধতা", "শেয়ারবাজারে আজ দরপতন"]

    tokens = assert_type(textsim.tokenize(docs[0]), list[str])
    print(tokens)

    vectorizer = textsim.TfidfVectorizer(stop_words=textsim.stop_words("bengali"))
    X = assert_type(vectorizer.fit_transform(docs), sp.csr_matrix)
    assert_type(vectorizer.transform(docs[:1]), sp.csr_matrix)
    assert_type(textsim.CountVectorizer().fit_transform(docs), sp.csr_matrix)
    assert_type(textsim.HashingVectorizer(n_features=64).transform(docs), sp.csr_matrix)
    assert_type(vectorizer.get_feature_names_out(), np.ndarray)

    neighbours = assert_type(textsim.most_similar(X, k=2), textsim.Neighbours)
    indices, scores = neighbours
    assert_type(indices, np.ndarray)
    assert_type(textsim.similar_pairs(X, min_score=0.5), sp.csr_matrix)
    assert_type(textsim.near_duplicates(X), npt.NDArray[np.int64])
    assert_type(textsim.near_duplicates(X, as_groups=True), textsim.Groups)
    assert_type(textsim.cosine_similarity(X), npt.NDArray[np.floating[Any]])
    assert_type(textsim.group_articles(X), textsim.Groups)

    # save takes textsim's estimators; load returns one of them, narrowed by isinstance.
    file = io.BytesIO()
    textsim.save(vectorizer, file)
    loaded = textsim.load(io.BytesIO(file.getvalue()))
    assert isinstance(loaded, textsim.TfidfVectorizer)
    assert_type(loaded.transform(docs), sp.csr_matrix)

    index = textsim.SimilarityIndex(vectorizer=loaded).fit(docs)
    assert_type(index.query(["ঢাকায় বৃষ্টি"], k=1), textsim.Matches)
    print(index.query(["ঢাকায় বৃষ্টি"], k=1))


if __name__ == "__main__":
    main()
