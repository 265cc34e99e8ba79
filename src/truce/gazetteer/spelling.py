"""A spelling key: the many ways reports spell one Arabic place name, folded to one string.

Transliterations of Arabic differ in regular ways: vowels (Tamer/Tamr/Tāmir, Saraqeb/Saraqib),
diphthongs (Ein/Ain/Ayn, Deir/Dayr/Dair), doubled letters (Tell/Tal, Issa/Isa), the ending
ta marbuta (Tawilah/Taweeleh/Tawila), French forms (Chahba, Cheikh, Douma), q against k,
articles (al-, el-, ash-, ez-), and ayn and hamza marks (`, ', ʿ, ʾ). The key removes all of
these so that two spellings of one name get one key; what is left (Tamer against Tamr) is for
the bounded fuzzy match in `names.py`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from truce.text import tokens

# Words that transliterate the Arabic article on their own ("Ma'arrat an Nu'man", "Deir ez-Zor").
ARTICLES = frozenset(
    {"al", "el", "il", "ul", "ad", "ed", "adh", "ar", "er", "as", "es", "ash", "esh"}
    | {"at", "et", "ath", "az", "ez", "an", "en"}
)
# Letters NFKD cannot take apart, and marks that are letters to Unicode.
_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae"})
_NOT_LETTER = re.compile(r"[^a-z0-9\u0600-\u06ff]")
# Applied in order to a word with its marks removed: each rule merges two spellings of a sound.
_RULES = (
    (re.compile(r"(?<=.)[ie]y?[ae]h$"), "iya"),  # Qahtaniyeh, Qahtanieh -> qahtaniya
    (re.compile(r"(?<=..)[ae]h$"), "a"),  # final ta marbuta: Tawilah, Taweeleh -> tawila
    (re.compile(r"ou|oo"), "u"),  # Douma/Duma, Qaboun/Qabun
    (re.compile(r"ee"), "i"),
    (re.compile(r"[ae][iy]|ey"), "ay"),  # Ein/Ain/Ayn, Deir/Dayr/Dair, Sheikh/Shaykh
    (re.compile(r"^ch|(?<=[aeiou])ch"), "sh"),  # French: Chahba, Cheikh, Khâcher
    (re.compile(r"dj"), "j"),  # French: Djisr
    (re.compile(r"ck|q|c(?!h)"), "k"),  # Qabun/Kaboun; Kafr Takharim/Takharim
    (re.compile(r"ph"), "f"),
    (re.compile(r"e"), "i"),  # Arabic has no e: Saraqeb/Saraqib, Khasher/Khashir
    (re.compile(r"o"), "u"),  # nor o: Homs/Hums, Morek/Murik
    (re.compile(r"(?<=[^aeiouy])ia"), "ya"),  # Abiad/Abyad
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: Tell/Tal, Issa/Isa, Raqqa/Raqa
)
# Common words whose remaining variants the rules do not merge.
_WORDS = {
    "ra": "ras",  # "Ra's al `Ayn": the tokenizer reads 's as a possessive
    "til": "tal",
    "tl": "tal",
    "dir": "dayr",
    "kfar": "kafr",
    "kifr": "kafr",
    "kafar": "kafr",
    "kafir": "kafr",
    "kufr": "kafr",
    "kfr": "kafr",
    "jbil": "jabal",
    "jibil": "jabal",
    "jabil": "jabal",
    "bit": "bayt",
    "khirbit": "khirba",
    "khirbat": "khirba",
    "kharbat": "khirba",
    "khurbat": "khirba",
    "um": "um",
    "abu": "abu",
    "abo": "abu",
    "uadi": "wadi",
}


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """One word's key: "Tell" -> "tal", "Ein" -> "ayn", "Saraqeb" -> "sarakib"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_LETTERS))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _NOT_LETTER.sub("", plain.translate(_LETTERS))
    if not plain or not plain.isascii():
        # Arabic script: alef forms, taa marbuta and alef maqsura vary between sources.
        return plain.translate(_ARABIC)
    if plain in ARTICLES:
        return plain
    for pattern, replacement in _RULES:
        plain = pattern.sub(replacement, plain)
    return _WORDS.get(plain, plain)


_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """A place name's key: its words' keys without articles, joined by single spaces.

    "Tall Tamr" and "Tal Tamer" differ only in the vowel left; "`Ayn `Isa" and "Ein Issa" both
    give "ayn isa"; "Ma'arrat an-Nu'man" and "Maarat al-Numan" both give "marat numan".
    """
    words = [word_key(t.key) for t in tokens(name)]
    kept = [w for w in words if w and w not in ARTICLES and w != "al"]
    # A name that is only an article ("As") keeps it rather than becoming empty.
    return " ".join(kept or [w for w in words if w])


def letters(key: str) -> int:
    """How many letters a key has, spaces aside: how much evidence a match of it gives."""
    return len(key) - key.count(" ")
