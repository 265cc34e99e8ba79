"""Word lists the stages read: cues that a sentence asserts no event, weapons, generic actors,
casualty words. The event triggers are in `triggers`.
"""

from __future__ import annotations

import re

# Cues that the sentence does not assert an event: denial, threat, condition, intention.
NEGATION = re.compile(
    r"\b(denie[sd]|deny|denying|denial|rejected (?:the )?(?:claims?|reports?|accusations?)|"
    r"no truth|false (?:reports?|claims?)|fabricated|baseless|"
    r"did not (?:carry out|conduct|target|strike|shell|attack)|"
    r"never (?:targeted|struck|shelled|attacked))\b",
    re.IGNORECASE,
)
HEDGE = re.compile(
    r"\b(threaten(?:ed|s|ing)? to|"
    r"warn(?:ed|s|ing)? (?:that )?(?:it|they|he|she|we)?\s*(?:would|will)|"
    r"vow(?:ed|s)? to|would|could|might|(?-i:may)|if|unless|in case|in the event|"
    r"any (?:attack|violation|advance)|"
    r"plan(?:s|ned|ning)? to|intend(?:s|ed)? to|prepar(?:ing|es|ed) (?:for|to)|aim(?:s|ed)? to|"
    r"call(?:ed|s)? (?:on|for)|urg(?:ed|es|ing)|should|must|to prevent|to avoid|capable of|"
    r"fears? (?:of|that)|risk of|possible|will|shall|is expected to|are expected to|is due to|"
    r"are due to|next|to be|demand(?:ed|s)?|ask(?:ed|s)? for)\b",
    re.IGNORECASE,
)
# Just before a date: it marks a time reference, not the day of an event ("since December 30").
TIME_REFERENCE = re.compile(r"\b(?:since|until|before|ahead of)\s*$", re.IGNORECASE)
BACKGROUND = re.compile(
    r"\b(in|since|during|of) (19|20)\d\d\b|\b(years?|decades?) ago\b|\bformer(ly)?\b", re.IGNORECASE
)

WEAPONS: tuple[tuple[str, str], ...] = (
    ("barrel bombs", r"barrel ?bombs?"),
    ("mortars", r"mortars?(?: rounds| shells| bombs)?"),
    ("artillery", r"artillery"),
    ("rockets", r"rockets?|grad|katyusha"),
    ("missiles", r"missiles?"),
    ("tanks", r"tanks?(?! of)"),
    ("heavy machine guns", r"heavy machine ?guns?|dushkas?"),
    ("sniper fire", r"snipers?"),
    ("IED", r"ieds?|improvised explosive devices?|roadside bombs?"),
    ("car bomb", r"car bombs?|vbieds?|booby-trapped (?:car|vehicle)"),
    ("landmines", r"land ?mines?"),
    ("cluster munitions", r"cluster (?:munitions|bombs)"),
    ("chlorine", r"chlorine"),
    ("vacuum bombs", r"vacuum bombs?|thermobaric"),
    ("incendiary weapons", r"incendiary|napalm|white phosphorus"),
    ("aircraft", r"warplanes?|jets?|aircraft|helicopters?"),
    ("drones", r"drones?"),
    ("small arms", r"small arms|rifles?|gunfire|machine ?guns?"),
    ("grenades", r"grenades?"),
    ("anti-tank missiles", r"anti-tank (?:missiles?|guided missiles?)|atgms?|tow missiles?"),
)
WEAPON_PATTERNS = tuple(
    (name, re.compile(r"\b(?:" + pattern + r")\b", re.IGNORECASE)) for name, pattern in WEAPONS
)

