"""What of a case each principal sees: the whole case, or only that it exists and its state.

A case's replies, counter-claims, ballots, dissent and reasons are the guarantors' working
record until the case is published. The agreement says who sees them before then
(`Agreement.case_visibility`); everyone else sees the case's ID, incident, state and round,
and the timeline the public already had (up to the last time the case was published).
Once published, a case is public. Pure: every edge and service asks here.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from truce.domain.access import Principal, Role
from truce.domain.agreements import Agreement, LiaisonSight
from truce.domain.case_records import Action, Case, CaseEvent, CaseState


class Sight(StrEnum):
    WHOLE = "whole"
    STATE = "state"  # that the case exists, and its state


def sight(case: Case, agreement: Agreement, who: Principal) -> Sight:
    """How much of `case` the principal sees, under the agreement the case is about."""
    if case.state is CaseState.PUBLISHED:
        return Sight.WHOLE
    rules = agreement.case_visibility
    if who.role in rules.whole:
        return Sight.WHOLE
    if who.role is Role.LIAISON:
        if rules.liaisons is LiaisonSight.ALL:
            return Sight.WHOLE
        side = agreement.side_of(who.member)
        if rules.liaisons is LiaisonSight.OWN_SIDE and side and side == case.accused_side:
            return Sight.WHOLE
    return Sight.STATE


def as_seen(case: Case, seen: Sight) -> Case:
    """The case as seen: whole, or with everything but its existence and state emptied.
    The category and the side held responsible stay: they are the incident's finding, which
    is shown beside the case anyway."""
    if seen is Sight.WHOLE:
        return case
    return Case(
        id=case.id,
        incident_id=case.incident_id,
        agreement_id=case.agreement_id,
        state=case.state,
        category=case.category,
        accused_side=case.accused_side,
        opened_at=case.opened_at,
        round=case.round,
    )


def events_seen(events: Sequence[CaseEvent], seen: Sight) -> list[CaseEvent]:
    """The timeline as seen: all of it, or the part that was public when the case was last
    published (nothing, for a case never published)."""
    if seen is Sight.WHOLE:
        return list(events)
    published = [i for i, e in enumerate(events) if e.action is Action.PUBLISH]
    return list(events[: published[-1] + 1]) if published else []
