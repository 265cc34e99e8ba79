"""Controlled vocabularies as data, with their codes.

Sources: ACLED codebook (event hierarchy, inter codes), UCDP GED codebook
(where_prec, date_prec, type_of_violence), PLOVER ontology (categories and the
modes Truce uses) and CAMEO (the codes that matter for ceasefires).
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

# ACLED event types in their hierarchy order: where tactics combine, the
# earlier type wins (an airstrike during a ground battle is a Battle).
ACLED_EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)

# Sub-event types per type, also in ACLED's precedence order.
ACLED_SUB_EVENT_TYPES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "Battles": (
            "Government regains territory",
            "Non-state actor overtakes territory",
            "Armed clash",
        ),
        "Explosions/Remote violence": (
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        ),
        "Violence against civilians": (
            "Sexual violence",
            "Attack",
            "Abduction/forced disappearance",
        ),
        "Protests": (
            "Excessive force against protesters",
            "Protest with intervention",
            "Peaceful protest",
        ),
        "Riots": ("Violent demonstration", "Mob violence"),
        "Strategic developments": (
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        ),
    }
)

SUB_EVENT_TO_EVENT: MappingProxyType[str, str] = MappingProxyType(
    {sub: event for event, subs in ACLED_SUB_EVENT_TYPES.items() for sub in subs}
)

# Event types under which ACLED records what a truce prohibits.
ACLED_VIOLENT_EVENT_TYPES: frozenset[str] = frozenset(
    {"Battles", "Explosions/Remote violence", "Violence against civilians"}
)

ACLED_DISORDER_TYPES: tuple[str, ...] = (
    "Political violence",
    "Demonstrations",
    "Strategic developments",
    "Political violence; Demonstrations",
)

# ACLED inter codes. Newer exports write the label instead of the digit.
ACLED_INTER_CODES: MappingProxyType[int, str] = MappingProxyType(
    {
        0: "",
        1: "State forces",
        2: "Rebel group",
        3: "Political militia",
        4: "Identity militia",
        5: "Rioters",
        6: "Protesters",
        7: "Civilians",
        8: "External/Other forces",
    }
)
ACLED_INTER_BY_LABEL: MappingProxyType[str, int] = MappingProxyType(
    {label.lower(): code for code, label in ACLED_INTER_CODES.items() if label}
)

# ACLED time_precision: 1 exact day, 2 a week (middle day recorded), 3 a month.
ACLED_TIME_PRECISION: MappingProxyType[int, str] = MappingProxyType(
    {1: "day", 2: "week", 3: "month"}
)
# ACLED geo_precision: 1 town, 2 part of a region or near a town, 3 larger region.
ACLED_GEO_PRECISION: MappingProxyType[int, str] = MappingProxyType(
    {1: "town", 2: "near a town or part of a region", 3: "larger region"}
)


class DatePrecision(StrEnum):
    """How precisely a date is known. The values follow UCDP's date_prec scale."""

    DAY = "day"
    DAYS = "days"  # a span of 2-6 days
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    # Not placed at all: a relative date ("yesterday") in a text with no publication date.
    # The report carries the day the text was received (the latest the event can be) and a
    # review flag; UCDP has no code for it, so it is written as its vaguest (5).
    UNKNOWN = "unknown"


UCDP_DATE_PREC: MappingProxyType[int, DatePrecision] = MappingProxyType(
    {
        1: DatePrecision.DAY,
        2: DatePrecision.DAYS,
        3: DatePrecision.WEEK,
        4: DatePrecision.MONTH,
        5: DatePrecision.YEAR,
    }
)
UCDP_DATE_PREC_CODE: MappingProxyType[DatePrecision, int] = MappingProxyType(
    {value: code for code, value in UCDP_DATE_PREC.items()} | {DatePrecision.UNKNOWN: 5}
)

# UCDP where_prec, the scale Truce uses for every location's precision.
UCDP_WHERE_PREC: MappingProxyType[int, str] = MappingProxyType(
    {
        1: "exact place",
        2: "within about 25 km of a named place",
        3: "second-order administrative area",
        4: "first-order administrative area",
        5: "part of the country larger than an admin area, or between places",
        6: "the whole country",
        7: "at sea or in the air",
    }
)

