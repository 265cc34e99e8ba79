"""`truce check`: the ledger's case entries replayed against the cases table."""

from __future__ import annotations

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.case_replay import PREFIX, Disagreement, check
from truce.store.uow import UnitOfWork


def check_cases(*, uow: UnitOfWork, who: Principal) -> tuple[int, int, list[Disagreement]]:
    """(cases, case entries, disagreements). The log, its queue and the cases are read from
    one snapshot: a case step commits its act (to the log, or to the queue the sequencer
    empties into the log) with the step, so whatever the snapshot holds of one it holds of
    the other, and a step landing meanwhile cannot look like a disagreement."""
    authorize(who, UseCase.READ_LEDGER)
    uow.snapshot()
    entries = [*uow.ledger.acts_starting(PREFIX), *uow.ledger.queued_bodies(PREFIX)]
    bodies = uow.cases.stored_bodies()
    return len(bodies), len(entries), check(entries, bodies, uow.cases.event_counts())
