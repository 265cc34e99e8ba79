"""Word lists the stages read: event triggers, weapons, casualty words, generic actors.

Triggers are regular expressions over lower-cased text, grouped by the ACLED
sub-event type they signal. Order inside a group does not matter; the ACLED
hierarchy decides between groups (vocab.ACLED_SUB_EVENT_TYPES).
"""

from __future__ import annotations

import re

TERRITORY = "territory"  # marker: a change of control, resolved by who took it

_TRIGGERS: dict[str, tuple[str, ...]] = {
    "Armed clash": (
        r"clash(?:es|ed)?",
        r"assaults?",
        r"launched (?:an? |the |their |its |a new )?(?:[\w'-]+ ){0,3}(?:attack|assault|offensive|operation)s?",
        r"fired (?:(?!(?:mortars?|rockets?|missiles?|shells?|artillery|projectiles?|grad|barrel)\b)[\w-]+ ){0,4}?(?:on|at|upon)",
        r"fighting",
        r"fought",
        r"battles?",
        r"firefights?",
        r"skirmish(?:es)?",
        r"exchanged? fire",
        r"gun ?battles?",
        r"ambush(?:ed|es)?",
        r"(?:launched|began|started|continued|resumed|renewed|mounted|pressed) (?:an? |the |their |its )?(?:[\w'-]+ ){0,3}offensive",
        r"offensive (?:on|against|to (?:take|capture|retake|seize))",
        r"counter-?attack(?:s|ed)?",
        r"repelled",
        r"repulsed",
        r"infiltration attempts?",
        r"attempted to (?:advance|storm|infiltrate)",
        r"stormed",
        r"assault(?:ed)? on",
        r"launched an? (?:\w+ )?(?:attack|assault)",
        r"targeted (?:[\w'-]+ ){0,4}?(?:positions?|headquarters|gatherings?|fortifications|hideouts?|bases?)",
        r"attack(?:s|ed)?(?: on)? (?:[\w'-]+ ){0,4}(?:positions?|checkpoints?|posts?|barracks|bases?|headquarters|"
        r"points?|fortifications|frontlines?|front lines?)",
        r"infighting",
        r"confrontations?",
        r"heavy fighting",
        r"sniper fire",
        r"sniping",
        r"اشتباكات",
        r"معارك",
    ),
    TERRITORY: (
        r"(?:re)?captur(?:ed|es|ing)",
        r"recaptur(?:ed|ing)",
        r"retook",
        r"retaken",
        r"regain(?:ed|ing)",
        r"took (?:full )?control",
        r"seiz(?:ed|ing)",
        r"overran",
        r"overrun",
        r"took over",
        r"advanced (?:into|on)",
        r"entered the (?:town|village|city|neighbourhood|district)",
        r"entered (?-i:(?=[A-Z]))",
        r"took (?:[\w'-]+ ){0,3}(?:building blocks|blocks|villages?|towns?|hills?|positions|areas?|neighbourhoods?|"
        r"districts?|points|farms|checkpoints)",
        r"fell to",
        r"gained control",
        r"taken control",
        r"took back",
    ),
    "Air/drone strike": (
        r"air ?strikes?",
        r"airstrikes?",
        r"air ?raids?",
        r"warplanes?",
        r"(?:fighter )?jets?",
        r"aircraft",
        r"helicopters?",
        r"barrel ?bombs?",
        r"drones? strikes?",
        r"drone attack",
        r"bombing raids?",
        r"aerial (?:bombardment|attack|bombing)s?",
        r"airpower",
        r"sorties",
        r"غارات?",
        r"الطيران",
        r"براميل متفجرة",
    ),
    "Shelling/artillery/missile attack": (
        r"shell(?:ed|ing|s)?",
        r"mortars?",
        r"artillery",
        r"rockets?",
        r"missiles?",
        r"bombard(?:ed|ment)",
        r"tank (?:fire|shells?|rounds?)",
        r"projectiles?",
        r"grad",
        r"mlrs",
        r"multiple rocket launchers?",
        r"hell cannons?",
        r"heavy weapons",
        r"shells",
        r"قصف",
        r"قذائف",
        r"صواريخ",
    ),
    "Remote explosive/landmine/IED": (
        r"bomb(?:ing)? attacks?",
        r"bombings?",
        r"twin (?:bomb|suicide|blast)\w*",
        r"ieds?",
        r"improvised explosive devices?",
        r"roadside bombs?",
        r"landmines?",
        r"land mines?",
        r"car bombs?",
        r"booby[- ]trapped",
        r"explosive devices?",
        r"bomb exploded",
        r"explosions?",
        r"blasts?",
        r"detonated",
        r"explosive-laden",
        r"vbieds?",
        r"mines?",
        r"تفجير",
        r"عبوة ناسفة",
    ),
    "Suicide bomb": (
        r"suicide (?:car |truck |van )?(?:bomb(?:er|ing)?s?|attacks?|vests?)",
        r"blew (?:himself|herself|themselves) up",
        r"svbieds?",
        r"انتحاري",
    ),
    "Grenade": (r"(?:hand )?grenades?",),
    "Chemical weapon": (
        r"chlorine",
        r"sarin",
        r"chemical (?:attack|weapons?|agents?|munitions?)",
        r"toxic gas",
        r"poison(?:ous)? gas",
        r"nerve agents?",
    ),
    "Attack": (
        r"executed",
        r"executions?",
        r"shot dead",
        r"gunned down",
        r"assassinat(?:ed|ion|ions)",
        r"murder(?:ed|s)?",
        r"massacre",
        r"tortured to death",
        r"opened fire (?:on|at)(?! (?:the )?(?:protesters|demonstrators|crowds?|protest))",
        r"attacked",
        r"attacks? on",
        r"killed by (?:a )?sniper",
        r"sniper killed",
        r"shot and killed",
        r"killed a civilian",
        r"attacked (?:a |the )?(?:civilians?|residents|house|family|car|bus|displaced)",
        r"إعدام",
        r"اغتيال",
    ),
    "Abduction/forced disappearance": (
        r"(?:to|at) an unknown (?:location|destination|place)",
        r"whereabouts (?:remain|are|is) unknown",
        r"disappeared",
        r"abduct(?:ed|ion|ions|s)?",
        r"kidnap(?:ped|ping|pings|s)?",
        r"forcibly disappeared",
        r"took (?:\w+ )?hostages?",
        r"taken hostage",
        r"went missing",
        r"خطف",
        r"اختطاف",
    ),
    "Sexual violence": (r"rap(?:ed|e)", r"sexual (?:violence|assault|abuse)"),
    "Arrests": (
        r"arrest(?:ed|s|ing)?",
        r"detained",
        r"detention campaign",
        r"rounded up",
        r"اعتقال",
    ),
    "Excessive force against protesters": (
        r"(?:opened fire|fired live (?:ammunition|rounds)|shot) (?:on|at|into) (?:the )?(?:protesters|demonstrators|crowds?)",
        r"killed (?:\w+ ){0,2}(?:protesters|demonstrators)",
    ),
    "Protest with intervention": (
        r"dispers(?:ed|ing) (?:the |a )?(?:protests?|demonstrations?|crowds?|protesters|rally|sit-in)",
        r"tear ?gas",
        r"fired (?:in the air|into the air|warning shots)",
        r"broke up (?:the |a )?(?:protest|demonstration|rally)",
        r"arrested (?:\w+ ){0,2}(?:protesters|demonstrators)",
    ),
    "Violent demonstration": (
        r"rioters?",
        r"riot(?:s|ed|ing)",
        r"(?:protesters|demonstrators) (?:threw|hurled|stormed|set fire|torched|burned|clashed)",
    ),
    "Mob violence": (r"\bmob\b", r"lynch(?:ed|ing)", r"beat (?:\w+ ){0,3}to death"),
    "Peaceful protest": (
        r"protest(?:ed|ers|s)?",
        r"demonstrat(?:ed|ion|ions|ors)",
        r"rall(?:y|ies|ied)",
        r"sit-in",
    ),
    "Agreement": (
        r"(?:cease-?fires?|truces?|deals?|agreements?|accords?|memorand(?:um|a))(?:\s+[\w'-]+){0,6}?\s+(?:was |were |has been |have been |had been )?"
        r"(?:reached|signed|agreed|brokered|struck|concluded|endorsed|announced|took effect|came into (?:force|effect)|"
        r"went into effect|entered into force)",
        r"agreed (?:that|to|upon)",
        r"under (?:a|an) (?:[\w-]+ ){0,2}(?:deal|agreement|arrangement)",
        r"(?:reached|signed|agreed|brokered|struck|concluded|endorsed?|announced|backed) (?:an? |the )?(?:\w+ ){0,3}"
        r"(?:cease-?fires?|truces?|deals?|agreements?|accords?|memorand(?:um|a))",
        r"endorse[sd]? (?:\w+ ){0,3}(?:cease-?fire|truce|deal)",
        r"(?:conclusion|end|close|opening|start|round) of (?:\w+ ){0,3}(?:talks|negotiations|meetings?)",
        r"talks (?:were |have been )?(?:held|opened|began|concluded|ended|resumed)",
        r"held (?:\w+ ){0,4}(?:meeting|talks|round|session|consultations)",
        r"(?:meeting|talks|round|session|conference)s? (?:[\w-]+ ){0,10}?(?:was|were) held",
        r"(?:delegations?|negotiators|representatives) (?:\w+ ){0,4}met",
        r"evacuation (?:deal|agreement)",
        r"prisoner (?:swap|exchange)",
        r"exchanged? (?:prisoners|detainees|bodies)",
        r"(?:local|reconciliation) (?:agreement|deal|settlement)",
        r"agreed to (?:a |the )?(?:cease-?fire|truce|evacuat\w+|withdraw\w*)",
    ),
    "Non-violent transfer of territory": (
        r"handed over (?:control|the town|positions)",
        r"withdrew",
        r"withdrawal",
        r"evacuated from",
        r"pulled out of",
        r"raised the (?:\w+ )?flag",
        r"bussed (?:out|to)",
        r"left (?:the area|the town|for)",
    ),
    "Looting/property destruction": (
        r"loot(?:ed|ing)",
        r"torched",
        r"burned (?:down )?(?:houses|homes|shops)",
        r"demolish(?:ed|ing)",
    ),
    "Change to group/activity": (
        r"merged (?:into|with)",
        r"merger",
        r"announced the formation",
        r"formed a new (?:group|coalition|alliance)",
        r"(?:had |have )?joined (?:the ranks of )?(?=[A-Z])",
        r"defected to",
        r"dissolved (?:itself|themselves)",
        r"pledged allegiance",
    ),
}

TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (sub, re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.IGNORECASE))
    for sub, patterns in _TRIGGERS.items()
)

# Cues that the sentence does not assert an event: denial, threat, condition, intention.
NEGATION = re.compile(
    r"\b(denie[sd]|deny|denying|denial|rejected (?:the )?(?:claims?|reports?|accusations?)|no truth|"
    r"false (?:reports?|claims?)|fabricated|baseless|did not (?:carry out|conduct|target|strike|shell|attack)|"
    r"never (?:targeted|struck|shelled|attacked))\b",
    re.IGNORECASE,
)
HEDGE = re.compile(
    r"\b(threaten(?:ed|s|ing)? to|warn(?:ed|s|ing)? (?:that )?(?:it|they|he|she|we)?\s*(?:would|will)|"
    r"vow(?:ed|s)? to|would|could|might|(?-i:may)|if|unless|in case|in the event|any (?:attack|violation|advance)|"
    r"plan(?:s|ned|ning)? to|intend(?:s|ed)? to|prepar(?:ing|es|ed) (?:for|to)|aim(?:s|ed)? to|"
    r"call(?:ed|s)? (?:on|for)|urg(?:ed|es|ing)|should|must|to prevent|to avoid|capable of|"
    r"fears? (?:of|that)|risk of|possible|will|shall|is expected to|are expected to|is due to|are due to|next|to be|demand(?:ed|s)?|ask(?:ed|s)? for)\b",
    re.IGNORECASE,
)
# Words showing the sentence is about the truce itself, not a violent act.
TRUCE_TALK = re.compile(
    r"\b(cease-?fire|truce|talks|negotiations|agreement|deal|memorandum|de-?escalation)\b",
    re.IGNORECASE,
)
# Just before a date: it marks a time reference, not the day of an event ("since December 30").
TIME_REFERENCE = re.compile(r"\b(?:since|until|before|ahead of)\s*$", re.IGNORECASE)
BACKGROUND = re.compile(
    r"\b(in|since|during|of) (19|20)\d\d\b|\b(years?|decades?) ago\b|\bformer(ly)?\b", re.IGNORECASE
)

