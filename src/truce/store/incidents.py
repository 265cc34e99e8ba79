"""Incidents, their members, aliases and history; findings with their history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from truce.domain.errors import NotFound
from truce.domain.incidents import Finding, Incident
from truce.store import tables as t


class IncidentRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, incident: Incident, now: datetime) -> None:
        """Store an incident (insert or update) and (re)assign its reports to it."""
        values = {"date_start": incident.date_start, "admin1": incident.admin1,
                  "sub_event_type": incident.sub_event_type, "updated_at": now, "body": incident.to_plain()}  # fmt: skip
        key = t.incidents.c.id == incident.id
        if self._c.execute(select(t.incidents.c.id).where(key)).first() is None:
            self._c.execute(insert(t.incidents).values(id=incident.id, **values))
        else:
            self._c.execute(update(t.incidents).where(key).values(**values))
        self._c.execute(delete(t.incident_members).where(or_(
            t.incident_members.c.incident_id == incident.id, t.incident_members.c.report_id.in_(incident.report_ids),
        )))  # fmt: skip
        self._c.execute(insert(t.incident_members),
                        [{"report_id": r, "incident_id": incident.id} for r in incident.report_ids])  # fmt: skip

    def remove(self, incident_ids: Iterable[str]) -> None:
        ids = list(incident_ids)
        self._c.execute(delete(t.incident_members).where(t.incident_members.c.incident_id.in_(ids)))
        self._c.execute(delete(t.incidents).where(t.incidents.c.id.in_(ids)))

    def alias(self, former_id: str, current_id: str) -> None:
        """Point a former ID (and every alias that pointed at it) to the incident now holding its reports."""
        self._c.execute(update(t.incident_aliases).where(t.incident_aliases.c.current_id == former_id)
                        .values(current_id=current_id))  # fmt: skip
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
            self._c.execute(update(t.incident_aliases).where(t.incident_aliases.c.current_id == old_current)
                            .values(current_id=new_current))  # fmt: skip
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

    def all(self, *, start: date | None = None, end: date | None = None) -> list[Incident]:
        query = select(t.incidents.c.body)
        if start is not None:
            query = query.where(t.incidents.c.date_start >= start)
        if end is not None:
            query = query.where(t.incidents.c.date_start <= end)
        rows = self._c.execute(query.order_by(t.incidents.c.date_start, t.incidents.c.id))
        return [Incident.parse(body) for (body,) in rows]

    def assigned_report_ids(self) -> set[str]:
        return set(self._c.execute(select(t.incident_members.c.report_id)).scalars())

    def record(self, op: str, removed: Sequence[str], created: Sequence[str], actor: str,
               reason: str | None, at: datetime) -> None:  # fmt: skip
        self._c.execute(insert(t.incident_history).values(
            op=op, removed=list(removed), created=list(created), actor=actor, reason=reason, at=at,
        ))  # fmt: skip

    def history(self, incident_id: str) -> list[dict[str, Any]]:
        rows = self._c.execute(select(t.incident_history).order_by(t.incident_history.c.id))
        return [dict(r._mapping) for r in rows if incident_id in (*r.removed, *r.created)]


class FindingRepository:
    """Findings are appended; the newest per incident and agreement is current. Changes keep who and why."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def current(self, incident_id: str, agreement_id: str) -> Finding | None:
        body = self._c.execute(
            select(t.findings.c.body).where(
                t.findings.c.incident_id == incident_id, t.findings.c.agreement_id == agreement_id,
                t.findings.c.current.is_(True),
            )
        ).scalar_one_or_none()  # fmt: skip
        return Finding.parse(body) if body is not None else None

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
        self._c.execute(insert(t.findings).values(
            incident_id=finding.incident_id, agreement_id=finding.agreement_id, category=finding.category.value,
            responsible_side=finding.responsible_side, occurrence=finding.occurrence.value,
            attribution=finding.attribution.value, current=True, actor=actor, reason=reason,
            assessed_at=finding.assessed_at, body=finding.to_plain(),
        ))  # fmt: skip
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