# Descriptions of actors that name no registered group, with the side they imply.
GENERIC_ACTORS: tuple[tuple[str, str | None, str], ...] = (
    ("rebels", "opposition", "Opposition fighters"),
    ("rebel", "opposition", "Opposition fighters"),
    ("rebel fighters", "opposition", "Opposition fighters"),
    ("rebel groups", "opposition", "Opposition fighters"),
    ("opposition", "opposition", "Opposition fighters"),
    ("opposition fighters", "opposition", "Opposition fighters"),
    ("armed opposition", "opposition", "Opposition fighters"),
    ("opposition factions", "opposition", "Opposition fighters"),
    ("opposition groups", "opposition", "Opposition fighters"),
    ("insurgents", "opposition", "Opposition fighters"),
    ("armed groups", None, "Armed groups"),
    ("illegal armed groups", None, "Armed groups"),
    # The Russian defence ministry's words for the factions it fights.
    ("illegal armed formations", None, "Armed groups"),
    ("illegal armed units", None, "Armed groups"),
    ("militants", None, "Militants"),
    ("terrorists", None, "Terrorists"),
    ("terrorist groups", None, "Terrorists"),
    ("jihadists", "excluded", "Jihadist groups"),
    ("jihadist groups", "excluded", "Jihadist groups"),
    ("gunmen", None, "Unidentified gunmen"),
    ("unidentified perpetrators", None, "Unidentified armed group"),
    ("suicide bomber", None, "Unidentified armed group"),
    ("suicide bombers", None, "Unidentified armed group"),
    ("a bomber", None, "Unidentified armed group"),
    ("unidentified person", None, "Unidentified armed group"),
    ("unknown person", None, "Unidentified armed group"),
    ("an attacker", None, "Unidentified armed group"),
    ("unidentified warplanes", None, "Unidentified aircraft"),
    ("unidentified aircraft", None, "Unidentified aircraft"),
    ("unidentified jets", None, "Unidentified aircraft"),
    ("unknown warplanes", None, "Unidentified aircraft"),
    ("unidentified drone", None, "Unidentified aircraft"),
    ("unidentified helicopters", None, "Unidentified aircraft"),
    ("unknown perpetrators", None, "Unidentified armed group"),
    ("unidentified assailants", None, "Unidentified armed group"),
    ("unknown assailants", None, "Unidentified armed group"),
    ("regime", "government", "Military Forces of Syria (2000-)"),
    ("unidentified gunmen", None, "Unidentified gunmen"),
    ("unknown gunmen", None, "Unidentified gunmen"),
    ("armed men", None, "Unidentified gunmen"),
    ("government", "government", "Government forces"),
    ("the army", "government", "Government forces"),
    ("army", "government", "Government forces"),
    ("troops", "government", "Government forces"),
    ("soldiers", "government", "Government forces"),
    ("loyalists", "government", "Government forces"),
    ("pro-government forces", "government", "Government forces"),
    ("allied militias", "government", "Government forces"),
    # Aircraft no one names: an air strike with an unknown perpetrator (who flew it is for the
    # analyst, not a guess). Helicopters and barrel bombs were the Syrian air force's alone.
    ("warplanes", None, "Unidentified aircraft"),
    ("helicopters", "government", "Military Forces of Syria (2000-)"),
    ("jets", None, "Unidentified aircraft"),
    ("aircraft", None, "Unidentified aircraft"),
    ("civilians", "civilians", "Civilians"),
    ("people", "civilians", "Civilians"),
    ("civilian", "civilians", "Civilians"),
    ("residents", "civilians", "Civilians"),
    ("children", "civilians", "Civilians"),
    ("women", "civilians", "Civilians"),
    ("displaced", "civilians", "Civilians"),
    ("villagers", "civilians", "Civilians"),
    ("protesters", "civilians", "Civilians"),
    ("worshippers", "civilians", "Civilians"),
    ("aid workers", "civilians", "Civilians"),
    ("medics", "civilians", "Civilians"),
    ("a family", "civilians", "Civilians"),
    ("Russia", "government", "Government of Russia"),
    ("Moscow", "government", "Government of Russia"),
    ("Iran", "government", "Government of Iran"),
    ("Tehran", "government", "Government of Iran"),
    ("Turkey", "opposition", "Government of Turkey"),
    ("Ankara", "opposition", "Government of Turkey"),
    ("Syrian government", "government", "Government of Syria"),
    ("the regime", "government", "Government of Syria"),
    ("United States", "other", "Government of the United States"),
    ("Washington", "other", "Government of the United States"),
    ("مدنيين", "civilians", "Civilians"),
    ("مدنيون", "civilians", "Civilians"),
    ("أطفال", "civilians", "Civilians"),
)

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a dozen": 12,
    "dozen": 12,
    "a hundred": 100,
    "hundred": 100,
}
# ACLED's rules for vague amounts.
VAGUE_NUMBERS = {
    "several": 3,
    "a few": 3,
    "a number": 3,  # "killing a number of them": as vague as "several"
    "an unknown number": 0,  # no figure at all: ACLED codes 0
    "few": 3,
    "some": 3,
    "many": 10,
    "numerous": 10,
    "dozens": 12,
    "scores": 12,
    "tens": 12,
    "hundreds": 100,
}
CIVILIAN_NOUNS = (
    r"civilians?|people|persons|children|child|kids|women|woman|men|man|boys?|girls?|residents|"
    r"villagers|family members|members of (?:a|one|the same) family|babies|infants|teenagers?|"
    r"elderly|medics?|aid workers?|journalists?|displaced|passengers|worshippers|students|teachers|"
    r"farmers|shepherds?|protesters?|demonstrators?|doctors?|nurses?|surgeons?|paramedics?|"
    r"volunteers?|rescuers?|pilgrims?|merchants?|traders?|workers?|drivers?|activists?|relatives|"
    r"sons?|daughters?|brothers?|mothers?|fathers?|wives|wife|husbands?|victims|inhabitants|"
    r"refugees|evacuees|bystanders|shoppers"
)
FIGHTER_NOUNS = (
    r"fighters?|soldiers?|troops|militants|rebels?|insurgents|combatants|members|servicem[ae]n|"
    r"personnel|jihadists?|gunmen|militiamen|officers?|commanders?|conscripts|recruits|guards|"
    r"policem[ae]n|"
    r"terrorists|mercenaries|elements|militiam[ae]n|bombers?|attackers?|defenders|snipers?|pilots?"
)
