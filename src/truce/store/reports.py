"""Reports and their reviews: stored once by content, superseded not deleted, reviewed by
appended acts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from truce.domain.errors import NotFound
from truce.domain.reports import Report
from truce.domain.reviews import Review
from truce.store import tables as t


class ReportRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, report: Report, stored_at: datetime) -> str:
        """Store one report. Returns 'new', 'unchanged' or 'revised' (see add_many)."""
        return self.add_many([report], stored_at)[0]

    def add_many(self, reports: Sequence[Report], stored_at: datetime) -> list[str]:
        """Store reports in one batch; say for each whether it was new, unchanged or revised.

        A report's ID is its content, so the same claim imported twice is stored
        once. A changed row for the same dataset ID is stored as a new report and
        the older one is kept, marked as superseded: nothing received is lost.
        """
        ids = [r.id for r in reports]
        held = set(self._c.execute(select(t.reports.c.id).where(t.reports.c.id.in_(ids))).scalars())
        current = self._current_by_key(reports, ids)
        outcomes, rows_to_insert = [], []
        for report in reports:
            if report.id in held:
                outcomes.append("unchanged")
                continue
            held.add(report.id)
            prov = report.provenance
            previous = current.pop((prov.dataset, prov.dataset_id), []) if prov.dataset else []
            if previous:
                self._c.execute(
                    update(t.reports)
                    .where(t.reports.c.id.in_(previous))
                    .values(current=False, superseded_by=report.id)
                )
            outcomes.append("revised" if previous else "new")
            rows_to_insert.append(_row(report, stored_at))
        if rows_to_insert:
            self._c.execute(insert(t.reports), rows_to_insert)
        return outcomes

    def _current_by_key(
        self, reports: Sequence[Report], ids: list[str]
    ) -> dict[tuple[str | None, str | None], list[str]]:
        """The current reports holding each (data set, data-set ID) of `reports`: the rows a
        revised report replaces."""
        keyed = {
            (r.provenance.dataset, r.provenance.dataset_id)
            for r in reports
            if r.provenance.dataset and r.provenance.dataset_id
        }
        current: dict[tuple[str | None, str | None], list[str]] = {}
        if not keyed:
            return current
        rows = self._c.execute(
            select(t.reports.c.dataset, t.reports.c.dataset_id, t.reports.c.id).where(
                t.reports.c.current.is_(True),
                # Both columns, so the (dataset, dataset_id) index serves the look-up.
                t.reports.c.dataset.in_(sorted({k[0] for k in keyed if k[0]})),
                t.reports.c.dataset_id.in_([k[1] for k in keyed]),
            )
        )
        for dataset, dataset_id, report_id in rows:
            if (dataset, dataset_id) in keyed and report_id not in ids:
                current.setdefault((dataset, dataset_id), []).append(report_id)
        return current

    def get(self, report_id: str) -> Report:
        body = self._c.execute(
            select(t.reports.c.body).where(t.reports.c.id == report_id)
        ).scalar_one_or_none()
        if body is None:
            raise NotFound(f"no report {report_id}")
        return Report.parse(body)

    def get_many(self, report_ids: Sequence[str]) -> dict[str, Report]:
        """The reports found among `report_ids`, in one query."""
        if not report_ids:
            return {}
        rows = self._c.execute(select(t.reports.c.body).where(t.reports.c.id.in_(list(report_ids))))
        found = (Report.parse(body) for (body,) in rows)
        return {r.id: r for r in found}

    def iter_current(
        self, *, start: date | None = None, end: date | None = None, batch: int = 1000
    ) -> Iterator[Report]:
        """Current (not superseded) reports in date order, streamed in batches."""
        query = select(t.reports.c.body).where(t.reports.c.current.is_(True))
        if start is not None:
            query = query.where(t.reports.c.date_end >= start)
        if end is not None:
            query = query.where(t.reports.c.date_start <= end)
        query = query.order_by(t.reports.c.date_start, t.reports.c.id)
        # Per statement: Connection.execution_options would change the whole connection.
        result = self._c.execute(query.execution_options(yield_per=batch))
        for (body,) in result:
            yield Report.parse(body)

    def usable(
        self,
        *,
        ids: Iterable[str] | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[tuple[Report, str]]:
        """Current reports not rejected in review, with their review status, in one query:
        those among `ids`, or those whose first day falls in [start, end]."""
        r = t.reports.c
        query = select(r.body, r.review_status).where(
            r.current.is_(True), r.review_status != "rejected"
        )
        if ids is not None:
            wanted = list(ids)
            if not wanted:
                return []
            query = query.where(r.id.in_(wanted))
        if start is not None:
            query = query.where(r.date_start >= start)
        if end is not None:
            query = query.where(r.date_start <= end)
        # Sorted here, not by the database: an ORDER BY may lead the planner to walk the
        # date index over the whole table instead of looking the IDs up.
        found = [(Report.parse(body), str(status)) for body, status in self._c.execute(query)]
        return sorted(found, key=lambda pair: (pair[0].date_start, pair[0].id))

    def unassigned(self, ids: Iterable[str] | None = None) -> list[str]:
        """Usable reports in no incident (among `ids`, or all of them: a full scan)."""
        r = t.reports.c
        query = select(r.id).where(
            r.current.is_(True),
            r.review_status != "rejected",
            ~select(t.incident_members.c.report_id)
            .where(t.incident_members.c.report_id == r.id)
            .exists(),
        )
        if ids is not None:
            query = query.where(r.id.in_(list(ids)))
        return list(self._c.execute(query).scalars())

    def superseded_by(self, report_ids: Iterable[str]) -> list[str]:
        """The reports that `report_ids` replaced (revised rows of the same dataset ID)."""
        wanted = list(report_ids)
        if not wanted:
            return []
        query = select(t.reports.c.id).where(t.reports.c.superseded_by.in_(wanted))
        return list(self._c.execute(query).scalars())

    def set_review_status(self, report_id: str, status: str) -> None:
        self._c.execute(
            update(t.reports).where(t.reports.c.id == report_id).values(review_status=status)
        )

    def review_status(self, report_id: str) -> str:
        status = self._c.execute(
            select(t.reports.c.review_status).where(t.reports.c.id == report_id)
        ).scalar_one_or_none()
        if status is None:
            raise NotFound(f"no report {report_id}")
        return str(status)

    def queue(self, *, status: str = "pending", limit: int = 50) -> list[Report]:
        """Current reports awaiting review, oldest event first."""
        rows = self._c.execute(
            select(t.reports.c.body)
            .where(t.reports.c.current.is_(True), t.reports.c.review_status == status)
            .order_by(t.reports.c.date_start, t.reports.c.id)
            .limit(limit)
        )
        return [Report.parse(body) for (body,) in rows]

    def by_document(self, document_id: str) -> list[Report]:
        rows = self._c.execute(
            select(t.reports.c.body)
            .where(t.reports.c.document_id == document_id)
            .order_by(t.reports.c.id)
        )
        return [Report.parse(body) for (body,) in rows]

    def count(self, *, current_only: bool = True) -> int:
        query = select(func.count()).select_from(t.reports)
        if current_only:
            query = query.where(t.reports.c.current.is_(True))
        return int(self._c.execute(query).scalar_one())


class ReviewRepository:
    """Every review act, in order. Reviews are added, never changed."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, review: Review) -> None:
        self._c.execute(
            insert(t.report_reviews).values(
                report_id=review.report_id,
                action=review.action.value,
                field=review.field,
                value=review.value,
                previous=review.previous,
                reviewer=review.reviewer,
                reason=review.reason,
                at=review.at,
            )
        )

    def for_report(self, report_id: str) -> list[Review]:
        return self.for_reports([report_id]).get(report_id, [])

    def for_reports(self, report_ids: Iterable[str]) -> dict[str, list[Review]]:
        """Each report's reviews in order, for many reports in one query."""
        wanted = list(report_ids)
        if not wanted:
            return {}
        rows = self._c.execute(
            select(t.report_reviews)
            .where(t.report_reviews.c.report_id.in_(wanted))
            .order_by(t.report_reviews.c.id)
        )
        out: dict[str, list[Review]] = {}
        for review in self._reviews(rows):
            out.setdefault(review.report_id, []).append(review)
        return out

    @staticmethod
    def _reviews(rows: Iterable[Any]) -> list[Review]:
        return [
            Review(
                report_id=r.report_id,
                action=r.action,
                field=r.field,
                value=r.value,
                previous=r.previous,
                reviewer=r.reviewer,
                reason=r.reason,
                at=r.at,
            )
            for r in rows
        ]


def _row(report: Report, stored_at: datetime) -> dict[str, Any]:
    prov = report.provenance
    return {
        "id": report.id,
        "document_id": report.document_id,
        "dataset": prov.dataset,
        "dataset_id": prov.dataset_id,
        "date_start": report.date_start,
        "date_end": report.date_end,
        "admin1": report.admin1,
        "event_type": report.event_type,
        "sub_event_type": report.sub_event_type,
        "current": True,
        "stored_at": stored_at,
        "body": report.to_plain(),
    }
