"""textsim.datasets.load_sample: two real Bengali news articles on one story."""

from __future__ import annotations

import unicodedata

import textsim
import textsim.datasets
from textsim.datasets import Article, load_sample

SAMPLE_IDS = ["000_63125d0b3e90fd15", "003_a047b99cd8e37fa5"]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def test_load_sample_returns_two_articles():
    articles = load_sample()
    assert isinstance(articles, list)
    assert len(articles) == 2
    assert [a.id for a in articles] == SAMPLE_IDS
    for a in articles:
        assert isinstance(a, Article)
        assert isinstance(a, tuple)
        assert isinstance(a.id, str) and isinstance(a.title, str) and isinstance(a.text, str)
        assert len(a.text) > 1000


def test_article_is_a_namedtuple():
    assert Article._fields == ("id", "title", "text")
    a = Article(id="x", title="t", text="body")
    assert a == ("x", "t", "body")
    assert textsim.datasets.Article is Article


def test_load_sample_returns_fresh_equal_lists():
    first = load_sample()
    first.append(None)
    assert load_sample() == first[:2]


def test_sample_articles_are_bengali():
    for a in load_sample():
        bengali = sum("\u0980" <= ch <= "\u09ff" for ch in a.text)
        letters = sum(ch.isalpha() for ch in a.text)
        assert bengali > 0.5 * letters, a.id


def test_sample_tokens_contain_story_words():
    putin = nfc("পুতিন")
    korea = nfc("কোরিয়ার")
    for a in load_sample():
        tokens = textsim.tokenize(a.text)
        assert putin in tokens, a.id
        assert korea in tokens, a.id


def test_sample_tokens_are_whole_words():
    for a in load_sample():
        for t in textsim.tokenize(a.text):
            assert not t.endswith("\u09cd"), (a.id, t)
            assert not unicodedata.category(t[0]).startswith("M"), (a.id, t)


def test_sample_tokens_match_reference_model(reference_tokenizer):
    for a in load_sample():
        assert textsim.tokenize(a.text) == reference_tokenizer(a.text), a.id


def test_sample_articles_share_vocabulary():
    a, b = (set(textsim.tokenize(x.text)) for x in load_sample())
    shared = a & b
    assert {nfc("পুতিন"), nfc("কোরিয়ার"), nfc("রাশিয়ার")} <= shared


def test_sample_sentences():
    for a in load_sample():
        sents = textsim.sentences(a.text)
        assert len(sents) > 5
        assert "".join("".join(sents).split()) == "".join(a.text.split())
