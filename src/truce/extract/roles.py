"""Who did it to whom: perpetrator and target from the sentence's shape, and the details
each event needs (casualties, weapons, quoted source, and a place and date when the
event's own sentences name none)."""

from __future__ import annotations

import re

from truce.domain.vocab import DatePrecision
from truce.extract.doc import DateMatch, Doc, Event, Match
from truce.extract.pipeline import stage
from truce.extract.resources import ActorRef, Resources

_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)
_AGAINST = re.compile(r"\b(?:on|against|targeting|targeted|at|with|hit|struck|shelled|bombed|attacked|"
                      r"pounded|killing|killed|of)\s+(?:the\s+|a\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)  # fmt: skip
_ACCUSED = re.compile(r"\baccus\w*\s+(?:the\s+)?$", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?(?:shelled|targeted|attacked|struck|hit|"
                      r"bombed|killed|wounded|injured|abducted|kidnapped|executed|captured|seized|taken)\b",
                      re.IGNORECASE)  # fmt: skip
_CIVILIAN_SIDE = "civilians"
_SINCE = re.compile(r"\b(?:since|until|before|ahead of)\s*$", re.IGNORECASE)


@stage("roles", 1, requires=["events", "actors", "quotes", "weapons", "casualties", "places", "dates"],
       assigns=["roles"])  # fmt: skip
def roles(doc: Doc, res: Resources) -> None:
    quoted = [(q.start, q.end) for q in doc.quotes]
    for event in doc.events:
        for index in event.sentences:
            _roles_in_sentence(doc, event, index, quoted)
        if event.event_type == "Strategic developments":
            # Parties to an agreement or talks act together: all of them are actors of it.
            event.perpetrators = _dedupe(event.perpetrators + event.targets)
            event.targets = []
        event.casualties = [c for i in event.sentences for c in doc.in_sentence(doc.casualties, i)]
        event.weapons = [w for i in event.sentences for w in doc.in_sentence(doc.weapons, i)]
        quotes = [q for i in event.sentences for q in doc.in_sentence(doc.quotes, i)]
        event.attribution = quotes[0] if quotes else _nearest_quote(doc, event)
        if any(
            c.group == "civilians" and not c.none_reported for c in event.casualties
        ) and not any(t.value.side == _CIVILIAN_SIDE for t in event.targets):
            first = event.casualties[0]
            event.targets.append(Match(first.start, first.end, ActorRef("Civilians", _CIVILIAN_SIDE, generic=True),
                                       0.6, kind="actor"))  # fmt: skip
        _settle_sub_type(event)
        _fallbacks(doc, event)


def _roles_in_sentence(doc: Doc, event: Event, index: int, quoted: list[tuple[int, int]]) -> None:
    start, _ = doc.sentences[index]
    trigger_at = event.trigger.start if event.trigger.start >= start else start
    mentions = [m for m in doc.in_sentence(doc.actors, index)
                if not any(qs <= m.start < qe for qs, qe in quoted)]  # fmt: skip
    known = {(m.start, m.end) for m in event.perpetrators + event.targets}
    for k, m in enumerate(mentions):
        if (m.start, m.end) in known:
            continue
        before = doc.body[max(start, m.start - 40) : m.start]
        if m.value.side == _CIVILIAN_SIDE:
            event.targets.append(m)
        elif _BY.search(before) or _ACCUSED.search(before):
            event.perpetrators.append(m)
        elif _BETWEEN.search(before):
            event.perpetrators.append(m)
            partner = next(
                (
                    n
                    for n in mentions[k + 1 :]
                    if doc.body[m.end : n.start].strip().lower() in ("and", "and the")
                ),
                None,
            )
            if partner is not None:
                event.targets.append(partner)
                known.add((partner.start, partner.end))
        elif m.start < trigger_at:
            rest = doc.body[m.end : trigger_at]
            (event.targets if _PASSIVE.search(rest) else event.perpetrators).append(m)
        elif _AGAINST.search(before) or m.start > trigger_at:
            event.targets.append(m)
        known.add((m.start, m.end))
    # One perpetrator per side is enough; keep the first named.
    event.perpetrators = _dedupe(event.perpetrators)
    event.targets = [
        t for t in _dedupe(event.targets) if all(t.value != p.value for p in event.perpetrators)
    ]


def _dedupe(items: list[Match]) -> list[Match]:
    seen, out = set(), []
    for m in items:
        key = m.value.actor_id or m.value.name
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _settle_sub_type(event: Event) -> None:
    """Sub-types that depend on who acted: territory changes, and attacks on armed men."""
    sides = {p.value.side for p in event.perpetrators}
    if event.territory and event.event_type == "Battles":
        if "government" in sides:
            event.sub_event_type = "Government regains territory"
        elif sides - {None}:
            event.sub_event_type = "Non-state actor overtakes territory"
    if (
        event.sub_event_type == "Attack"
        and event.targets
        and all(t.value.side not in (_CIVILIAN_SIDE, None) for t in event.targets)
    ):
        event.event_type, event.sub_event_type = "Battles", "Armed clash"


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
            if venue else before[::-1] + after
        )  # fmt: skip
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
    usable = [d for d in doc.dates if (doc.published is None or d.date_end <= doc.published)
              and not _SINCE.search(doc.body[max(0, d.start - 12) : d.start])]  # fmt: skip
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
