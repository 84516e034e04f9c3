"""Bengali (and other non-ASCII) text semantics of the tokenizer (DESIGN.md, "Text semantics")."""

from __future__ import annotations

import unicodedata

import pytest
import textsim
from conftest import VIRAMA, ZWJ, ZWNJ, ambiguous_joiners


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# "Russia's President Vladimir Putin", with য় typed precomposed (U+09DF) as news sites do.
PUTIN_PRECOMPOSED = "রাশি\u09dfার রাষ্ট্রপতি ভ্লাদিমির পুতিন"
PUTIN_DECOMPOSED = "রাশি\u09af\u09bcার রাষ্ট্রপতি ভ্লাদিমির পুতিন"


# ---------------------------------------------------------------------------
# whole words
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [PUTIN_PRECOMPOSED, PUTIN_DECOMPOSED])
def test_bengali_phrase_gives_four_whole_words(text):
    expected = [nfc(w) for w in text.split()]
    assert len(expected) == 4
    assert textsim.tokenize(text) == expected


def test_tokenizer_object_matches_function(text=PUTIN_PRECOMPOSED):
    assert textsim.Tokenizer().tokenize(text) == textsim.tokenize(text)


def test_vowel_signs_virama_and_nukta_stay_inside_words():
    # sklearn's Python \w cuts these words apart (Mn/Mc are not \w there).
    words = ["কৃষ্ণ", "ক্রিকেট", "দ্বিতীয়", "সিদ্ধান্ত", "চ্যালেঞ্জ", "মৌলিক", "সংবাদ", "দুঃখ"]
    assert textsim.tokenize(" ".join(words)) == [nfc(w) for w in words]


def test_bengali_punctuation_is_not_part_of_tokens():
    # danda U+0964, U+09F7 used as a danda (category No, a Python \w character, not a UTS#18 one),
    # comma, curly quotes, hyphen
    text = "রাশিয়ার পুতিন।মস্কো৷ ‘সোনার বাংলা’, টি-টোয়েন্টি"
    assert textsim.tokenize(text) == [
        nfc(w) for w in ["রাশিয়ার", "পুতিন", "মস্কো", "সোনার", "বাংলা", "টি", "টোয়েন্টি"]
    ]


def test_bengali_digits_are_word_characters():
    assert textsim.tokenize("দুপুর ১২টা ৫ মিনিটে ২০২৬") == ["দুপুর", "১২টা", "মিনিটে", "২০২৬"]


def test_mixed_script_text():
    text = "BBC বাংলা reports ঢাকা, Dhaka."
    assert textsim.tokenize(text) == ["bbc", "বাংলা", "reports", "ঢাকা", "dhaka"]


# ---------------------------------------------------------------------------
# normalization and Bengali folding
# ---------------------------------------------------------------------------


def test_precomposed_and_decomposed_ya_give_same_token():
    a = textsim.tokenize("রাশি\u09dfার")
    b = textsim.tokenize("রাশি\u09af\u09bcার")
    assert a == b == [nfc("রাশি\u09dfার")]


def test_nfc_composes_split_o_kar():
    # ো typed as U+09C7 U+09BE (as in 84 docs of bangla_news_small) vs precomposed U+09CB
    assert textsim.tokenize("ক\u09c7\u09beরিয়া") == textsim.tokenize("ক\u09cbরিয়া")


@pytest.mark.parametrize(
    "precomposed, decomposed",
    [("\u09dc", "\u09a1\u09bc"), ("\u09dd", "\u09a2\u09bc"), ("\u09df", "\u09af\u09bc")],
)
def test_nukta_letters_match_without_unicode_normalization_when_folding(precomposed, decomposed):
    a = textsim.tokenize(f"ব{precomposed}ো", unicode_normalization=None, bengali_folding=True)
    b = textsim.tokenize(f"ব{decomposed}ো", unicode_normalization=None, bengali_folding=True)
    assert len(a) == 1
    assert a == b


def test_no_normalization_no_folding_keeps_code_points():
    text = "রাশি\u09dfার"
    assert textsim.tokenize(text, unicode_normalization=None, bengali_folding=False) == [text]