WEAPONS: tuple[tuple[str, str], ...] = (
    ("barrel bombs", r"barrel ?bombs?"), ("mortars", r"mortars?(?: rounds| shells| bombs)?"),
    ("artillery", r"artillery"), ("rockets", r"rockets?|grad|katyusha"), ("missiles", r"missiles?"),
    ("tanks", r"tanks?(?! of)"), ("heavy machine guns", r"heavy machine ?guns?|dushkas?"),
    ("sniper fire", r"snipers?"), ("IED", r"ieds?|improvised explosive devices?|roadside bombs?"),
    ("car bomb", r"car bombs?|vbieds?|booby-trapped (?:car|vehicle)"), ("landmines", r"land ?mines?"),
    ("cluster munitions", r"cluster (?:munitions|bombs)"), ("chlorine", r"chlorine"),
    ("vacuum bombs", r"vacuum bombs?|thermobaric"), ("incendiary weapons", r"incendiary|napalm|white phosphorus"),
    ("aircraft", r"warplanes?|jets?|aircraft|helicopters?"), ("drones", r"drones?"),
    ("small arms", r"small arms|rifles?|gunfire|machine ?guns?"), ("grenades", r"grenades?"),
    ("anti-tank missiles", r"anti-tank (?:missiles?|guided missiles?)|atgms?|tow missiles?"),
)  # fmt: skip
WEAPON_PATTERNS = tuple(
    (name, re.compile(r"\b(?:" + pattern + r")\b", re.IGNORECASE)) for name, pattern in WEAPONS
)

