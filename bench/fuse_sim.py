"""Simulated ground truth for the fusion benchmark, and the clustering metrics it is scored by.

`simulate(n, seed=...)` makes true incidents in Syria from 2017 on and `n` noisy reports of
them, the way several outlets would tell one event:

- time: a day (70%, 15% of those jittered by a day), a 2-7 day span holding the day (20%),
  or the month (10%);
- place: the place (60%, under any of its spellings), a place within 15 km (15%), or a
  vaguer area (25%): the governorate, or "X countryside" up to 20 km off;
- actors: each named by any of its names and aliases; one in ten perpetrators left
  unidentified; outlets of the perpetrator's own side blame the other party half the time;
- casualties: the true figure off by 0-50%, or no figure (10%);
- event: one sub-type in ten confused with a neighbour in the same event type;
- syndicated copies: 10% of reports are republished by another outlet, near word for word;
- distractors: 15% of incidents have a twin in the same place, the next day with the same
  sub-type or the same day with another, so that fusion is not trivial.

The truth is in each report's provenance: dataset "sim", dataset_id "<incident>:<k>", and
extras["sim.incident"] (copies also name the report they copy in
extras["sim.copy_of"]). The default density is 100,000 reports a year (about 35,000
incidents, some 95 a day), so 100k reports cover 2017 exactly, 10k its first 36 days and
1M ten years from 2017 on: every size sees the same crowding, and time per report measures
the fusion, not a denser world. Pass `days` to fix the period instead.

Pure Python, no network: the same `n` and `seed` give the same reports, byte for byte.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from truce import scenarios
from truce.domain.actors import Actor, ActorRegistry, normalise_name
from truce.domain.geo import haversine_km
from truce.domain.reports import ActorRole, Provenance, Report, SourceRef
from truce.domain.vocab import SUB_EVENT_TO_EVENT, ActorRoleKind, DatePrecision
from truce.gazetteer.load import default_gazetteer
from truce.gazetteer.model import Place

START = date(2017, 1, 1)
REPORTS_PER_YEAR = 100_000
DATASET = "sim"
TRUTH_KEY = "sim.incident"
COPY_KEY = "sim.copy_of"  # on syndicated copies: the dataset_id of the report copied

# Violent ACLED sub-types and how often each is drawn.
SUB_EVENTS: Mapping[str, float] = {
    "Shelling/artillery/missile attack": 0.34,
    "Air/drone strike": 0.24,
    "Armed clash": 0.22,
    "Remote explosive/landmine/IED": 0.08,
    "Attack": 0.08,
    "Abduction/forced disappearance": 0.04,
}
# What a source may call a sub-type by mistake: always within the same event type.
CONFUSABLE: Mapping[str, tuple[str, ...]] = {
    "Shelling/artillery/missile attack": ("Air/drone strike", "Remote explosive/landmine/IED"),
    "Air/drone strike": ("Shelling/artillery/missile attack",),
    "Remote explosive/landmine/IED": ("Shelling/artillery/missile attack", "Grenade"),
    "Armed clash": ("Non-state actor overtakes territory", "Government regains territory"),
    "Attack": ("Abduction/forced disappearance",),
    "Abduction/forced disappearance": ("Attack",),
}
REPORTS_PER_INCIDENT = (1, 2, 3, 4, 5, 6)
REPORTS_WEIGHTS = (0.30, 0.25, 0.20, 0.12, 0.08, 0.05)  # mean 2.58
PERPETRATOR_SIDES = {"government": 0.50, "opposition": 0.22, "excluded": 0.18, "other": 0.10}
ENEMIES = {
    "government": ("opposition", "excluded"),
    "opposition": ("government", "excluded"),
    "excluded": ("government", "opposition", "other"),
    "other": ("excluded", "government"),
}
AIR_FORCES = {
    "syr-military": 0.40,
    "rus-military": 0.35,
    "us-led-coalition": 0.15,
    "tur-military": 0.05,
    "isr-military": 0.05,
}
# The name "X countryside" takes, where it is not one of the governorate's names.
COUNTRYSIDE_NAMES = {"Rural Damascus": ("Damascus",), "Damascus": ("Damascus",)}
# Sub-types that foreign armies are not drawn for (they strike from the air, shell, or fight).
GROUND_ONLY = frozenset(
    {"Remote explosive/landmine/IED", "Attack", "Abduction/forced disappearance"}
)
HOTSPOTS = frozenset({"Idleb", "Rural Damascus", "Hama", "Aleppo", "Dar'a", "Deir-ez-Zor", "Homs"})
GOVERNORATE_NAMES = {
    "Idleb": ("Idlib", "Idleb"),
    "Dar'a": ("Daraa", "Deraa"),
    "Rural Damascus": ("Rif Dimashq", "Rural Damascus", "Reef Damascus"),
    "Deir-ez-Zor": ("Deir ez-Zor", "Deir al-Zor"),
    "Al-Hasakeh": ("Hasakah", "Al-Hasakah"),
    "Ar-Raqqa": ("Raqqa", "Raqqah"),
    "As-Sweida": ("Sweida", "Suwayda"),
    "Lattakia": ("Latakia", "Lattakia"),
    "Tartous": ("Tartus", "Tartous"),
}


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    side: str | None  # "government", "opposition", or None for independent


OUTLETS: tuple[Outlet, ...] = (
    Outlet("SANA", "government"),
    Outlet("Russian MoD", "government"),
    Outlet("Orient News", "opposition"),
    Outlet("Smart News Agency", "opposition"),
    Outlet("Enab Baladi", "opposition"),
    Outlet("SOHR", None),
    Outlet("Reuters", None),
    Outlet("AFP", None),
)


def affiliations() -> dict[str, str]:
    """The side of each partisan outlet, by normalised name, as fusion takes it."""
    return {normalise_name(o.name): o.side for o in OUTLETS if o.side}


@dataclass(frozen=True, slots=True)
class TrueIncident:
    id: str
    day: date
    place: str
    admin1: str
    lat: float
    lon: float
    sub_event_type: str
    perpetrator: str  # actor id
    target: str  # actor id
    fatalities: int
    twin_of: str | None = None  # the incident this distractor was made beside


@dataclass(frozen=True)
class Simulation:
    reports: list[Report]
    truth: dict[str, str]  # report id -> true incident id
    incidents: list[TrueIncident]
    days: int


# --- the world the simulator draws from ----------------------------------------------


def _latin(name: str) -> bool:
    return name.isascii() and "(" not in name


@dataclass(frozen=True)
class World:
    registry: ActorRegistry
    places: tuple[Place, ...]
    place_cum_weights: tuple[float, ...]
    nearby: Mapping[str, tuple[Place, ...]]  # place name -> other places within 15 km
    governorates: Mapping[str, Place]
    by_side: Mapping[str, tuple[Actor, ...]]
    civilians: tuple[Actor, ...]
    names: Mapping[str, tuple[str, ...]]  # actor id -> the Latin names sources use
    place_names: Mapping[str, tuple[str, ...]]


@cache
def world() -> World:
    registry = scenarios.load("astana-2016").actors
    gazetteer = default_gazetteer()
    places = tuple(
        p for p in gazetteer.places if p.country == "SYR" and p.precision == 1 and p.admin1
    )
    weights, total = [], 0.0
    for p in places:
        total += 2.0 if p.admin1 in HOTSPOTS else 1.0
        weights.append(total)
    nearby = {
        p.name: tuple(
            q for q in places if q is not p and haversine_km(p.lat, p.lon, q.lat, q.lon) <= 15.0
        )
        for p in places
    }
    by_side: dict[str, list[Actor]] = {}
    civilians = []
    for actor in registry.all():
        side = registry.side_of(actor.id)
        if actor.kind == "civilians":
            civilians.append(actor)
        elif actor.kind != "unidentified" and side is not None:
            by_side.setdefault(side, []).append(actor)
    names = {
        a.id: tuple(n for n in (a.name, *a.aliases) if _latin(n)) or (a.name,)
        for a in registry.all()
    }
    place_names = {
        p.name: tuple(dict.fromkeys(n for n in (p.name, *p.aliases) if _latin(n))) or (p.name,)
        for p in places
    }
    return World(
        registry=registry,
        places=places,
        place_cum_weights=tuple(weights),
        nearby=nearby,
        governorates=dict(gazetteer.governorates),
        by_side={side: tuple(actors) for side, actors in by_side.items()},
        civilians=tuple(civilians),
        names=names,
        place_names=place_names,
    )


# --- true incidents ---------------------------------------------------------------------


def _pick(rng: random.Random, weighted: Mapping[str, float]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _perpetrator(rng: random.Random, w: World, sub: str, side: str | None = None) -> Actor:
    if sub == "Air/drone strike" and side is None:
        actor = w.registry.get(_pick(rng, AIR_FORCES))
        assert actor is not None
        return actor
    actors = w.by_side[side or _pick(rng, PERPETRATOR_SIDES)]
    if sub in GROUND_ONLY:
        actors = tuple(a for a in actors if a.kind != "external_force") or actors
    return rng.choice(actors)


def _target(rng: random.Random, w: World, sub: str, perpetrator: Actor) -> Actor:
    if sub in ("Attack", "Abduction/forced disappearance") or rng.random() < 0.35:
        return rng.choice(w.civilians)
    side = w.registry.side_of(perpetrator.id) or "government"
    return rng.choice(w.by_side[rng.choice(ENEMIES[side])])


def _fatalities(rng: random.Random, sub: str) -> int:
    if sub == "Abduction/forced disappearance" or rng.random() < 0.3:
        return 0
    return min(30, 1 + int(rng.expovariate(1 / 6)))


def _incident(rng: random.Random, w: World, number: int, days: int) -> TrueIncident:
    place = rng.choices(w.places, cum_weights=w.place_cum_weights)[0]
    sub = _pick(rng, SUB_EVENTS)
    perpetrator = _perpetrator(rng, w, sub)
    return TrueIncident(
        id=f"sim-{number:07d}",
        day=START + timedelta(days=rng.randrange(days)),
        place=place.name,
        admin1=place.admin1 or "",
        lat=place.lat,
        lon=place.lon,
        sub_event_type=sub,
        perpetrator=perpetrator.id,
        target=_target(rng, w, sub, perpetrator).id,
        fatalities=_fatalities(rng, sub),
    )


def _twin(rng: random.Random, w: World, base: TrueIncident, number: int) -> TrueIncident:
    """A distinct incident beside `base`: same place, next day same sub-type, or same day
    another."""
    if rng.random() < 0.5:
        day, sub = base.day + timedelta(days=1), base.sub_event_type
    else:
        day = base.day
        sub = rng.choice([s for s in SUB_EVENTS if s != base.sub_event_type])
    side = w.registry.side_of(base.perpetrator) if sub != "Air/drone strike" else None
    perpetrator = _perpetrator(rng, w, sub, side if side in w.by_side else None)
    return TrueIncident(
        id=f"sim-{number:07d}",
        day=day,
        place=base.place,
        admin1=base.admin1,
        lat=base.lat,
        lon=base.lon,
        sub_event_type=sub,
        perpetrator=perpetrator.id,
        target=_target(rng, w, sub, perpetrator).id,
        fatalities=_fatalities(rng, sub),
        twin_of=base.id,
    )


# --- reports ----------------------------------------------------------------------------

_ACTS: Mapping[str, tuple[str, ...]] = {
    "Shelling/artillery/missile attack": (
        "{perp} shelled {where}",
        "{perp} fired artillery shells at {where}",
        "{perp} targeted {where} with rockets",
        "{perp} launched mortar rounds on {where}",
    ),
    "Air/drone strike": (
        "{perp} carried out airstrikes on {where}",
        "warplanes of the {perp} struck {where}",
        "{perp} bombed {where} from the air",
        "a drone operated by {perp} hit {where}",
    ),
    "Armed clash": (
        "{perp} clashed with {target} in {where}",
        "fighting broke out between {perp} and {target} in {where}",
        "{perp} attacked {target} positions in {where}",
        "{perp} and {target} exchanged fire in {where}",
    ),
    "Remote explosive/landmine/IED": (
        "an IED planted by {perp} exploded in {where}",
        "a roadside bomb attributed to {perp} went off in {where}",
        "a car bomb blamed on {perp} exploded in {where}",
    ),
    "Grenade": ("{perp} threw a grenade at {target} in {where}",),
    "Attack": (
        "{perp} opened fire on {target} in {where}",
        "{perp} attacked {target} in {where}",
        "gunmen from {perp} shot {target} in {where}",
    ),
    "Abduction/forced disappearance": (
        "{perp} abducted {target} in {where}",
        "{perp} kidnapped {target} in {where}",
        "{perp} detained {target} at a checkpoint in {where}",
    ),
    "Non-state actor overtakes territory": ("{perp} seized positions from {target} in {where}",),
    "Government regains territory": ("{perp} retook {where} from {target}",),
}
_UNIDENTIFIED = {
    "Air/drone strike": "unidentified-military",
    "Shelling/artillery/missile attack": "unidentified-armed-group",
}


def _day_text(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _when(rng: random.Random, start: date, end: date, precision: DatePrecision) -> str:
    if precision is DatePrecision.DAY:
        return f"on {_day_text(start)}"
    if precision is DatePrecision.MONTH:
        return rng.choice((f"in {start:%B %Y}", f"during {start:%B %Y}"))
    return rng.choice(
        (f"between {_day_text(start)} and {_day_text(end)}", f"in the week of {_day_text(start)}")
    )


def _toll(rng: random.Random, n: int | None, civilian: bool) -> str:
    if n is None:
        return rng.choice(("", " Casualties are not known.", " There was no word on casualties."))
    if n == 0:
        return rng.choice((" No casualties were reported.", " There were no reported fatalities."))
    who = "civilians" if civilian else "people"
    if n == 1:
        return rng.choice((" One person was killed.", " The attack killed one.", " 1 fatality."))
    return rng.choice(
        (
            f" {n} {who} were killed.",
            f" At least {n} {who} died.",
            f" The attack left {n} dead.",
            f" {n} fatalities were reported.",
        )
    )


def _notes(
    rng: random.Random,
    *,
    sub: str,
    perp: str,
    target: str,
    where: str,
    when: str,
    toll: str,
    outlet: str,
) -> str:
    act = rng.choice(_ACTS[sub]).format(perp=perp, target=target, where=where)
    sentence = f"{when}, {act}." if rng.random() < 0.5 else f"{act} {when}."
    if rng.random() < 0.3:
        sentence = f"according to {outlet}, {sentence}"
    sentence = sentence[0].upper() + sentence[1:]
    return sentence + toll


def _syndicated(rng: random.Random, notes: str, original: str) -> str:
    """A near word-for-word copy, as a wire story picked up by another outlet."""
    choice = rng.randrange(3)
    if choice == 0:
        return f"{original.upper()} - {notes}"
    if choice == 1:
        return f"{notes} ({original})"
    return notes.replace(", ", " ", 1)


class _Reporter:
    """Turns a true incident into reports, with the noise the module describes."""

    def __init__(self, rng: random.Random, w: World) -> None:
        self.rng, self.w = rng, w
        self.roles: dict[tuple[str, str, ActorRoleKind], ActorRole] = {}
        self.sources = {o.name: (SourceRef(name=o.name, publisher=o.name),) for o in OUTLETS}

    def role(self, actor: Actor, role: ActorRoleKind) -> tuple[ActorRole, str]:
        name = self.rng.choice(self.w.names[actor.id])
        key = (actor.id, name, role)
        found = self.roles.get(key)
        if found is None:
            found = ActorRole(
                name=name,
                role=role,
                actor_id=actor.id,
                inter=actor.inter,
                side=self.w.registry.side_of(actor.id),
            )
            self.roles[key] = found
        return found, name

    def dates(self, day: date) -> tuple[date, date, DatePrecision]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.70:
            if rng.random() < 0.15:
                day += timedelta(days=rng.choice((-1, 1)))
            return day, day, DatePrecision.DAY
        if roll < 0.90:
            length = rng.randint(2, 7)
            start = day - timedelta(days=rng.randrange(length))
            precision = DatePrecision.WEEK if length == 7 else DatePrecision.DAYS
            return start, start + timedelta(days=length - 1), precision
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return first, last, DatePrecision.MONTH

    def place(self, truth: TrueIncident) -> tuple[dict[str, object], str]:
        rng, w = self.rng, self.w
        roll = rng.random()
        near = w.nearby[truth.place]
        if roll < 0.60 or (roll < 0.75 and not near):
            name = rng.choice(w.place_names[truth.place])
            fields = {"location_name": name, "lat": truth.lat, "lon": truth.lon, "precision": 1}
            return fields, name
        if roll < 0.75:
            other = rng.choice(near)
            name = rng.choice(w.place_names[other.name])
            fields = {"location_name": name, "lat": other.lat, "lon": other.lon, "precision": 2}
            return fields, rng.choice((f"the outskirts of {name}", f"the area near {name}"))
        spellings = GOVERNORATE_NAMES.get(truth.admin1, (truth.admin1,))
        area = rng.choice(spellings)
        if rng.random() < 0.5:
            gov = w.governorates[truth.admin1]
            fields = {"location_name": gov.name, "lat": gov.lat, "lon": gov.lon, "precision": 4}
            return fields, rng.choice((f"{area} province", f"{area} governorate"))
        area = rng.choice(COUNTRYSIDE_NAMES.get(truth.admin1, spellings))
        km, bearing = rng.uniform(0, 20), rng.uniform(0, 2 * math.pi)
        lat = truth.lat + km * math.cos(bearing) / 111.0
        lon = truth.lon + km * math.sin(bearing) / (111.0 * math.cos(math.radians(truth.lat)))
        name = f"{area} countryside"
        fields = {"location_name": name, "lat": round(lat, 4), "lon": round(lon, 4), "precision": 2}
        return fields, rng.choice((f"the {name}", f"rural {area}"))

    def reports(self, truth: TrueIncident) -> list[Report]:
        rng, w = self.rng, self.w
        count = rng.choices(REPORTS_PER_INCIDENT, weights=REPORTS_WEIGHTS)[0]
        outlets = rng.sample(OUTLETS, count)
        perpetrator = w.registry.get(truth.perpetrator)
        target = w.registry.get(truth.target)
        assert perpetrator is not None and target is not None
        out: list[Report] = []
        for outlet in outlets:
            out.append(self.report(truth, len(out), outlet, perpetrator, target))
            if rng.random() < 0.10:
                # A syndicated copy from an outlet not already telling this incident.
                spare = [o for o in OUTLETS if o not in outlets] or [
                    o for o in OUTLETS if o != outlet
                ]
                out.append(self.copy(out[-1], truth, len(out), rng.choice(spare), outlet))
        return out

    def report(
        self, truth: TrueIncident, k: int, outlet: Outlet, perpetrator: Actor, target: Actor
    ) -> Report:
        rng, w = self.rng, self.w
        true_side = w.registry.side_of(perpetrator.id)
        if outlet.side is not None and outlet.side == true_side and rng.random() < 0.5:
            # The perpetrator's own side blames the other party.
            other = "opposition" if true_side == "government" else "government"
            if truth.sub_event_type == "Air/drone strike":
                # Warplanes are blamed on the other party's air force, or on any other one.
                air = [w.registry.get(a) for a in AIR_FORCES]
                blamed = [a for a in air if a and w.registry.side_of(a.id) == other]
                perpetrator = rng.choice(
                    blamed or [a for a in air if a and w.registry.side_of(a.id) != true_side]
                )
            else:
                perpetrator = rng.choice(w.by_side[other])
            if w.registry.side_of(target.id) == other:
                target = rng.choice(w.civilians)
        elif rng.random() < 0.10:
            unknown = w.registry.get(
                _UNIDENTIFIED.get(truth.sub_event_type, "unidentified-armed-group")
            )
            assert unknown is not None
            perpetrator = unknown
        sub = truth.sub_event_type
        if rng.random() < 0.10:
            sub = rng.choice(CONFUSABLE[sub])
        start, end, precision = self.dates(truth.day)
        place, where = self.place(truth)
        perp_role, perp_name = self.role(perpetrator, ActorRoleKind.PERPETRATOR)
        target_role, target_name = self.role(target, ActorRoleKind.TARGET)
        fatalities: int | None = None
        if rng.random() >= 0.10:
            fatalities = max(0, round(truth.fatalities * (1 + rng.uniform(-0.5, 0.5))))
        civilian = target.kind == "civilians"
        notes = _notes(
            rng,
            sub=sub,
            perp=perp_name,
            target=target_name,
            where=where,
            when=_when(rng, start, end, precision),
            toll=_toll(rng, fatalities, civilian),
            outlet=outlet.name,
        )
        return Report(
            date_start=start,
            date_end=end,
            date_precision=precision,
            location_name=place["location_name"],
            admin1=truth.admin1,
            country="Syria",
            country_iso=760,
            lat=place["lat"],
            lon=place["lon"],
            location_precision=place["precision"],
            actors=(perp_role, target_role),
            event_type=SUB_EVENT_TO_EVENT[sub],
            sub_event_type=sub,
            civilian_targeting=civilian,
            fatalities_best=fatalities,
            sources=self.sources[outlet.name],
            attribution=outlet.name if notes.startswith("According to") else None,
            notes=notes,
            language="en",
            provenance=_provenance(truth, k),
        ).with_content_id()

    def copy(
        self, original: Report, truth: TrueIncident, k: int, outlet: Outlet, source: Outlet
    ) -> Report:
        notes = _syndicated(self.rng, original.notes or "", source.name)
        return original.model_copy(
            update={
                "sources": self.sources[outlet.name],
                "notes": notes,
                "provenance": _provenance(truth, k, copy_of=original.provenance.dataset_id),
            }
        ).with_content_id()


def _provenance(truth: TrueIncident, k: int, copy_of: str | None = None) -> Provenance:
    extras = {TRUTH_KEY: truth.id}
    if copy_of is not None:
        extras[COPY_KEY] = copy_of
    return Provenance(dataset=DATASET, dataset_id=f"{truth.id}:{k}", extras=extras)


def default_days(n: int) -> int:
    """The period that keeps the default density: 100k reports a year."""
    return max(1, round(365 * n / REPORTS_PER_YEAR))


def simulate(n: int, *, seed: int = 7, days: int | None = None) -> Simulation:
    """`n` noisy reports of simulated incidents, in a seeded shuffled order, with the truth."""
    rng = random.Random(seed)
    w = world()
    period = days if days is not None else default_days(n)
    reporter = _Reporter(rng, w)
    incidents: list[TrueIncident] = []
    reports: list[Report] = []
    while len(reports) < n:
        incident = _incident(rng, w, len(incidents), period)
        batch = [incident]
        if rng.random() < 0.15:
            batch.append(_twin(rng, w, incident, len(incidents) + 1))
        for truth in batch:
            incidents.append(truth)
            reports.extend(reporter.reports(truth))
    del reports[n:]
    rng.shuffle(reports)
    truth_map = {r.id: truth_of(r) for r in reports}
    kept = set(truth_map.values())
    return Simulation(
        reports=reports,
        truth=truth_map,
        incidents=[i for i in incidents if i.id in kept],
        days=period,
    )


def truth_of(report: Report) -> str:
    """The true incident of a simulated report, from its provenance."""
    return report.provenance.extras[TRUTH_KEY]


# --- metrics ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _cells(
    truth: Mapping[str, str], predicted: Mapping[str, str]
) -> tuple[Counter[tuple[str, str]], Counter[str], Counter[str]]:
    if truth.keys() != predicted.keys():
        missing = len(truth.keys() - predicted.keys())
        extra = len(predicted.keys() - truth.keys())
        raise ValueError(f"clusterings cover different items: {missing} missing, {extra} extra")
    cells = Counter((predicted[item], truth[item]) for item in truth)
    pred_sizes = Counter(predicted.values())
    true_sizes = Counter(truth.values())
    return cells, pred_sizes, true_sizes


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """Precision and recall over pairs of items put in one cluster (counted, not listed)."""
    cells, pred_sizes, true_sizes = _cells(truth, predicted)
    together = sum(_pairs(c) for c in cells.values())
    pred_pairs = sum(_pairs(c) for c in pred_sizes.values())
    true_pairs = sum(_pairs(c) for c in true_sizes.values())
    return Scores(
        precision=together / pred_pairs if pred_pairs else 1.0,
        recall=together / true_pairs if true_pairs else 1.0,
    )


def bcubed(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """B-cubed precision and recall: per item, the share of its cluster that is right."""
    cells, pred_sizes, true_sizes = _cells(truth, predicted)
    n = len(truth)
    if not n:
        return Scores(1.0, 1.0)
    precision = sum(c * c / pred_sizes[p] for (p, _), c in cells.items()) / n
    recall = sum(c * c / true_sizes[t] for (_, t), c in cells.items()) / n
    return Scores(precision=precision, recall=recall)


def bcubed_by(
    truth: Mapping[str, str], predicted: Mapping[str, str], label: Mapping[str, str]
) -> dict[str, tuple[int, Scores]]:
    """B-cubed precision and recall over the items of each label (e.g. each date precision):
    where the clustering loses its score."""
    cells, pred_sizes, true_sizes = _cells(truth, predicted)
    sums: dict[str, list[float]] = {}
    for item, p in predicted.items():
        t = truth[item]
        c = cells[(p, t)]
        entry = sums.setdefault(label[item], [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += c / pred_sizes[p]
        entry[2] += c / true_sizes[t]
    return {
        k: (int(n), Scores(precision=prec / n, recall=rec / n))
        for k, (n, prec, rec) in sorted(sums.items())
    }


def noise_labels(sim: Simulation) -> dict[str, dict[str, str]]:
    """Per report, the noise it carries, for `bcubed_by`."""
    twins = {i.id for i in sim.incidents if i.twin_of is not None}
    twinned = twins | {i.twin_of for i in sim.incidents if i.twin_of is not None}
    labels: dict[str, dict[str, str]] = {"date": {}, "place": {}, "copy": {}, "twin": {}}
    for r in sim.reports:
        labels["date"][r.id] = str(r.date_precision)
        labels["place"][r.id] = f"precision {r.location_precision}"
        labels["copy"][r.id] = "copy" if COPY_KEY in r.provenance.extras else "original"
        labels["twin"][r.id] = "has twin" if sim.truth[r.id] in twinned else "no twin"
    return labels


def noise_summary(reports: Sequence[Report]) -> dict[str, float]:
    """Shares of the noise kinds in a set of simulated reports."""
    n = len(reports) or 1
    copies = sum(1 for r in reports if COPY_KEY in r.provenance.extras)
    return {
        "not day precision": sum(r.date_precision is not DatePrecision.DAY for r in reports) / n,
        "vaguer place": sum((r.location_precision or 1) > 1 for r in reports) / n,
        "syndicated copy": copies / n,
    }