@pytest.mark.parametrize("normalization", ["NFC", "NFKC", None])
def test_legacy_khanda_ta_folds_to_u09ce(normalization):
    legacy = "হঠাত\u09cd\u200d"  # ত + virama + ZWJ
    modern = "হঠাৎ"  # U+09CE
    assert textsim.tokenize(legacy, unicode_normalization=normalization) == [modern]
    assert textsim.tokenize(modern, unicode_normalization=normalization) == [modern]
    assert textsim.tokenize(f"{legacy} করে", unicode_normalization=normalization) == [modern, "করে"]


@pytest.mark.parametrize("joiner", [ZWJ, ZWNJ])
def test_joiners_inside_bengali_words_do_not_split_or_differ(joiner):
    with_joiner = f"র{joiner}্যাব"
    plain = "র্যাব"
    got = textsim.tokenize(with_joiner)
    assert got == textsim.tokenize(plain) == [plain]
    assert ZWJ not in got[0] and ZWNJ not in got[0]


def test_real_zwnj_spellings_match_plain_spellings():
    # from bdnps-00481: "ম\u200c্যাচে", "চ\u200c্যালেঞ্জ"
    text = "৫ ম\u200c্যাচে চ\u200c্যালেঞ্জ নিয়েছিলেন"
    assert textsim.tokenize(text) == textsim.tokenize("৫ ম্যাচে চ্যালেঞ্জ নিয়েছিলেন")


def test_nfkc_folds_ligature_nfc_does_not():
    assert textsim.tokenize("ﬁnance", unicode_normalization="NFKC") == ["finance"]
    assert textsim.tokenize("ﬁnance", unicode_normalization="NFC") == ["ﬁnance"]
    assert textsim.tokenize("ﬁnance") == ["ﬁnance"]


# ---------------------------------------------------------------------------
# digits
# ---------------------------------------------------------------------------


def test_fold_digits_maps_bengali_digits_to_ascii():
    assert textsim.tokenize("২০২৫", fold_digits=True) == ["2025"]
    assert textsim.tokenize("2025", fold_digits=True) == ["2025"]
    assert textsim.tokenize("২০২৫") == ["২০২৫"]
    assert textsim.tokenize("২০২৫") != textsim.tokenize("2025")


# Devanagari, Arabic-Indic, Extended Arabic-Indic, Bengali
@pytest.mark.parametrize("digits", ["२०२५", "٢٠٢٥", "۲۰۲۵", "২০২৫"])
def test_fold_digits_maps_every_decimal_digit(digits):
    assert textsim.tokenize(f"সাল {digits}", fold_digits=True) == ["সাল", "2025"]


def test_fold_digits_inside_words():
    assert textsim.tokenize("১২টা", fold_digits=True) == ["12টা"]


def test_normalize_shows_folded_text():
    tok = textsim.Tokenizer(fold_digits=True)
    out = tok.normalize("রাশি\u09dfার ২০২৫ হঠাত\u09cd\u200d")
    assert "2025" in out
    assert "হঠাৎ" in out
    assert nfc("রাশিয়ার") in out


# ---------------------------------------------------------------------------
# accents, stop words, UAX#29
# ---------------------------------------------------------------------------


def test_strip_accents_unicode_keeps_indic_marks():
    got = textsim.tokenize("কৃষ্ণ café", strip_accents="unicode")
    assert got == [nfc("কৃষ্ণ"), "cafe"]


@pytest.mark.parametrize("mode", ["unicode", None])
def test_strip_accents_never_changes_bengali_words_with_marks(mode):
    words = ["কৃষ্ণ", "রাষ্ট্রপতি", "পুতিন", "কোরিয়ার", "দ্বিতীয়"]
    assert textsim.tokenize(" ".join(words), strip_accents=mode) == [nfc(w) for w in words]


def test_bengali_stop_words():
    text = "রহিম এবং করিম ও জামাল"
    pattern = r"(?u)\b\w+\b"  # so that the one-letter word ও is a token at all
    assert textsim.tokenize(text, token_pattern=pattern) == ["রহিম", "এবং", "করিম", "ও", "জামাল"]
    assert textsim.tokenize(text, token_pattern=pattern, stop_words="bengali") == [
        "রহিম",
        "করিম",
        "জামাল",
    ]
    assert "এবং" not in textsim.tokenize(text, stop_words="bengali")


def test_user_stop_word_list():
    text = "The cat sat on the mat with পুতিন"
    assert textsim.tokenize(text, stop_words=["the", "on", "পুতিন"]) == ["cat", "sat", "mat", "with"]
    assert textsim.tokenize(text, stop_words=[]) == textsim.tokenize(text)


