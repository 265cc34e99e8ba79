"""`truce check`: the ledger's case entries replayed against the cases table."""

from __future__ import annotations

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.case_replay import PREFIX, Disagreement, check
from truce.store.uow import UnitOfWork


def check_cases(*, uow: UnitOfWork, who: Principal) -> tuple[int, int, list[Disagreement]]:
    """(cases, case entries, disagreements). The ledger's head is held while both are read:
    every case step appends its entry under that lock before it commits, so none lands
    between reading the entries and reading the cases (which would look like a
    disagreement). On SQLite the transaction's snapshot does the same."""
    authorize(who, UseCase.READ_LEDGER)
    uow.ledger.lock()
    entries = list(uow.ledger.acts_starting(PREFIX))
    bodies = uow.cases.stored_bodies()
    return len(bodies), len(entries), check(entries, bodies, uow.cases.event_counts())
