"""The unit of work: one transaction; rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from truce.store.incidents import FindingRepository, IncidentRepository
from truce.store.repositories import (
    ActorRepository,
    AgreementRepository,
    DocumentListing,
    DocumentRepository,
    MemberRepository,
    ReportRepository,
    ReviewRepository,
)


class UnitOfWork:
    actors: ActorRepository
    agreements: AgreementRepository
    members: MemberRepository
    documents: DocumentRepository
    reports: ReportRepository
    reviews: ReviewRepository
    listing: DocumentListing
    incidents: IncidentRepository
    findings: FindingRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> UnitOfWork:
        self._connection = self._engine.connect()
        self._connection.begin()
        c = self._connection
        self.actors = ActorRepository(c)
        self.agreements = AgreementRepository(c)
        self.members = MemberRepository(c)
        self.documents = DocumentRepository(c)
        self.reports = ReportRepository(c)
        self.reviews = ReviewRepository(c)
        self.listing = DocumentListing(c)
        self.incidents = IncidentRepository(c)
        self.findings = FindingRepository(c)
        return self

    def commit(self) -> None:
        assert self._connection is not None, "commit outside a unit of work"
        self._connection.commit()
        self._connection.begin()

    def rollback(self) -> None:
        assert self._connection is not None, "rollback outside a unit of work"
        self._connection.rollback()
        self._connection.begin()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        # Whatever was not committed is undone, error or not.
        self._connection.rollback()
        self._connection.close()
        self._connection = None