# A radius (km) that a location of each precision could be off by; used for
# "possibly inside" zone checks. Admin areas and larger are judged by name.
WHERE_PREC_RADIUS_KM: MappingProxyType[int, float] = MappingProxyType(
    {1: 2.0, 2: 25.0, 3: 40.0, 4: 90.0, 5: 200.0, 6: 500.0, 7: 50.0}
)

UCDP_TYPE_OF_VIOLENCE: MappingProxyType[int, str] = MappingProxyType(
    {1: "state-based", 2: "non-state", 3: "one-sided"}
)
UCDP_EVENT_CLARITY: MappingProxyType[int, str] = MappingProxyType(
    {1: "clear event", 2: "aggregated reporting"}
)

PLOVER_CATEGORIES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

# The modes Truce reads and writes, per category. Unknown modes are kept as
# given on import but never produced by Truce itself.
PLOVER_MODES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "ASSAULT": (
            "beat",
            "firearms",
            "explosives",
            "aerial",
            "drone",
            "heavy-weapons",
            "suicide-attack",
            "primitive",
            "sexual",
            "wmd",
            "abduct",
        ),
        "RETREAT": ("ceasefire", "withdraw", "disarm", "access", "release", "return"),
        "CONCEDE": ("ceasefire", "disarm", "release", "policy", "territory"),
        "ACCUSE": ("disapprove", "investigate", "allege"),
        "PROTEST": ("demonstrate", "riot", "strike", "boycott", "hunger"),
        "COERCE": ("seize", "arrest", "repression", "abduct", "censor"),
        "MOBILIZE": ("troops", "weapons", "police", "militia"),
        "AGREE": ("ceasefire", "settle", "exchange", "evacuate"),
    }
)
PLOVER_CONTEXTS: tuple[str, ...] = (
    "military",
    "peacekeeping",
    "humanitarian",
    "political",
    "terrorism",
    "territory",
    "civilians",
)

CAMEO_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "057": "sign formal agreement",
        "0871": "declare truce or ceasefire",
        "0874": "retreat or surrender militarily",
        "112": "accuse",
        "141": "demonstrate or rally",
        "145": "protest violently, riot",
        "152": "increase military alert status",
        "173": "arrest, detain",
        "175": "use tactics of violent repression",
        "180": "use unconventional violence",
        "181": "abduct, hijack, or take hostage",
        "182": "physically assault",
        "183": "conduct suicide, car, or other non-military bombing",
        "190": "use conventional military force",
        "192": "occupy territory",
        "193": "fight with small arms and light weapons",
        "194": "fight with artillery and tanks",
        "195": "employ aerial weapons",
        "196": "violate ceasefire",
        "200": "use unconventional mass violence",
        "204": "use weapons of mass destruction",
    }
)


class EventCoding(NamedTuple):
    """PLOVER category, mode and CAMEO code that Truce derives from an ACLED sub-type."""

    plover_event: str | None
    plover_mode: str | None
    cameo_code: str | None


SUB_EVENT_CODING: MappingProxyType[str, EventCoding] = MappingProxyType(
    {
        "Government regains territory": EventCoding("ASSAULT", "firearms", "192"),
        "Non-state actor overtakes territory": EventCoding("ASSAULT", "firearms", "192"),
        "Armed clash": EventCoding("ASSAULT", "firearms", "193"),
        "Chemical weapon": EventCoding("ASSAULT", "wmd", "204"),
        "Air/drone strike": EventCoding("ASSAULT", "aerial", "195"),
        "Suicide bomb": EventCoding("ASSAULT", "suicide-attack", "183"),
        "Shelling/artillery/missile attack": EventCoding("ASSAULT", "heavy-weapons", "194"),
        "Remote explosive/landmine/IED": EventCoding("ASSAULT", "explosives", "183"),
        "Grenade": EventCoding("ASSAULT", "explosives", "190"),
        "Sexual violence": EventCoding("ASSAULT", "sexual", "182"),
        "Attack": EventCoding("ASSAULT", "firearms", "180"),
        "Abduction/forced disappearance": EventCoding("COERCE", "abduct", "181"),
        "Excessive force against protesters": EventCoding("COERCE", "repression", "175"),
        "Protest with intervention": EventCoding("PROTEST", "demonstrate", "141"),
        "Peaceful protest": EventCoding("PROTEST", "demonstrate", "141"),
        "Violent demonstration": EventCoding("PROTEST", "riot", "145"),
        "Mob violence": EventCoding("PROTEST", "riot", "145"),
        "Agreement": EventCoding("AGREE", None, "057"),
        "Arrests": EventCoding("COERCE", "arrest", "173"),
        "Change to group/activity": EventCoding(None, None, None),
        "Disrupted weapons use": EventCoding("COERCE", "seize", None),
        "Headquarters or base established": EventCoding("MOBILIZE", "troops", "152"),
        "Looting/property destruction": EventCoding("COERCE", "seize", None),
        "Non-violent transfer of territory": EventCoding("RETREAT", "withdraw", "0874"),
        "Other": EventCoding(None, None, None),
    }
)


