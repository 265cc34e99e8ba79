"""The unit of work: one transaction; rolled back unless committed."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from sqlalchemy import Connection, Engine

from truce.domain.errors import ConfigurationError
from truce.ledger.entries import Act
from truce.store.cases import CaseRepository, UserRepository
from truce.store.incidents import FindingRepository, IncidentRepository
from truce.store.keyring import Keyring
from truce.store.ledger import KeyRepository, LedgerRepository
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
    ledger: LedgerRepository
    keys: KeyRepository
    users: UserRepository
    cases: CaseRepository

    def __init__(self, engine: Engine, keyring: Keyring | None = None) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._keyring = keyring

    @property
    def keyring(self) -> Keyring:
        if self._keyring is None:
            self._keyring = Keyring.from_environment()
        return self._keyring

    def record(self, act: Act, at: datetime) -> int:
        """Write the act to the ledger, signed by its member, in this transaction.

        A member with no registered key yet registers the keyring's key on first use, and
        that registration is itself the entry before (trust on first use, in the open:
        the guarantors see it in the log and in every checkpoint after it).
        """
        signer = self.keyring.signer(act.member)
        current = self.keys.current(act.member)
        if current is None:
            self.keys.register(act.member, signer.id, signer.public, at)
            first = Act("key.register", act.member, act.user, objects=(signer.id,),
                        details={"public": signer.public.hex(), "first_use": True})  # fmt: skip
            self.ledger.append(first, signer, at)
        elif current.key_id != signer.id:
            raise ConfigurationError(
                f"the key file of {act.member} holds key {signer.id}, but its registered key is "
                f"{current.key_id}: restore that key file, or rotate with `truce members keygen {act.member}`"
            )
        return self.ledger.append(act, signer, at)

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
        self.ledger = LedgerRepository(c)
        self.keys = KeyRepository(c)
        self.users = UserRepository(c)
        self.cases = CaseRepository(c)
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
