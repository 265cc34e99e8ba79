"""Incidents, their members, aliases and history; findings with their history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, tuple_, update

from truce.domain.errors import NotFound
from truce.domain.incidents import Finding, Incident
from truce.store import tables as t


@dataclass(frozen=True)
class IncidentFilter:
    start: date | None = None
    end: date | None = None
    governorate: str | None = None
    side: str | None = None  # the side held responsible by the finding
    sub_event_type: str | None = None
    finding: str | None = None  # a finding category
    grade: str | None = None  # an occurrence grade, C0..C4: this grade or better
    case_state: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    zone: str | None = None  # a zone ID of the agreement (checked by the caller, on coordinates)
    exact: bool = False  # places tested as stored; else as the public sees them (coarsened)


class IncidentRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(
        self,
        incident: Incident,
        now: datetime,
        public: tuple[float | None, float | None] | None = None,
    ) -> None:
        """Store an incident (insert or update) and (re)assign its reports to it. `public` is
        its place as those who may not see protected sources see it (default: the place)."""
        public_lat, public_lon = public if public is not None else (incident.lat, incident.lon)
        values = {
            "date_start": incident.date_start,
            "admin1": incident.admin1,
            "lat": incident.lat,
            "lon": incident.lon,
            "public_lat": public_lat,
            "public_lon": public_lon,
            "sub_event_type": incident.sub_event_type,
            "updated_at": now,
            "body": incident.to_plain(),
        }
        key = t.incidents.c.id == incident.id
        if self._c.execute(select(t.incidents.c.id).where(key)).first() is None:
            self._c.execute(insert(t.incidents).values(id=incident.id, **values))
        else:
            self._c.execute(update(t.incidents).where(key).values(**values))
        self._c.execute(
            delete(t.incident_members).where(
                or_(
                    t.incident_members.c.incident_id == incident.id,
                    t.incident_members.c.report_id.in_(incident.report_ids),
                )
            )
        )
        self._c.execute(
            insert(t.incident_members),
            [{"report_id": r, "incident_id": incident.id} for r in incident.report_ids],
        )

    def remove(self, incident_ids: Iterable[str]) -> None:
        ids = list(incident_ids)
        self._c.execute(delete(t.incident_members).where(t.incident_members.c.incident_id.in_(ids)))
        self._c.execute(delete(t.incidents).where(t.incidents.c.id.in_(ids)))

    def alias(self, former_id: str, current_id: str) -> None:
        """Point a former ID (and every alias that pointed at it) to the incident now holding
        its reports."""
        self._c.execute(
            update(t.incident_aliases)
            .where(t.incident_aliases.c.current_id == former_id)
            .values(current_id=current_id)
        )
        self._c.execute(
            delete(t.incident_aliases).where(t.incident_aliases.c.former_id == current_id)
        )
        self._c.execute(
            delete(t.incident_aliases).where(t.incident_aliases.c.former_id == former_id)
        )
        self._c.execute(
            insert(t.incident_aliases).values(former_id=former_id, current_id=current_id)
        )

    def repoint(self, old_current: str, new_current: str) -> None:
        if old_current != new_current:
            self._c.execute(
                update(t.incident_aliases)
                .where(t.incident_aliases.c.current_id == old_current)
                .values(current_id=new_current)
            )
        # An ID that exists again as an incident is no longer an alias.
        live = select(t.incidents.c.id)
        self._c.execute(delete(t.incident_aliases).where(t.incident_aliases.c.former_id.in_(live)))

    def resolve(self, incident_id: str) -> str:
        """The current ID for an incident ID, following merges and splits."""
        if self._c.execute(select(t.incidents.c.id).where(t.incidents.c.id == incident_id)).first():
            return incident_id
        current = self._c.execute(
            select(t.incident_aliases.c.current_id).where(
                t.incident_aliases.c.former_id == incident_id
            )
        ).scalar_one_or_none()
        if current is None:
            raise NotFound(f"no incident {incident_id}")
        return str(current)

    def get(self, incident_id: str) -> Incident:
        body = self._c.execute(
            select(t.incidents.c.body).where(t.incidents.c.id == self.resolve(incident_id))
        ).scalar_one()
        return Incident.parse(body)

    def get_many(self, incident_ids: Iterable[str]) -> list[Incident]:
        """The incidents among `incident_ids` (current IDs only), in one query."""
        wanted = list(incident_ids)
        if not wanted:
            return []
        rows = self._c.execute(select(t.incidents.c.body).where(t.incidents.c.id.in_(wanted)))
        found = [Incident.parse(body) for (body,) in rows]
        return sorted(found, key=lambda i: (i.date_start, i.id))

    def with_reports_between(
        self,
        start: date,
        end: date,
        *,
        box: tuple[float, float, float, float] | None = None,
        admin1: str | None = None,
        reports_from: date | None = None,
    ) -> set[str]:
        """Incidents that began in [start, end]: the incidents a new report of those days is
        compared with. With a `box` (west, south, east, north), only incidents placed in it
        or not placed at all; with `admin1` alone, only those of that governorate or of none.
        Read from one covering index, whatever the size of the store. With `reports_from`,
        only those holding a report whose first day is from then to `end`."""
        i = t.incidents.c
        query = select(i.id).where(i.date_start >= start, i.date_start <= end)
        if reports_from is not None:
            m, r = t.incident_members.c, t.reports.c
            held = (
                select(m.report_id)
                .join(t.reports, r.id == m.report_id)
                .where(m.incident_id == i.id, r.date_start >= reports_from, r.date_start <= end)
            )
            query = query.where(held.exists())
        if box is not None:
            west, south, east, north = box
            placed = and_(i.lat >= south, i.lat <= north, i.lon >= west, i.lon <= east)
            query = query.where(or_(placed, i.lat.is_(None)))
        elif admin1 is not None:
            query = query.where(or_(i.admin1 == admin1, i.admin1.is_(None), i.lat.is_(None)))
        return set(self._c.execute(query).scalars())

    def holding(self, report_ids: Iterable[str]) -> set[str]:
        """The incidents that hold any of `report_ids`."""
        wanted = list(report_ids)
        if not wanted:
            return set()
        query = select(t.incident_members.c.incident_id).where(
            t.incident_members.c.report_id.in_(wanted)
        )
        return set(self._c.execute(query).scalars())

    def with_unusable_reports(self) -> set[str]:
        """Incidents holding a report that was superseded or rejected since it was placed."""
        m, r = t.incident_members.c, t.reports.c
        query = (
            select(m.incident_id)
            .select_from(t.incident_members.join(t.reports, r.id == m.report_id))
            .where(or_(r.current.is_(False), r.review_status == "rejected"))
            .distinct()
        )
        return set(self._c.execute(query).scalars())

    def count(self) -> int:
        return int(self._c.execute(select(func.count()).select_from(t.incidents)).scalar_one())

    def any(self) -> bool:
        return self._c.execute(select(t.incidents.c.id).limit(1)).first() is not None

    def all(self, *, start: date | None = None, end: date | None = None) -> list[Incident]:
        query = select(t.incidents.c.body)
        if start is not None:
            query = query.where(t.incidents.c.date_start >= start)
        if end is not None:
            query = query.where(t.incidents.c.date_start <= end)
        rows = self._c.execute(query.order_by(t.incidents.c.date_start, t.incidents.c.id))
        return [Incident.parse(body) for (body,) in rows]

    def listing(
        self, agreement_id: str, f: IncidentFilter, after: tuple[date, str] | None, limit: int
    ) -> list[tuple[Any, ...]]:
        """Incidents newest first with their current finding and case: (body, category, side,
        occurrence, attribution, case ID, case state, lat, lon), after the (date, ID) cursor.
        The box tests, and lat/lon give, the exact place only if `f.exact`; else the place as
        those who may not see protected sources see it."""
        finding = and_(
            t.findings.c.incident_id == t.incidents.c.id,
            t.findings.c.agreement_id == agreement_id,
            t.findings.c.current.is_(True),
        )
        case = and_(
            t.cases.c.incident_id == t.incidents.c.id, t.cases.c.agreement_id == agreement_id
        )
        query = (
            select(
                t.incidents.c.body,
                t.findings.c.category,
                t.findings.c.responsible_side,
                t.findings.c.occurrence,
                t.findings.c.attribution,
                t.cases.c.id,
                t.cases.c.state,
                t.incidents.c.lat if f.exact else t.incidents.c.public_lat,
                t.incidents.c.lon if f.exact else t.incidents.c.public_lon,
            )
            .select_from(t.incidents.outerjoin(t.findings, finding).outerjoin(t.cases, case))
            .order_by(t.incidents.c.date_start.desc(), t.incidents.c.id.desc())
        )
        c = t.incidents.c
        wanted = [
            (f.start, lambda: c.date_start >= f.start),
            (f.end, lambda: c.date_start <= f.end),
            (f.governorate, lambda: c.admin1 == f.governorate),
            (f.sub_event_type, lambda: c.sub_event_type == f.sub_event_type),
            (f.side, lambda: t.findings.c.responsible_side == f.side),
            (f.finding, lambda: t.findings.c.category == f.finding),
            (f.grade, lambda: t.findings.c.occurrence >= f.grade),  # "C0" < ... < "C4" as text
            (f.case_state, lambda: t.cases.c.state == f.case_state),
        ]
        conditions: list[Any] = [make() for value, make in wanted if value]
        if f.bbox:
            west, south, east, north = f.bbox
            lat, lon = (c.lat, c.lon) if f.exact else (c.public_lat, c.public_lon)
            conditions += [lon >= west, lon <= east, lat >= south, lat <= north]
        if after:
            day, last = after
            # A row value, so that the page starts with an index search, not a scan from the top.
            conditions.append(tuple_(c.date_start, c.id) < tuple_(day, last))
        if conditions:
            query = query.where(and_(*conditions))
        return [tuple(row) for row in self._c.execute(query.limit(limit))]

    def counts(
        self, agreement_id: str, categories: Sequence[str], start: date | None, end: date | None
    ) -> list[tuple[date, str | None, str | None, int]]:
        """(first day, governorate, side held responsible, incidents) for incidents whose
        current finding is in `categories`, counted in the database."""
        c = t.incidents.c
        query = (
            select(c.date_start, c.admin1, t.findings.c.responsible_side, func.count())
            .select_from(t.incidents.join(t.findings, t.findings.c.incident_id == c.id))
            .where(
                t.findings.c.agreement_id == agreement_id,
                t.findings.c.current.is_(True),
                t.findings.c.category.in_(list(categories)),
            )
            .group_by(c.date_start, c.admin1, t.findings.c.responsible_side)
        )
        if start:
            query = query.where(c.date_start >= start)
        if end:
            query = query.where(c.date_start <= end)
        return [(d, a, s, int(n)) for d, a, s, n in self._c.execute(query)]

    def latest_day(self) -> date | None:
        return self._c.execute(select(func.max(t.incidents.c.date_start))).scalar_one_or_none()

    def record(
        self,
        op: str,
        removed: Sequence[str],
        created: Sequence[str],
        actor: str,
        reason: str | None,
        at: datetime,
    ) -> None:
        values = {"op": op, "removed": list(removed), "created": list(created), "actor": actor}
        history_id = self._c.execute(
            insert(t.incident_history)
            .values(**values, reason=reason, at=at)
            .returning(t.incident_history.c.id)
        ).scalar_one()
        named = sorted({*removed, *created})
        if named:
            self._c.execute(
                insert(t.incident_history_ids),
                [{"incident_id": i, "history_id": history_id} for i in named],
            )

    def history(self, incident_id: str) -> list[dict[str, Any]]:
        h, index = t.incident_history.c, t.incident_history_ids.c
        rows = self._c.execute(
            select(t.incident_history)
            .join(t.incident_history_ids, index.history_id == h.id)
            .where(index.incident_id == incident_id)
            .order_by(h.id)
        )
        return [dict(r._mapping) for r in rows]


class FindingRepository:
    """Findings are appended; the newest per incident and agreement is current. Changes keep
    who and why."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def current(self, incident_id: str, agreement_id: str) -> Finding | None:
        body = self._c.execute(
            select(t.findings.c.body).where(
                t.findings.c.incident_id == incident_id,
                t.findings.c.agreement_id == agreement_id,
                t.findings.c.current.is_(True),
            )
        ).scalar_one_or_none()
        return Finding.parse(body) if body is not None else None

    def current_many(self, incident_ids: Iterable[str], agreement_id: str) -> dict[str, Finding]:
        """The current findings of many incidents, in one query."""
        wanted = list(incident_ids)
        if not wanted:
            return {}
        rows = self._c.execute(
            select(t.findings.c.body).where(
                t.findings.c.incident_id.in_(wanted),
                t.findings.c.agreement_id == agreement_id,
                t.findings.c.current.is_(True),
            )
        )
        found = (Finding.parse(body) for (body,) in rows)
        return {f.incident_id: f for f in found}

    def put(self, finding: Finding, *, actor: str, reason: str | None) -> bool:
        """Store a finding if it differs from the current one. True if it was stored."""
        previous = self.current(finding.incident_id, finding.agreement_id)
        if previous is not None and previous.model_dump(
            exclude={"assessed_at"}
        ) == finding.model_dump(exclude={"assessed_at"}):
            return False
        self._c.execute(
            update(t.findings)
            .where(
                t.findings.c.incident_id == finding.incident_id,
                t.findings.c.agreement_id == finding.agreement_id,
            )
            .values(current=False)
        )
        self._c.execute(
            insert(t.findings).values(
                incident_id=finding.incident_id,
                agreement_id=finding.agreement_id,
                category=finding.category.value,
                responsible_side=finding.responsible_side,
                occurrence=finding.occurrence.value,
                attribution=finding.attribution.value,
                current=True,
                actor=actor,
                reason=reason,
                assessed_at=finding.assessed_at,
                body=finding.to_plain(),
            )
        )
        return True

    def history(self, incident_id: str) -> list[dict[str, Any]]:
        rows = self._c.execute(
            select(t.findings)
            .where(t.findings.c.incident_id == incident_id)
            .order_by(t.findings.c.id)
        )
        return [dict(r._mapping) for r in rows]

    def all_current(self, agreement_id: str) -> list[Finding]:
        rows = self._c.execute(
            select(t.findings.c.body).where(
                t.findings.c.agreement_id == agreement_id, t.findings.c.current.is_(True)
            )
        )
        return [Finding.parse(body) for (body,) in rows]

    def drop_for(self, incident_ids: Iterable[str]) -> None:
        """Findings of incidents that no longer exist stop being current (they stay stored)."""
        ids = list(incident_ids)
        self._c.execute(
            update(t.findings).where(t.findings.c.incident_id.in_(ids)).values(current=False)
        )