class ActorKind(StrEnum):
    STATE_FORCE = "state_force"
    REBEL_GROUP = "rebel_group"
    POLITICAL_MILITIA = "political_militia"
    IDENTITY_MILITIA = "identity_militia"
    EXTERNAL_FORCE = "external_force"
    CIVILIANS = "civilians"
    UNIDENTIFIED = "unidentified"


class ActorRoleKind(StrEnum):
    PERPETRATOR = "perpetrator"
    TARGET = "target"
    SIDE_A = "side_a"
    SIDE_B = "side_b"
    ASSOCIATED_A = "assoc_a"
    ASSOCIATED_B = "assoc_b"


# Who acted and who was acted on, whichever convention the report follows (extraction's
# perpetrator/target or ACLED's side A/side B); the associated roles extend each side.
PERPETRATOR_ROLES = (ActorRoleKind.PERPETRATOR, ActorRoleKind.SIDE_A)
TARGET_ROLES = (ActorRoleKind.TARGET, ActorRoleKind.SIDE_B)
PERPETRATOR_SIDE_ROLES = (*PERPETRATOR_ROLES, ActorRoleKind.ASSOCIATED_A)
TARGET_SIDE_ROLES = (*TARGET_ROLES, ActorRoleKind.ASSOCIATED_B)


# Countries Truce's scenarios touch: ISO 3166 numeric, alpha-3, and the
# Gleditsch-Ward number that UCDP's country_id uses.
class Country(NamedTuple):
    name: str
    iso_numeric: int
    iso_alpha3: str
    gw_number: int
    region: str


COUNTRIES: tuple[Country, ...] = (
    Country("Syria", 760, "SYR", 652, "Middle East"),
    Country("Turkey", 792, "TUR", 640, "Middle East"),
    Country("Iraq", 368, "IRQ", 645, "Middle East"),
    Country("Lebanon", 422, "LBN", 660, "Middle East"),
    Country("Jordan", 400, "JOR", 663, "Middle East"),
    Country("Israel", 376, "ISR", 666, "Middle East"),
)
COUNTRY_BY_NAME: MappingProxyType[str, Country] = MappingProxyType(
    {c.name.lower(): c for c in COUNTRIES}
)
COUNTRY_BY_ISO: MappingProxyType[int, Country] = MappingProxyType(
    {c.iso_numeric: c for c in COUNTRIES}
)
COUNTRY_BY_GW: MappingProxyType[int, Country] = MappingProxyType(
    {c.gw_number: c for c in COUNTRIES}
)


# ------------------------------------------------------------------ bounds on what a report claims
#
# One report is one event. The deadliest single events of Syria's war were in the low thousands
# of dead (the Ghouta sarin attack of August 2013: estimates from about 300 to about 1,700); a
# data set's event that aggregates several days of a siege stays in the thousands too. 100,000
# leaves room for any real figure and any aggregate, and refuses what can only be a typing or
# overflow error (a liaison's 10^30, an import's 99999999999999999999999), which would otherwise
# outweigh every real death in every total, and overflow the store's integer columns.
MAX_COUNT_PER_EVENT = 100_000  # people killed, injured or arrested in one event, in any one count
# Political-violence data sets start in 1989 (UCDP GED) and 1997 (ACLED); a report dated before
# 1900 or after 2100 is a mistyped year, not a claim about this century's conflicts.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
MAX_ISO_NUMERIC = 999  # ISO 3166-1 numeric country codes have three digits
