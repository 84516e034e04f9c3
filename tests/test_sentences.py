"""textsim.sentences: UAX#29 sentence segmentation plus Bengali dandas."""

from __future__ import annotations

import pytest
import textsim
from hypothesis import given, settings
from hypothesis import strategies as st


def squash(s: str) -> str:
    return "".join(s.split())


def test_english_sentences():
    assert textsim.sentences("Hello world. This is a test! Is it? Yes.") == [
        "Hello world.",
        "This is a test!",
        "Is it?",
        "Yes.",
    ]


def test_empty_and_whitespace():
    assert textsim.sentences("") == []
    assert textsim.sentences("   \n\t  ") == []


def test_single_sentence_without_terminator():
    assert textsim.sentences("  no full stop here  ") == ["no full stop here"]


def test_surrounding_whitespace_stripped():
    got = textsim.sentences("  First one.   Second one.  \n\n")
    assert got == ["First one.", "Second one."]


def test_decimal_number_does_not_end_sentence():
    assert textsim.sentences("Pi is 3.14 today. Next.") == ["Pi is 3.14 today.", "Next."]


def test_bengali_danda_ends_sentence():
    text = "রাশিয়ার রাষ্ট্রপতি পুতিন মস্কোয়। উত্তর কোরিয়ার মন্ত্রী এসেছেন। ভালো"
    assert textsim.sentences(text) == [
        "রাশিয়ার রাষ্ট্রপতি পুতিন মস্কোয়।",
        "উত্তর কোরিয়ার মন্ত্রী এসেছেন।",
        "ভালো",
    ]


def test_u09f7_used_as_danda_ends_sentence():
    # real usage from the bundled sample article: "... করমর্দন করছেন৷ ছবির ক্রেডিট: এপি"
    text = "তারা করমর্দন করছেন৷ ছবির ক্রেডিট: এপি"
    assert textsim.sentences(text) == ["তারা করমর্দন করছেন৷", "ছবির ক্রেডিট: এপি"]


def test_danda_without_following_space():
    got = textsim.sentences("প্রথম বাক্য।দ্বিতীয় বাক্য।")
    assert squash("".join(got)) == squash("প্রথম বাক্য।দ্বিতীয় বাক্য।")
    assert got[0].startswith("প্রথম")
    assert got[-1].endswith("দ্বিতীয় বাক্য।")


def test_mixed_terminators():
    text = "কেমন আছেন? ভালো আছি। Thanks! ঠিক আছে৷"
    assert textsim.sentences(text) == ["কেমন আছেন?", "ভালো আছি।", "Thanks!", "ঠিক আছে৷"]


def test_paragraph_breaks_end_sentences():
    assert textsim.sentences("A heading\nThe body starts here. More.") == [
        "A heading",
        "The body starts here.",
        "More.",
    ]


def test_returns_list_of_str():
    got = textsim.sentences("One. Two.")
    assert isinstance(got, list)
    assert all(type(s) is str for s in got)


@pytest.mark.parametrize("doc", [None, 3])
def test_non_text_rejected(doc):
    with pytest.raises(TypeError):
        textsim.sentences(doc)


def test_sample_docs_sentences_cover_text(sample_docs):
    for doc in sample_docs:
        got = textsim.sentences(doc["text"])
        assert len(got) >= 2, doc["id"]
        assert squash("".join(got)) == squash(doc["text"]), doc["id"]
        for s in got:
            assert s and s == s.strip()


def test_sample_bengali_doc_sentence_count(bengali_docs):
    by_id = {d["id"]: d for d in bengali_docs}
    # bdnps-00481: three sentences, each ending in a danda
    got = textsim.sentences(by_id["bdnps-00481"]["text"])
    assert len(got) == 3
    assert all(s.endswith("।") for s in got)


SENT_CHARS = st.sampled_from(
    list("abc XYZ 123 .,!?;:'\"()-\n\t")
    + ["।", "৷", "ক", "া", "্", "য", "\u09bc", "২", "\u200c", "\u200d", "‘", "’", "…"]
)


@settings(max_examples=200, deadline=None)
@given(text=st.text(SENT_CHARS, max_size=80))
def test_sentences_property(text):
    got = textsim.sentences(text)
    assert squash("".join(got)) == squash(text)
    for s in got:
        assert s
        assert s == s.strip()
