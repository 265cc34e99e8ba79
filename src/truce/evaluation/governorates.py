"""Governorate names as sources, gazetteers and ACLED spell them, folded to ACLED's spelling.

Gold files follow ACLED ("Idleb", "Dar'a"); the GeoNames gazetteer writes "SY-ID:Idlib" or
"Rif Dimashq"; texts say "Deraa" or "Damascus countryside". Scoring the governorate must not
count a spelling as a wrong answer.
"""

from __future__ import annotations

import re
import unicodedata

_ACLED_BY_KEY: dict[str, str] = {}
_SPELLINGS = {
    "Aleppo": ("aleppo", "halab"),
    "Al-Hasakeh": ("hasakeh", "hasakah", "hasaka", "hassakeh", "hasake"),
    "Ar-Raqqa": ("raqqa", "raqqah", "rakka"),
    "As-Sweida": ("sweida", "suwayda", "suwaida", "sweyda", "suweida"),
    "Damascus": ("damascus", "dimashq"),
    "Dar'a": ("dara", "daraa", "deraa", "deraa", "dera"),
    "Deir-ez-Zor": ("deir ez zor", "deir ezzor", "dayr az zawr", "deir el zor", "deir ez zour"),
    "Hama": ("hama", "hamah"),
    "Homs": ("homs", "hims"),
    "Idleb": ("idleb", "idlib"),
    "Lattakia": ("lattakia", "latakia", "ladhiqiyah", "lattaquie"),
    "Quneitra": ("quneitra", "qunaytirah", "qunaitra"),
    "Rural Damascus": (
        "rural damascus",
        "rif dimashq",
        "reef dimashq",
        "damascus countryside",
        "rif damascus",
    ),
    "Tartous": ("tartous", "tartus", "tartouss"),
}
for _acled, _spellings in _SPELLINGS.items():
    for _spelling in _spellings:
        _ACLED_BY_KEY[_spelling] = _acled

_CODE = re.compile(r"^sy-[a-z]{2}:")  # the gazetteer's "SY-ID:" prefix
_ARTICLE = re.compile(r"^(?:al|ar|as|ad|ash|el|an|az)\s+")
_NOT_LETTER = re.compile(r"[^a-z]+")


def _key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    folded = _CODE.sub("", folded.strip())
    folded = re.sub(r"['’`ʿʾ]", "", folded)
    spaced = _NOT_LETTER.sub(" ", folded).strip()
    spaced = re.sub(r"\s+governorate$", "", spaced)
    return _ARTICLE.sub("", spaced)


def acled_governorate(name: str | None) -> str | None:
    """ACLED's spelling of a governorate, or the name as given when it is not one we know."""
    if not name:
        return None
    return _ACLED_BY_KEY.get(_key(name), name.strip())
