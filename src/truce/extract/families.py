"""The families of the generic descriptions (lexicon.GENERIC_ACTORS' labels).

A registry actor carries its own family; a description such as "rebels" or "regime" names
no actor, but often says what kind of force acted. Labels left out ("Militants", "Armed
groups", "Government or Russian aircraft") could be several families: they get none.
"""

from __future__ import annotations

from truce.domain.actors import ActorFamily

GENERIC_FAMILIES: dict[str, ActorFamily] = {
    "Opposition fighters": ActorFamily.REBELS,
    "Unidentified gunmen": ActorFamily.UNIDENTIFIED,
    "Unidentified armed group": ActorFamily.UNIDENTIFIED,
    "Unidentified aircraft": ActorFamily.UNIDENTIFIED,
    "Military Forces of Syria (2000-)": ActorFamily.STATE_FORCES,
    "Government forces": ActorFamily.STATE_FORCES,
    "Government of Syria": ActorFamily.STATE_FORCES,
    "Civilians": ActorFamily.CIVILIANS,
    "Government of Russia": ActorFamily.EXTERNAL_FORCES,
    "Government of Iran": ActorFamily.EXTERNAL_FORCES,
    "Government of Turkey": ActorFamily.EXTERNAL_FORCES,
    "Government of the United States": ActorFamily.EXTERNAL_FORCES,
}
