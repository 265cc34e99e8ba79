"""When two sentences tell of one event, and how their findings combine."""

from __future__ import annotations

from truce.domain.geo import haversine_km
from truce.domain.vocab import ACLED_EVENT_TYPES, ACLED_SUB_EVENT_TYPES
from truce.extract.doc import Event

RANK = {
    sub: (ACLED_EVENT_TYPES.index(ev), subs.index(sub))
    for ev, subs in ACLED_SUB_EVENT_TYPES.items()
    for sub in subs
}


def earlier_report_of(found: list[Event], event: Event) -> Event | None:
    """The event this one goes on telling: the one just before (loosely), or any earlier one
    of the same kind, place and day."""
    if not found:
        return None
    if _compatible(found[-1], event):
        return found[-1]
    for earlier in reversed(found[:-1]):
        if (
            earlier.sub_event_type == event.sub_event_type
            and _same_place(earlier, event) is True
            and earlier.date
            and event.date
            and earlier.date.date_start == event.date.date_start
        ):
            return earlier
    return None


def _same_place(a: Event, b: Event) -> bool | None:
    """True if both name one place (or one lies in the other), False if not, None if unknown."""
    if a.place is None or b.place is None:
        return None
    pa, pb = a.place.value, b.place.value
    if pa.name == pb.name or pa.parent == pb.name or pb.parent == pa.name:
        return True
    wider, narrower = (pa, pb) if pa.radius_km >= pb.radius_km else (pb, pa)
    return bool(
        wider.precision >= 2
        and haversine_km(wider.lat, wider.lon, narrower.lat, narrower.lon) <= wider.radius_km
    )


def _compatible(a: Event, b: Event) -> bool:
    if a.date and b.date and a.date.date_start != b.date.date_start:
        return False
    place = _same_place(a, b)
    if place is False:
        return False
    if a.sub_event_type == b.sub_event_type or a.territory or b.territory:
        return True
    if "Strategic developments" in (a.event_type, b.event_type):
        return False
    if a.event_type == b.event_type and b.place is None:
        return True  # "Fighters then dispersed the protest": the same event, told further
    # A strike and the clash it was part of are one event only when told of the very same place.
    return bool(a.place and b.place and a.place.value.name == b.place.value.name)


def merge(into: Event, other: Event) -> None:
    into.sentences += other.sentences
    if RANK[other.sub_event_type] < RANK[into.sub_event_type]:
        into.trigger, into.sub_event_type, into.event_type = (
            other.trigger,
            other.sub_event_type,
            other.event_type,
        )
    into.territory = into.territory or other.territory
    if into.place is None or (
        other.place and other.place.value.precision < into.place.value.precision
    ):
        into.place = other.place or into.place
    into.date = into.date or other.date