def test_unicode_tokenizer_keeps_contractions_and_decimals():
    tokens = textsim.tokenize("I don't know: 3.14 or ১২.৫০ টাকা", tokenizer="unicode")
    assert "don't" in tokens
    assert "3.14" in tokens
    assert "১২.৫০" in tokens
    assert "টাকা" in tokens
    # pattern tokenizer splits them
    pattern_tokens = textsim.tokenize("I don't know: 3.14 or ১২.৫০ টাকা")
    assert "don't" not in pattern_tokens
    assert "১২" in pattern_tokens and "৫০" in pattern_tokens


def test_unicode_tokenizer_keeps_bengali_words_whole():
    expected = [nfc(w) for w in PUTIN_PRECOMPOSED.split()]
    assert textsim.tokenize(PUTIN_PRECOMPOSED, tokenizer="unicode") == expected


def test_unicode_tokenizer_emits_no_whitespace_or_punctuation():
    tokens = textsim.tokenize("Hello, world!  ঢাকা। (test) — ok", tokenizer="unicode")
    for t in tokens:
        assert t.strip() == t and t
        assert any(ch.isalnum() for ch in t), t


# ---------------------------------------------------------------------------
# real documents
# ---------------------------------------------------------------------------


def test_sample_bengali_docs_match_reference_model(bengali_docs, reference_tokenizer):
    for doc in bengali_docs:
        assert textsim.tokenize(doc["text"]) == reference_tokenizer(doc["text"]), doc["id"]


def test_sample_bengali_docs_whole_words(bengali_docs):
    for doc in bengali_docs:
        tokens = textsim.tokenize(doc["text"])
        assert tokens, doc["id"]
        for t in tokens:
            assert not t.endswith(VIRAMA), (doc["id"], t)
            assert not unicodedata.category(t[0]).startswith("M"), (doc["id"], t)
            assert ZWJ not in t and ZWNJ not in t, (doc["id"], t)
            assert t == nfc(t)


def test_known_words_in_sample_docs(bengali_docs):
    by_id = {d["id"]: d for d in bengali_docs}
    assert "ম্যাচে" in textsim.tokenize(by_id["bdnps-00481"]["text"])
    assert "চ্যালেঞ্জ" in textsim.tokenize(by_id["bdnps-00481"]["text"])
    toks = textsim.tokenize(by_id["bdnps-00172"]["text"])
    assert "১২টা" in toks
    assert nfc("বিষয়ক") in toks
    assert "২০২৬" in textsim.tokenize(by_id["bdnps-00477"]["text"])
    assert "2026" in textsim.tokenize(by_id["bdnps-00477"]["text"], fold_digits=True)


@pytest.mark.corpus
def test_bangla_news_corpus_matches_reference_model(load_corpus, reference_tokenizer):
    docs = [
        r["text"]
        for r in load_corpus("bangla_news_small")
        if r["lang"] == "bn" and not ambiguous_joiners(r["text"])
    ]
    assert len(docs) > 500
    got = textsim.Tokenizer().tokenize_many(docs)
    mismatches = [
        (i, [t for t in g if t not in set(r)][:5], [t for t in r if t not in set(g)][:5])
        for i, (g, r) in enumerate(zip(got, (reference_tokenizer(d) for d in docs), strict=True))
        if g != r
    ]
    assert not mismatches, mismatches[:5]


@pytest.mark.corpus
def test_bangla_news_corpus_unicode_variants_collapse(load_corpus):
    # every token is in NFC, and contains no joiner between Bengali letters
    docs = [r["text"] for r in load_corpus("bangla_news_small") if r["lang"] == "bn"]
    for toks in textsim.Tokenizer().tokenize_many(docs):
        for t in toks:
            assert t == nfc(t)
            assert "\u09df" not in t and "\u09dc" not in t and "\u09dd" not in t


def test_bengali_stop_words_in_any_spelling():
    # a user stop word typed with precomposed য় (U+09DF) also removes the NFC-decomposed token
    pre = "রাশি\u09dfার"
    dec = "রাশি\u09af\u09bcার"
    for stop in ([pre], [dec]):
        assert textsim.tokenize(f"{pre} {dec} পুতিন", stop_words=stop) == ["পুতিন"]
    assert textsim.tokenize("হঠাত\u09cd\u200d হঠাৎ কাল", stop_words=["হঠাত\u09cd\u200d"]) == ["কাল"]