# Descriptions of actors that name no registered group, with the side they imply.
GENERIC_ACTORS: tuple[tuple[str, str | None, str], ...] = (
    ("rebels", "opposition", "Opposition fighters"), ("rebel", "opposition", "Opposition fighters"),
    ("rebel fighters", "opposition", "Opposition fighters"), ("rebel groups", "opposition", "Opposition fighters"),
    ("opposition", "opposition", "Opposition fighters"), ("opposition fighters", "opposition", "Opposition fighters"),
    ("armed opposition", "opposition", "Opposition fighters"), ("opposition factions", "opposition", "Opposition fighters"),
    ("opposition groups", "opposition", "Opposition fighters"), ("insurgents", "opposition", "Opposition fighters"),
    ("armed groups", None, "Armed groups"), ("illegal armed groups", None, "Armed groups"),
    ("militants", None, "Militants"), ("terrorists", None, "Terrorists"), ("terrorist groups", None, "Terrorists"),
    ("jihadists", "excluded", "Jihadist groups"), ("jihadist groups", "excluded", "Jihadist groups"),
    ("gunmen", None, "Unidentified gunmen"),
    ("unidentified perpetrators", None, "Unidentified armed group"),
    ("suicide bomber", None, "Unidentified armed group"), ("suicide bombers", None, "Unidentified armed group"),
    ("a bomber", None, "Unidentified armed group"), ("unidentified person", None, "Unidentified armed group"),
    ("unknown person", None, "Unidentified armed group"), ("an attacker", None, "Unidentified armed group"),
    ("unidentified warplanes", None, "Unidentified aircraft"), ("unidentified aircraft", None, "Unidentified aircraft"),
    ("unidentified jets", None, "Unidentified aircraft"), ("unknown warplanes", None, "Unidentified aircraft"),
    ("unidentified drone", None, "Unidentified aircraft"), ("unidentified helicopters", None, "Unidentified aircraft"),
    ("unknown perpetrators", None, "Unidentified armed group"),
    ("unidentified assailants", None, "Unidentified armed group"),
    ("unknown assailants", None, "Unidentified armed group"),
    ("regime", "government", "Military Forces of Syria (2000-)"), ("unidentified gunmen", None, "Unidentified gunmen"),
    ("unknown gunmen", None, "Unidentified gunmen"), ("armed men", None, "Unidentified gunmen"),
    ("government", "government", "Government forces"), ("the army", "government", "Government forces"),
    ("army", "government", "Government forces"), ("troops", "government", "Government forces"),
    ("soldiers", "government", "Government forces"), ("loyalists", "government", "Government forces"),
    ("pro-government forces", "government", "Government forces"), ("allied militias", "government", "Government forces"),
    ("warplanes", "government", "Government or Russian aircraft"), ("helicopters", "government", "Government or Russian aircraft"),
    ("jets", "government", "Government or Russian aircraft"), ("aircraft", "government", "Government or Russian aircraft"),
    ("civilians", "civilians", "Civilians"), ("people", "civilians", "Civilians"), ("civilian", "civilians", "Civilians"), ("residents", "civilians", "Civilians"),
    ("children", "civilians", "Civilians"), ("women", "civilians", "Civilians"), ("displaced", "civilians", "Civilians"),
    ("villagers", "civilians", "Civilians"), ("protesters", "civilians", "Civilians"), ("worshippers", "civilians", "Civilians"),
    ("aid workers", "civilians", "Civilians"), ("medics", "civilians", "Civilians"), ("a family", "civilians", "Civilians"),
    ("Russia", "government", "Government of Russia"), ("Moscow", "government", "Government of Russia"),
    ("Iran", "government", "Government of Iran"), ("Tehran", "government", "Government of Iran"),
    ("Turkey", "opposition", "Government of Turkey"), ("Ankara", "opposition", "Government of Turkey"),
    ("Syrian government", "government", "Government of Syria"), ("the regime", "government", "Government of Syria"),
    ("United States", "other", "Government of the United States"), ("Washington", "other", "Government of the United States"),
    ("مدنيين", "civilians", "Civilians"), ("مدنيون", "civilians", "Civilians"), ("أطفال", "civilians", "Civilians"),
)  # fmt: skip

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "a dozen": 12, "dozen": 12, "a hundred": 100, "hundred": 100,
}  # fmt: skip
# ACLED's rules for vague amounts.
VAGUE_NUMBERS = {"several": 3, "a few": 3, "few": 3, "some": 3, "many": 10, "numerous": 10,
                 "dozens": 12, "scores": 12, "tens": 12, "hundreds": 100}  # fmt: skip
CIVILIAN_NOUNS = (
    r"civilians?|people|persons|children|child|kids|women|woman|men|man|boys?|girls?|residents|"
    r"villagers|family members|members of (?:a|one|the same) family|babies|infants|teenagers?|elderly|"
    r"medics?|aid workers?|journalists?|displaced|passengers|worshippers|students|teachers|farmers|shepherds?|"
    r"protesters?|demonstrators?|doctors?|nurses?|surgeons?|paramedics?|volunteers?|rescuers?|pilgrims?|"
    r"merchants?|traders?|workers?|drivers?|activists?|relatives|sons?|daughters?|brothers?|mothers?|fathers?|"
    r"wives|wife|husbands?|victims|inhabitants|refugees|evacuees|bystanders|shoppers"
)
FIGHTER_NOUNS = (
    r"fighters?|soldiers?|troops|militants|rebels?|insurgents|combatants|members|servicem[ae]n|"
    r"personnel|jihadists?|gunmen|militiamen|officers?|commanders?|conscripts|recruits|guards|policem[ae]n|"
    r"terrorists|mercenaries|elements|militiam[ae]n|bombers?|attackers?|defenders|snipers?|pilots?"
)
