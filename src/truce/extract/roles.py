"""Who did it to whom: perpetrator and target from the sentence's shape, and the details
each event needs (casualties, weapons, quoted source, and a place and date when the
event's own sentences name none)."""

from __future__ import annotations

import re

from truce.domain.vocab import DatePrecision
from truce.extract.casualties import CODED, CODED_SPLIT, split_coded
from truce.extract.doc import Casualty, DateMatch, Doc, Event, Match
from truce.extract.lexicon import TIME_REFERENCE
from truce.extract.pipeline import stage
from truce.extract.resources import ActorRef, Resources
from truce.extract.speakers import speaks

_BY = re.compile(
    r"\b(?:by|attributed to|blamed on|identified as|carried out by|belong(?:ing)? to|"
    r"believed to be)\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+-(?:led|backed|allied)\s+)?$",
    re.IGNORECASE,
)
# "Jaish al-Nasr said its fighters had shelled": a group speaking of its own act is its actor.
_CLAIMS_OWN = re.compile(
    r"^\s*(?:said|says|claimed|announced|stated)\s+(?:on\s+)?(?:\w+day\s+)?(?:that\s+)?"
    r"(?:its|their|it|they)\b",
    re.IGNORECASE,
)
# An actor followed by a verb of saying is the source of a claim, not a party to the event.
_SAYS = re.compile(
    r"^\s*(?:\w+\s+)?(?:said|says|reported|reports|claimed|claims|accused|denied|described|cited|"
    r"called|presented|treated|stated|announced|told|confirmed|insisted|argued|blamed|disputed)\b",
    re.IGNORECASE,
)
# "shelling from positions of Jabhat al-Nusra": where the fire came from is who fired.
_WHOSE = re.compile(
    r"\bfrom\s+(?:the\s+)?(?:positions|areas|territory|territories|points)\s+"
    r"(?:of|held by|controlled by|under the control of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_OF = re.compile(r"\bof\s+(?:the\s+)?$", re.IGNORECASE)
_AIRCRAFT = re.compile(r"(?:war)?planes?|jets?|aircraft|helicopters?|drones?", re.IGNORECASE)
_OWNED_BY = re.compile(r"\s+of\s+(?:the\s+)?(?:[\w-]+\s+)?[\"“]?", re.IGNORECASE)
# A trigger that says the attack failed: its subject was the one attacked.
_REPELLED = re.compile(
    r"(?:repelled|repulsed|foiled|thwarted|beat back|fended off|confronted)\b", re.IGNORECASE
)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_AGAINST = re.compile(
    r"\b(?:on|against|targeting|targeted|at|with|hit|struck|shelled|bombed|attacked|"
    r"pounded|killing|killed|of)\s+(?:the\s+|a\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_ACCUSED = re.compile(r"\baccus\w*\s+(?:the\s+)?$", re.IGNORECASE)
_PASSIVE = re.compile(
    r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?(?:shelled|targeted|attacked|struck|hit|"
    r"bombed|killed|wounded|injured|abducted|kidnapped|executed|captured|seized|taken)\b",
    re.IGNORECASE,
)
_CIVILIAN_SIDE = "civilians"


@stage(
    "roles",
    1,
    requires=["events", "actors", "quotes", "weapons", "casualties", "places", "dates"],
    assigns=["roles"],
)
def roles(doc: Doc, res: Resources) -> None:
    quoted = [(q.start, q.end) for q in doc.quotes]
    for event in doc.events:
        for index in event.sentences:
            _roles_in_sentence(doc, event, index, quoted)
        if event.event_type == "Strategic developments":
            _agreement_roles(event)
        elif not event.targets and len({p.value.side for p in event.perpetrators}) > 1:
            # "Ahrar al-Sham and JFS exchanged fire": the two sides of a fight, not allies.
            # One named as the agent ("missiles fired by Israeli warplanes") leads.
            agents = doc.cache.get("agents", set())
            named = [p for p in event.perpetrators if (p.start, p.end) in agents]
            lead = (named or event.perpetrators)[0]
            other = next(p for p in event.perpetrators if p.value.side != lead.value.side)
            event.perpetrators.remove(other)
            event.targets.append(other)
        # Deaths told once for "shelled A and B" are not counted again for B.
        event.casualties = (
            []
            if event.part
            else [c for i in event.sentences for c in doc.in_sentence(doc.casualties, i)]
        )
        event.weapons = [w for i in event.sentences for w in doc.in_sentence(doc.weapons, i)]
        quotes = [q for i in event.sentences for q in doc.in_sentence(doc.quotes, i)]
        event.attribution = quotes[0] if quotes else _nearest_quote(doc, event)
        if any(
            c.group == "civilians" and not c.none_reported for c in event.casualties
        ) and not any(t.value.side == _CIVILIAN_SIDE for t in event.targets):
            first = event.casualties[0]
            event.targets.append(
                Match(
                    first.start,
                    first.end,
                    ActorRef("Civilians", _CIVILIAN_SIDE, generic=True),
                    0.6,
                    kind="actor",
                )
            )
        _settle_sub_type(doc, event)
        _civilian_roles(event)
        _fallbacks(doc, event)
    _coded_figures(doc)


def _coded_figures(doc: Doc) -> None:
    """ "Fatalities coded to 2, split between both locations": the note's own coded figure
    replaces the deaths read elsewhere, shared between its events when it says so."""
    coded = [c for c in doc.casualties if c.group in (CODED, CODED_SPLIT)]
    if not coded or not doc.events:
        return
    figure = coded[0]
    split = figure.group == CODED_SPLIT
    shares = split_coded(figure.count, len(doc.events)) if split else [figure.count]
    for event, share in zip(doc.events, shares, strict=False):
        kept = [c for c in event.casualties if c.outcome != "killed"]
        event.casualties = [
            *kept,
            Casualty(figure.start, figure.end, share, "killed", figure.group),
        ]


def _roles_in_sentence(doc: Doc, event: Event, index: int, quoted: list[tuple[int, int]]) -> None:
    start, _ = doc.sentences[index]
    trigger_at = event.trigger.start if event.trigger.start >= start else start
    casualty_spans = [(c.start, c.end) for c in doc.in_sentence(doc.casualties, index)]
    # "... and denied that any JFS members were in the area": a counter-claim, not a party.
    denial = doc.cache.get("counter-claims", {}).get(index)
    if denial is not None:
        quoted = [*quoted, denial]
    mentions = [
        m
        for m in doc.in_sentence(doc.actors, index)
        if not any(qs <= m.start < qe for qs, qe in quoted)
        and not (
            m.value.side != _CIVILIAN_SIDE and any(cs <= m.start < ce for cs, ce in casualty_spans)
        )
        and (
            not (_SAYS.match(doc.body[m.end : m.end + 30]) or speaks(doc.body, m))
            or _CLAIMS_OWN.match(doc.body[m.end : m.end + 40])
        )
    ]
    known = {(m.start, m.end) for m in event.perpetrators + event.targets}
    for k, m in enumerate(mentions):
        if (m.start, m.end) in known:
            continue
        before = doc.body[max(start, m.start - 40) : m.start]
        if m.value.side == _CIVILIAN_SIDE:
            event.targets.append(m)
        elif _BY.search(before) or _ACCUSED.search(before) or _WHOSE.search(before):
            event.perpetrators.append(m)
            doc.cache.setdefault("agents", set()).add((m.start, m.end))
        elif _owner(doc.body, event.trigger, m):
            event.perpetrators.append(m)
        elif _BETWEEN.search(before):
            event.perpetrators.append(m)
            # "between X and Y": Y is the other side; "X and Z on one side and Y on the other":
            # Z, of X's side, joins X, and the first actor of another side is the other party.
            for n in mentions[k + 1 :]:
                if n.value.side == m.value.side:
                    event.perpetrators.append(n)
                else:
                    event.targets.append(n)
                    known.add((n.start, n.end))
                    break
                known.add((n.start, n.end))
        elif m.start <= event.trigger.start < m.end or m.start < trigger_at:
            rest = doc.body[m.end : trigger_at]
            (event.targets if _PASSIVE.search(rest) else event.perpetrators).append(m)
        elif _AGAINST.search(before) or m.start > trigger_at:
            event.targets.append(m)
        known.add((m.start, m.end))
    if start <= event.trigger.start and _REPELLED.match(
        doc.body[event.trigger.start : event.trigger.end]
    ):
        _defenders_first(event)
    event.perpetrators = _dedupe(event.perpetrators)
    event.targets = [
        t for t in _dedupe(event.targets) if all(t.value != p.value for p in event.perpetrators)
    ]


def _owner(body: str, trigger: Match, m: Match) -> bool:
    """ "A drone of the Turkish occupation struck", "Warplanes of the US-led coalition": the
    owner of the aircraft or weapon that makes the trigger is who acted."""
    if trigger.start < m.start < trigger.end:
        return bool(_OF.search(body[trigger.start : m.start]))
    return bool(
        _AIRCRAFT.fullmatch(body[trigger.start : trigger.end])
        and _OWNED_BY.fullmatch(body[trigger.end : m.start])
    )


def _defenders_first(event: Event) -> None:
    """ "The army foiled an attack that Nusra launched": who foiled it was attacked, the
    others (named after the trigger) attacked."""
    defenders = event.perpetrators
    sides = {d.value.side for d in defenders}
    attackers = [
        t for t in event.targets if t.value.side != _CIVILIAN_SIDE and t.value.side not in sides
    ]
    if not defenders or not attackers:
        return
    event.perpetrators = attackers
    event.targets = [*defenders, *(t for t in event.targets if t not in attackers)]


def _civilian_roles(event: Event) -> None:
    if event.event_type in ("Protests", "Riots"):
        # The crowd acts: protesters are the event's actor; whoever intervenes acts against them.
        crowd = [t for t in event.targets if t.value.side == _CIVILIAN_SIDE]
        event.targets = [
            t for t in event.targets if t.value.side != _CIVILIAN_SIDE
        ] + event.perpetrators
        event.perpetrators = crowd
        return
    victims = event.event_type == "Violence against civilians" or event.sub_event_type == "Arrests"
    if victims and not any(t.value.side == _CIVILIAN_SIDE for t in event.targets):
        # ACLED's violence against civilians, and arrests, have civilians as their target.
        civilians = ActorRef("Civilians", _CIVILIAN_SIDE, generic=True)
        event.targets.insert(
            0, Match(event.trigger.start, event.trigger.end, civilians, 0.5, kind="actor")
        )


def _agreement_roles(event: Event) -> None:
    """ACLED codes an agreement between two sides with one as actor 1 and the other as actor 2."""
    everyone = _dedupe(sorted(event.perpetrators + event.targets, key=lambda m: m.start))
    if not everyone:
        return
    first = everyone[0]
    other = [m for m in everyone[1:] if m.value.side != first.value.side]
    if event.sub_event_type == "Agreement" and other:
        event.perpetrators = [first, *[m for m in everyone[1:] if m is not other[0]]]
        event.targets = [other[0]]
    else:
        event.perpetrators, event.targets = everyone, []


def _dedupe(items: list[Match]) -> list[Match]:
    seen, out = set(), []
    for m in items:
        key = m.value.actor_id or m.value.name
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


_FORMER = re.compile(
    r"\b(?:former|ex-|retired|defected|reconciled|settled|demobili[sz]ed)\s*(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


def _armed(doc: Doc, target: Match) -> bool:
    """An armed side: not civilians, not unknown, and not a former member of a group ("a former
    FSA commander" shot at home is a civilian to ACLED)."""
    if target.value.side in (_CIVILIAN_SIDE, None):
        return False
    return not _FORMER.search(doc.body[max(0, target.start - 30) : target.start])


def _settle_sub_type(doc: Doc, event: Event) -> None:
    """Sub-types that depend on who acted: territory changes, attacks, arrests."""
    sides = {p.value.side for p in event.perpetrators}
    if event.territory and event.event_type == "Battles":
        if "government" in sides:
            event.sub_event_type = "Government regains territory"
        elif sides - {None}:
            event.sub_event_type = "Non-state actor overtakes territory"
    if event.sub_event_type == "Attack":
        armed_targets = bool(event.targets) and all(_armed(doc, t) for t in event.targets)
        fighters_only = not event.targets and any(c.group == "fighters" for c in event.casualties)
        civilians_hit = any(
            c.group == "civilians" and not c.none_reported for c in event.casualties
        )
        if (armed_targets or fighters_only) and not civilians_hit:
            event.event_type, event.sub_event_type = "Battles", "Armed clash"
    if event.sub_event_type == "Arrests" and sides and sides <= {None}:
        # An arrest needs an authority; unknown men who seize someone abduct them.
        event.event_type, event.sub_event_type = (
            "Violence against civilians",
            "Abduction/forced disappearance",
        )


def _nearest_quote(doc: Doc, event: Event) -> Match | None:
    first = doc.sentences[event.sentences[0]][0]
    earlier = [q for q in doc.quotes if q.start < first]
    later = [q for q in doc.quotes if q.start >= first]
    candidates = later[:1] + earlier[-1:]
    return candidates[0] if candidates else None


def _fallbacks(doc: Doc, event: Event) -> None:
    """A place and date from around the event when its own sentences name none."""
    first = doc.sentences[event.sentences[0]][0]
    if event.place is None:
        venue = event.event_type == "Strategic developments"
        before = [p for p in doc.places if p.end <= first]
        after = [p for p in doc.places if p.start >= first]
        ordered = (
            [p for p in after + before if p.value.country != "SYR"] + after + before[::-1]
            if venue
            else before[::-1] + after
        )
        if event.event_type in (
            "Battles",
            "Explosions/Remote violence",
            "Violence against civilians",
        ):
            ordered = [p for p in ordered if p.value.country == "SYR"]
        fine = [p for p in ordered if p.value.precision <= 4 and p.value.kind != "country"]
        chosen = (fine or ordered)[:1]
        if chosen:
            near = chosen[0]
            event.place = Match(
                near.start, near.end, near.value, near.score * 0.6, kind="place-context"
            )
    if event.date is None:
        event.date = _context_date(doc, first)


def _context_date(doc: Doc, first: int) -> DateMatch | None:
    usable = [
        d
        for d in doc.dates
        if (doc.published is None or d.date_end <= doc.published)
        and not TIME_REFERENCE.search(doc.body[max(0, d.start - 12) : d.start])
    ]
    before = [d for d in usable if d.start < first]
    if before:
        d = before[-1]
    elif usable:
        d = usable[0]
    elif doc.published is not None:
        return DateMatch(-1, -1, doc.published, doc.published, DatePrecision.DAY, 0.4)
    else:
        return None
    return DateMatch(
        d.start, d.end, d.date_start, d.date_end, d.precision, d.score * 0.7, d.relative
    )
