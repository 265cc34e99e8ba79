"""A second agreement runs through the whole chain from data alone: the Idlib ceasefire of
5 March 2020 (Moscow additional protocol; Russia and Turkey guarantors), loaded from a
scenario folder, with no change to Truce's code."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.services import cases as flow
from truce.services.counts import violation_counts
from truce.services.extraction import store_resources, submit_text
from truce.services.scenarios import load_scenario
from truce.services.sources import source_book
from truce.store.uow import UnitOfWork

FOLDER = Path(__file__).parents[1] / "fixtures" / "scenarios" / "idlib-2020"
NOW = datetime(2020, 3, 13, 9, tzinfo=UTC)
ANALYST = Principal("analyst", "un", Role.ANALYST)
TEXT = (
    "Government forces shelled the town of Maarat al-Numan in Idlib province on "
    "12 March 2020, killing two civilians, the Syrian Observatory for Human Rights said, "
    "six days into the ceasefire agreed in Moscow."
)


def test_the_idlib_ceasefire_is_loaded_judged_and_routed(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        loaded = load_scenario(uow=uow, who=OPERATIONS_CENTRE, name=str(FOLDER))
        assert (loaded.scenario, loaded.agreements, loaded.sources) == ("idlib-2020", 1, 4)
        book = source_book(uow=uow)
        assert book.find("the Observatory") is not None
        assert book.find("SANA").affiliation == "government"  # type: ignore[union-attr]
        done = submit_text(
            uow=uow,
            who=OPERATIONS_CENTRE,
            text=TEXT,
            now=NOW,
            max_bytes=1 << 20,
            resources=store_resources(uow),
            published=date(2020, 3, 13),
        )
        assert done.reports, done.dropped
        counts = violation_counts(uow=uow, who=ANALYST, agreement_id="idlib-2020")
        assert counts.by_side == {"government": 1}
        opened = flow.open_cases(uow=uow, who=ANALYST, agreement_id="idlib-2020", now=NOW)
    (case,) = opened
    assert case.accused_side == "government"
    assert case.answerable == ("russia",)
