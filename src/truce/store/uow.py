"""The unit of work: one transaction; rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from truce.domain.errors import ConfigurationError
from truce.ledger.entries import Act
from truce.ledger.keys import SigningKey
from truce.store.cases import CaseRepository, TokenRepository, UserRepository
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
    SourceRepository,
)


class UnitOfWork:
    actors: ActorRepository
    agreements: AgreementRepository
    members: MemberRepository
    sources: SourceRepository
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
    tokens: TokenRepository

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        read_only: bool = False,
    ) -> None:
        """`clock` times ledger entries and key registrations: the log's own time, which use
        cases cannot set (their `now` is recorded beside it as the act's effective time)."""
        self._engine = engine
        self.clock = clock
        self._read_only = read_only  # on SQLite: a shared read, not the write lock
        self._connection: Connection | None = None
        self._keyring = keyring
        self._checked: dict[str, str] = {}  # member -> key ID found registered in this unit of work
        self._failed = False  # a ledger entry failed: this transaction may only be rolled back
        # What use cases derive from reference data once per transaction (the actor registry,
        # the source book); whoever changes that data in the transaction clears it.
        self.memo: dict[str, Any] = {}

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
        try:
            signer = self.signer(act.member, act.user)
            return self.ledger.append(act, signer, self.clock, at)
        except BaseException:
            # The change this entry records must not be committed without it.
            self._failed = True
            raise

    def signer(self, member: str, user: str | None = None) -> SigningKey:
        """The member's key from the keyring, checked against its registered key; registered
        (and the registration logged) on first use."""
        signer = self.keyring.signer(member)
        if self._checked.get(member) == signer.id:
            return signer
        current = self.keys.current(member)
        if current is None:
            # Take the log's lock first, then look again: two first uses at once register once.
            self.ledger.lock()
            current = self.keys.current(member)
        if current is None:
            self.keys.register(member, signer.id, signer.public, self.clock())
            first = Act(
                "key.register",
                member,
                user,
                objects=(signer.id,),
                details={"public": signer.public.hex(), "first_use": True},
            )
            self.ledger.append(first, signer, self.clock)
        elif current.key_id != signer.id:
            raise ConfigurationError(
                f"the key file of {member} holds key {signer.id}, but its registered key is "
                f"{current.key_id}: restore that key file, "
                f"or rotate with `truce members keygen {member}`"
            )
        self._checked[member] = signer.id
        return signer

    def __enter__(self) -> UnitOfWork:
        self._connection = self._engine.connect()
        if self._read_only:
            self._connection = self._connection.execution_options(truce_read_only=True)
        self._connection.begin()
        c = self._connection
        self.actors = ActorRepository(c)
        self.agreements = AgreementRepository(c)
        self.members = MemberRepository(c)
        self.sources = SourceRepository(c)
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
        self.tokens = TokenRepository(c)
        return self

    def commit(self) -> None:
        assert self._connection is not None, "commit outside a unit of work"
        if self._failed:
            raise ConfigurationError(
                "a ledger entry of this transaction failed: its changes cannot be committed"
            )
        self._connection.commit()
        self._connection.begin()

    def rollback(self) -> None:
        assert self._connection is not None, "rollback outside a unit of work"
        self._checked.clear()
        self.memo.clear()
        self._failed = False
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
