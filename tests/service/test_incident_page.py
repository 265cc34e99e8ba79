"""The incident page's view model: an analyst sees why its reports were linked; others do
not (the comparisons can speak of a protected report's exact place)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from truce.domain.access import OPERATIONS_CENTRE, Principal, Role
from truce.services.demo import load_sample
from truce.services.incident_page import incident_detail
from truce.store.uow import UnitOfWork

ANALYST = Principal("analyst", "un", Role.ANALYST)
GUARANTOR = Principal("ru-officer", "russia", Role.GUARANTOR)


def test_an_analyst_sees_why_reports_were_linked(sqlite_engine: Engine) -> None:
    with UnitOfWork(sqlite_engine) as uow:
        load_sample(uow, datetime(2017, 3, 1, tzinfo=UTC), who=OPERATIONS_CENTRE)
        busiest = max(uow.incidents.all(), key=lambda i: len(i.report_ids))
        assert len(busiest.report_ids) > 1
        seen = incident_detail(
            uow=uow, who=ANALYST, incident_id=busiest.id, agreement_id="astana-2016"
        )
        other = incident_detail(
            uow=uow, who=GUARANTOR, incident_id=busiest.id, agreement_id="astana-2016"
        )
    assert len(seen.links) == len(busiest.report_ids) - 1
    joined = {report for report, _, _ in seen.links}
    assert joined < set(busiest.report_ids)
    assert all("bits" in why for _, _, why in seen.links)
    assert other.links == [] and other.history == []
