"""Repositories: domain records in, domain records out. No business rules here. Reports and
reviews live in `reports.py`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update

from truce.domain.actors import Actor
from truce.domain.agreements import Agreement
from truce.domain.documents import DocumentStatus, IntakeEvent, RawDocument
from truce.domain.errors import NotFound
from truce.domain.members import Member, Source
from truce.store import tables as t
from truce.store.reports import ReportRepository, ReviewRepository


def _upsert(connection: Connection, table: Table, values: dict[str, Any]) -> None:
    """Insert a row, or update it in place if its ID exists (keeps references valid)."""
    key = table.c.id == values["id"]
    if connection.execute(select(table.c.id).where(key)).first() is None:
        connection.execute(insert(table).values(**values))
    else:
        connection.execute(update(table).where(key).values(**values))


class ActorRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put_many(self, scenario: str, actors: Iterable[Actor]) -> int:
        """Insert or replace the scenario's actors. Returns how many were written."""
        rows = [
            {
                "id": a.id,
                "scenario": scenario,
                "name": a.name,
                "kind": a.kind.value,
                "side": a.side,
                "parent_id": a.parent,
                "inter": a.inter,
                "body": a.to_plain(),
            }
            for a in actors
        ]
        for row in rows:
            _upsert(self._c, t.actors, row)
        return len(rows)

    def all(self) -> list[Actor]:
        result = self._c.execute(select(t.actors.c.body).order_by(t.actors.c.id))
        return [Actor.parse(body) for (body,) in result]


class AgreementRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, agreement: Agreement) -> None:
        _upsert(
            self._c,
            t.agreements,
            {
                "id": agreement.id,
                "title": agreement.title,
                "amends": agreement.amends,
                "in_force_from": agreement.in_force_from,
                "body": agreement.to_plain(),
            },
        )

    def get(self, agreement_id: str) -> Agreement:
        body = self._c.execute(
            select(t.agreements.c.body).where(t.agreements.c.id == agreement_id)
        ).scalar_one_or_none()
        if body is None:
            raise NotFound(f"no agreement {agreement_id!r}; load a scenario first")
        return Agreement.parse(body)

    def all(self) -> list[Agreement]:
        rows = self._c.execute(select(t.agreements.c.body).order_by(t.agreements.c.in_force_from))
        return [Agreement.parse(body) for (body,) in rows]


class SourceRepository:
    """The source book: each source with every name it goes by."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put_many(
        self, scenario: str, sources: Iterable[Source], aliases: Mapping[str, Sequence[str]]
    ) -> int:
        count = 0
        for source in sources:
            _upsert(
                self._c,
                t.sources,
                {
                    "id": source.id,
                    "scenario": scenario,
                    "name": source.name,
                    "kind": source.kind.value,
                    "affiliation": source.affiliation,
                    "reliability": source.reliability,
                    "confidential": source.confidential,
                    "aliases": list(aliases.get(source.id, ())),
                    "body": source.to_plain(),
                },
            )
            count += 1
        return count

    def all(self) -> list[tuple[Source, tuple[str, ...]]]:
        """Every source with its aliases, in ID order."""
        rows = self._c.execute(
            select(t.sources.c.body, t.sources.c.aliases).order_by(t.sources.c.id)
        )
        return [(Source.parse(body), tuple(aliases or ())) for body, aliases in rows]


class MemberRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, member: Member) -> None:
        _upsert(
            self._c,
            t.members,
            {
                "id": member.id,
                "name": member.name,
                "kind": member.kind.value,
                "body": member.to_plain(),
            },
        )

    def all(self) -> list[Member]:
        rows = self._c.execute(select(t.members.c.body).order_by(t.members.c.id))
        return [Member.parse(body) for (body,) in rows]


class DocumentRepository:
    """Raw documents are content-addressed and never deleted; each arrival is an event."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def receive(self, document: RawDocument, content: bytes, event: IntakeEvent) -> bool:
        """Store the bytes if new, and always record the arrival. True if the bytes were new."""
        exists = self._c.execute(
            select(t.raw_documents.c.id).where(t.raw_documents.c.id == document.id)
        ).first()
        if exists is None:
            self._c.execute(
                insert(t.raw_documents).values(
                    id=document.id,
                    media_type=document.media_type,
                    size=document.size,
                    content=content,
                    status=document.status.value,
                    status_detail=document.status_detail,
                    first_received_at=event.received_at,
                )
            )
        self._c.execute(
            insert(t.intake_events).values(
                document_id=event.document_id,
                channel=event.channel.value,
                received_at=event.received_at,
                submitter=event.submitter,
                filename=event.filename,
            )
        )
        return exists is None

    def get(self, document_id: str) -> RawDocument:
        row = self._c.execute(
            select(t.raw_documents).where(t.raw_documents.c.id == document_id)
        ).first()
        if row is None:
            raise NotFound(f"no raw document {document_id}")
        return RawDocument(
            id=row.id,
            media_type=row.media_type,
            size=row.size,
            status=DocumentStatus(row.status),
            status_detail=row.status_detail,
        )

    def content(self, document_id: str) -> bytes:
        content = self._c.execute(
            select(t.raw_documents.c.content).where(t.raw_documents.c.id == document_id)
        ).scalar_one_or_none()
        if content is None:
            raise NotFound(f"no raw document {document_id}")
        return bytes(content)

    def set_status(self, document_id: str, status: DocumentStatus, detail: str | None) -> None:
        self._c.execute(
            update(t.raw_documents)
            .where(t.raw_documents.c.id == document_id)
            .values(status=status.value, status_detail=detail)
        )

    def intake_events(self, document_id: str) -> list[IntakeEvent]:
        rows = self._c.execute(
            select(t.intake_events)
            .where(t.intake_events.c.document_id == document_id)
            .order_by(t.intake_events.c.id)
        )
        return [
            IntakeEvent(
                document_id=r.document_id,
                channel=r.channel,
                received_at=r.received_at,
                submitter=r.submitter,
                filename=r.filename,
            )
            for r in rows
        ]

    def count(self) -> int:
        return int(self._c.execute(select(func.count()).select_from(t.raw_documents)).scalar_one())


class DocumentListing:
    """Documents with their status, newest first, for the operator's view."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def list(self, *, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(
            t.raw_documents.c.id,
            t.raw_documents.c.media_type,
            t.raw_documents.c.size,
            t.raw_documents.c.status,
            t.raw_documents.c.status_detail,
            t.raw_documents.c.first_received_at,
        )
        if status is not None:
            query = query.where(t.raw_documents.c.status == status)
        query = query.order_by(t.raw_documents.c.first_received_at.desc()).limit(limit)
        return [dict(row._mapping) for row in self._c.execute(query)]


__all__ = [
    "ActorRepository",
    "AgreementRepository",
    "DocumentListing",
    "DocumentRepository",
    "MemberRepository",
    "ReportRepository",
    "ReviewRepository",
    "SourceRepository",
]
