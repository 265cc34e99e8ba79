"""Text primitives: folded tokens, Arabic-article spellings, the phrase matcher, sentences."""

from __future__ import annotations

import unicodedata

import pytest

from truce.text import PhraseMatcher, fold, paragraphs, phrase_key, sentences, tokens


def _matches(matcher: PhraseMatcher[str], text: str) -> list[tuple[str, list[str]]]:
    toks = tokens(text)
    return [(text[toks[a].start : toks[b - 1].end], values) for a, b, values in matcher.find(toks)]


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_keep_offsets_into_the_text() -> None:
    text = "Regime forces shelled Douma."
    toks = tokens(text)
    assert [text[t.start : t.end] for t in toks] == ["Regime", "forces", "shelled", "Douma"]
    assert [t.upper for t in toks] == [True, False, False, True]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("DOUMA", "douma"),
        ("Idlíb", "Idlib"),
        ("Ḥamā", "Hama"),
        ("Dar'a", "Dara"),
        ("Dar’a", "Dar'a"),
        ("Maʿarrat", "Maarrat"),
        ("Ma‘arrat al-Nu‘man", "Maarrat al-Numan"),
    ],
)
def test_tokens_fold_case_accents_and_apostrophes(a: str, b: str) -> None:
    assert phrase_key(a) == phrase_key(b)


def test_possessives_are_dropped() -> None:
    assert phrase_key("the regime's forces") == ("the", "regime", "forces")
    assert phrase_key("Turkey’s troops") == ("turkey", "troops")
    text = "the regime's jets"
    regime = tokens(text)[1]
    assert text[regime.start : regime.end] == "regime"


def test_arabic_letter_variants_are_unified() -> None:
    assert fold("أدلب") == fold("ادلب") == fold("إدلب")
    assert fold("حماة") == fold("حماه")


@pytest.mark.parametrize(
    "spelling", ["Deir ez-Zor", "Deir al-Zor", "Deir el-Zor", "Deir az-Zor", "Deir Al Zor"]
)
def test_arabic_article_spellings_share_one_key(spelling: str) -> None:
    assert phrase_key(spelling) == ("deir", "al", "zor")


def test_sun_letter_articles_normalise_to_al() -> None:
    assert phrase_key("Ahrar ash-Sham") == phrase_key("Ahrar al-Sham") == ("ahrar", "al", "sham")
    assert phrase_key("Ar Raqqah") == ("al", "raqqah")


def test_an_ordinary_word_is_not_taken_for_an_article() -> None:
    # "as" and "at" are English words unless they are glued to a name by a hyphen.
    assert phrase_key("as the army advanced")[0] == "as"
    assert phrase_key("at dawn")[0] == "at"


def test_phrase_matcher_matches_across_article_spellings() -> None:
    matcher = PhraseMatcher([("Hayat Tahrir ash-Sham", "hts"), ("Deir ez-Zor", "dez")])
    found = _matches(
        matcher, "Hayat Tahrir al-Sham fighters moved from Deir al-Zor towards Deir el-Zor."
    )
    assert found == [
        ("Hayat Tahrir al-Sham", ["hts"]),
        ("Deir al-Zor", ["dez"]),
        ("Deir el-Zor", ["dez"]),
    ]


def test_phrase_matcher_prefers_the_longest_phrase() -> None:
    matcher = PhraseMatcher(
        [("Ahrar", "short"), ("Ahrar al-Sham", "long"), ("Sham", "other"), ("al-Sham", "other")]
    )
    assert _matches(matcher, "Ahrar al-Sham and Ahrar fighters") == [
        ("Ahrar al-Sham", ["long"]),
        ("Ahrar", ["short"]),
    ]


def test_phrase_matcher_keeps_every_value_of_a_shared_name() -> None:
    matcher = PhraseMatcher([("Suran", "hama"), ("Suran", "aleppo"), ("suran", "hama")])
    assert _matches(matcher, "Shelling hit Suran.") == [("Suran", ["hama", "aleppo"])]
    assert len(matcher) == 1


def test_phrase_matcher_finds_nothing_in_unrelated_text() -> None:
    matcher = PhraseMatcher([("Wadi Barada", "wb")])
    assert _matches(matcher, "The wadi and the river Barada") == []
    assert _matches(matcher, "") == []


def test_phrase_matcher_ignores_empty_phrases() -> None:
    matcher = PhraseMatcher([("", "nothing"), ("...", "nothing"), ("Douma", "d")])
    assert len(matcher) == 1


def test_arabic_script_names_match() -> None:
    matcher = PhraseMatcher([("دوما", "Douma")])
    assert _matches(matcher, "Regime forces shelled دوما on Tuesday.") == [("دوما", ["Douma"])]


def test_combining_marks_do_not_split_words() -> None:
    """Regression (fixed bug): the tokenizer splits words at combining marks
    (NFD accents, Arabic harakat) before fold() can strip them, so 'Idli\u0301b' and 'دُوما' do
    not match 'Idlib'/'دوما'"""
    assert phrase_key(unicodedata.normalize("NFD", "Idlíb")) == ("idlib",)
    assert phrase_key("دُوما") == phrase_key("دوما")


# --- sentences ----------------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentences(text)]


def test_sentences_split_at_end_punctuation() -> None:
    assert _sentences(
        "Shelling hit Douma. Two people were hurt! Was it the army? Nobody said."
    ) == [
        "Shelling hit Douma.",
        "Two people were hurt!",
        "Was it the army?",
        "Nobody said.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "On Jan. 12 the envoy met rebels in Astana.",
        "The U.S. envoy welcomed the truce in Astana.",
        "Dr. Haddad treated the wounded in Douma.",
        "Gen. Rudskoy said 11 violations were recorded.",
        "The U.N. team reached Madaya on Tuesday.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert _sentences(f"{text} A second sentence follows.") == [text, "A second sentence follows."]


def test_newlines_end_a_sentence() -> None:
    text = "Headline without a full stop\nThe first sentence. The second one.\n\nA last line"
    assert _sentences(text) == [
        "Headline without a full stop",
        "The first sentence.",
        "The second one.",
        "A last line",
    ]


def test_a_full_stop_before_a_lower_case_word_does_not_split() -> None:
    assert len(sentences("The approx. figure was low. It rose later.")) == 2


def test_quoted_sentences_keep_their_quote() -> None:
    text = "“It will not be easy,” the envoy said. Talks resume in February."
    assert _sentences(text) == [
        "“It will not be easy,” the envoy said.",
        "Talks resume in February.",
    ]


def test_sentence_spans_are_trimmed_and_cover_only_text() -> None:
    text = "  Shelling hit Douma.   \n\n  Two were hurt.  "
    for start, end in sentences(text):
        assert text[start:end] == text[start:end].strip() != ""
    assert sentences("") == [] and sentences(" \n \n") == []


def test_paragraphs_are_non_blank_lines() -> None:
    text = "First line.\n\n  Second line.  \n"
    assert [text[a:b] for a, b in paragraphs(text)] == ["First line.", "Second line."]
