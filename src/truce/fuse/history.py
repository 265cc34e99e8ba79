"""Merging and splitting incidents by hand: reversible, recorded, and former IDs keep resolving."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from truce.domain.errors import Conflict, ValidationFailed
from truce.domain.incidents import Incident
from truce.domain.reports import Report
from truce.fuse.cluster import incident_id
from truce.fuse.consolidate import consolidate


@dataclass(frozen=True)
class Change:
    """What a merge or split did: the incidents that ended, those that began, and the aliases."""

    op: str
    removed: tuple[str, ...]
    created: tuple[Incident, ...]
    aliases: Mapping[str, str]  # a former incident ID -> the incident that now holds its reports


def merge(incidents: Sequence[Incident], reports: Mapping[str, Report]) -> Change:
    """One incident from several. It takes the ID its reports give; the others become aliases."""
    if len(incidents) < 2:
        raise ValidationFailed("a merge needs at least two incidents", field="incident_ids")
    ids = [i.id for i in incidents]
    if len(set(ids)) != len(ids):
        raise Conflict("the same incident is named twice in the merge")
    members = [reports[r] for inc in incidents for r in inc.report_ids]
    new_id = incident_id(members)
    former = tuple(
        sorted(
            {*(i for inc in incidents for i in inc.former_ids), *(i for i in ids if i != new_id)}
        )
    )
    merged = consolidate(new_id, members, former_ids=former)
    return Change("merge", tuple(ids), (merged,), {i: new_id for i in ids if i != new_id})


def split(incident: Incident, moved: Sequence[str], reports: Mapping[str, Report]) -> Change:
    """Move some reports out of an incident into a new one. Both keep IDs their reports give."""
    moved_set = set(moved)
    unknown = moved_set - set(incident.report_ids)
    if unknown:
        raise ValidationFailed(
            f"report(s) {', '.join(sorted(unknown))} are not in {incident.id}", field="report_ids"
        )
    staying = [reports[r] for r in incident.report_ids if r not in moved_set]
    leaving = [reports[r] for r in incident.report_ids if r in moved_set]
    if not staying or not leaving:
        raise ValidationFailed("a split must leave reports on both sides", field="report_ids")
    # The part that stays keeps the incident's ID, so references to it stay valid; the part that
    # leaves takes the ID its reports give (after a merge, the ID it had before).
    right_id = incident_id(leaving)
    left_id = incident.id if right_id != incident.id else incident_id(staying)
    # An ID that the split brings back to life is no longer a former ID of anything.
    former = tuple(f for f in incident.former_ids if f not in (left_id, right_id))
    parts = (consolidate(left_id, staying, former_ids=former), consolidate(right_id, leaving))
    aliases = {} if left_id == incident.id else {incident.id: left_id}
    return Change("split", (incident.id,), parts, aliases)
