"""The one rule for the name a document arrives under, wherever it arrives (the API, the
submit page, a data-set import, the CLI): a plain file name, shown to people and kept in the
store, so it must read as what it is.

Refused: a path (a separator, `..`), control characters (NUL, line breaks: they cut or forge
lines in logs and listings), invisible format characters (the right-to-left override U+202E
that shows "gnp.exe" as "exe.png", zero-width joiners), and names over MAX_LENGTH. Letters
and digits of any script are allowed: reports come in Arabic, Turkish, Russian and Persian.
"""

from __future__ import annotations

import unicodedata

from truce.domain.errors import InputRejected

MAX_LENGTH = 200  # characters; the store's column holds 500, and no real name needs more
# Unicode categories of the characters a name may hold besides a little punctuation: letters,
# marks (the vowel signs and accents Arabic and Persian names carry) and digits.
ALLOWED_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Nd"})
ALLOWED_PUNCTUATION = frozenset(" ._-()[]+,'&@#~")  # the space is U+0020 only
SHOWN = 1000  # characters of a refused name repeated in the message
SEPARATORS = frozenset("/\\")


def filename_problem(name: str) -> str | None:
    """Why `name` is not a plain file name, or None when it is one."""
    if not name:
        return "it is empty"
    if len(name) > MAX_LENGTH:
        return f"it has {len(name)} characters; the limit is {MAX_LENGTH}"
    if any(c in SEPARATORS for c in name) or ".." in name:
        return "it is a path, not a plain name"
    for char in name:
        if char not in ALLOWED_PUNCTUATION and unicodedata.category(char) not in ALLOWED_CATEGORIES:
            label = unicodedata.name(char, "a control or unassigned character").lower()
            return f"it holds U+{ord(char):04X} ({label})"
    if unicodedata.category(name[0]) not in ALLOWED_CATEGORIES or name.endswith(" "):
        return "it must start with a letter or a digit, and not end with a space"
    return None


def check_filename(name: str) -> str:
    """`name` when it is a plain file name; otherwise InputRejected saying why, with the name
    as sent (its repr, so that control characters show as escapes, not as themselves)."""
    problem = filename_problem(name)
    if problem is not None:
        # Shown whole (the sender sees what was refused) unless absurdly long.
        shown = name if len(name) <= SHOWN else f"{name[:SHOWN]}…"
        raise InputRejected(f"refusing the file name {shown!r}: {problem}; send a plain name")
    return name
