"""Cleaning of scraped text (``clean_scraped``) and the Bengali stemmer (``stemmer="bengali"``):
both off by default, both options of the tokenizer and of every vectorizer."""

from __future__ import annotations

import pickle
import unicodedata

import numpy as np
import pytest
import textsim
from textsim.datasets import load_bangla_news, load_sample


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


SCRAPED = (
    "[ad_1]\n<p>Prime Minister&rsquo;s office said it&#039;s &ldquo;final&rdquo;.</p> "
    "Read more: https://example.com/news/1?ref=home <a href=\"/x\">here</a> [caption id=\"a\"]"
)


def test_cleaning_is_off_by_default():
    tokens = textsim.tokenize(SCRAPED)
    for debris in ("ad_1", "rsquo", "039", "ldquo", "https", "href", "caption"):
        assert debris in tokens


def test_cleaning_removes_scraper_debris():
    tokens = textsim.Tokenizer(clean_scraped=True).tokenize(SCRAPED)
    assert tokens == ["prime", "minister", "office", "said", "it", "final", "read", "more", "here"]


def test_cleaning_on_the_bundled_sample_drops_its_ad_marker():
    text = load_sample()[0].text
    assert text.startswith("[ad_1]")
    plain = textsim.Tokenizer().tokenize(text)
    cleaned = textsim.Tokenizer(clean_scraped=True).tokenize(text)
    assert plain[0] == "ad_1" and "ad_2" in plain
    assert cleaned == [t for t in plain if t not in ("ad_1", "ad_2")]


def test_cleaning_without_debris_changes_nothing():
    docs = [a.text for a in load_bangla_news()[:50]]
    docs = [d for d in docs if not any(c in d for c in "<&[") and "http" not in d and "www." not in d]
    assert docs
    plain = textsim.Tokenizer().tokenize_many(docs)
    assert textsim.Tokenizer(clean_scraped=True).tokenize_many(docs) == plain


@pytest.mark.parametrize(
    "cls", [textsim.CountVectorizer, textsim.TfidfVectorizer, textsim.HashingVectorizer]
)
def test_vectorizers_take_the_cleaning_option(cls):
    vectorizer = cls(clean_scraped=True)
    X = vectorizer.fit_transform([SCRAPED, "final words"])
    if cls is not textsim.HashingVectorizer:
        terms = set(vectorizer.get_feature_names_out())
        assert "rsquo" not in terms and "final" in terms
    assert X.shape[0] == 2
    assert "clean_scraped=True" in repr(vectorizer)


def test_the_options_are_parameters_that_survive_a_round_trip(tmp_path):
    vectorizer = textsim.TfidfVectorizer(clean_scraped=True, stemmer="bengali").fit(
        ["সোনার দাম কমেছে", "<b>শেয়ারবাজারে</b> দরপতন"]
    )
    assert vectorizer.get_params()["clean_scraped"] is True
    assert vectorizer.get_params()["stemmer"] == "bengali"
    path = tmp_path / "model.textsim"
    vectorizer.save(path)
    loaded = textsim.load(path)
    assert loaded.get_params()["stemmer"] == "bengali"
    assert list(loaded.get_feature_names_out()) == list(vectorizer.get_feature_names_out())
    again = pickle.loads(pickle.dumps(vectorizer))
    text = ["সোনার দাম"]
    assert (again.transform(text) != vectorizer.transform(text)).nnz == 0


def test_bengali_stems_join_the_forms_of_a_word():
    tokenizer = textsim.Tokenizer(stemmer="bengali")
    assert tokenizer.tokenize("সোনার দাম কমেছে") == [nfc(w) for w in ["সোনা", "দাম", "কম"]]
    assert tokenizer.tokenize("সোনা দামে কমবে") == [nfc(w) for w in ["সোনা", "দাম", "কম"]]
    # English and numbers are left alone; stop words are dropped before stemming.
    assert tokenizer.tokenize("Gold prices ২০২৫") == ["gold", "prices", "২০২৫"]
    stop = textsim.Tokenizer(stemmer="bengali", stop_words="bengali")
    assert "এবং" not in stop.tokenize("সোনা এবং রুপা")


def test_the_stemmer_is_off_by_default():
    assert textsim.tokenize("সোনার দাম কমেছে") == [nfc(w) for w in ["সোনার", "দাম", "কমেছে"]]


def test_stemmed_ngrams_join_stems():
    vectorizer = textsim.CountVectorizer(stemmer="bengali", ngram_range=(2, 2))
    vectorizer.fit(["সোনার দাম কমেছে"])
    assert list(vectorizer.get_feature_names_out()) == [nfc("দাম কম"), nfc("সোনা দাম")]


def test_the_stemmer_is_refused_where_it_cannot_apply():
    with pytest.raises(textsim.ParameterError, match="stemmer"):
        textsim.Tokenizer(stemmer="porter")
    with pytest.raises(textsim.ParameterError, match="stemmer"):
        textsim.Tokenizer(stemmer="bengali", tokenizer=str.split)
    with pytest.raises(textsim.ParameterError, match="stemmer"):
        textsim.TfidfVectorizer(stemmer="bengali", analyzer="char").fit(["সোনার"])
    with pytest.raises(textsim.ParameterError, match="stemmer"):
        textsim.TfidfVectorizer(stemmer="bengali", preprocessor=str.lower).fit(["সোনার"])


def test_results_do_not_depend_on_threads():
    docs = [a.text for a in load_bangla_news()[:120]]
    one = textsim.TfidfVectorizer(stemmer="bengali", clean_scraped=True, n_jobs=1).fit_transform(docs)
    two = textsim.TfidfVectorizer(stemmer="bengali", clean_scraped=True, n_jobs=2).fit_transform(docs)
    assert (one != two).nnz == 0
    assert np.array_equal(one.indices, two.indices)
