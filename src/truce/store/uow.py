"""The unit of work: one transaction; rolled back unless committed.

Ledger entries are written at commit, after everything else the transaction did.

- On SQLite (one writer at a time anyway) they are appended in the transaction: the ledger's
  head is the one row every writer locks, so it is locked last and held only while the
  entries are appended and the transaction commits. A transaction never holds the head while
  it waits for another row, and so never deadlocks on it.
- On PostgreSQL the acts are queued in the transaction, which then commits without taking
  the head at all, so concurrent writers' commits overlap; right after its commit, the unit
  sequences the queue (every act queued so far, its own and others', one batch under the
  head lock, `LedgerRepository.sequence`) and returns once its own acts are in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from truce.domain.errors import ConfigurationError, InputRejected
from truce.ledger import entries, keys
from truce.ledger.entries import Act, sign_act
from truce.ledger.keys import OPERATOR, SigningKey
from truce.store.accounts import LoginFailureRepository, SessionRepository
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
from truce.store.secrets import SecretRepository

LOG = logging.getLogger(__name__)


class UnitOfWork:
    SEQUENCE_BATCH = 2000  # queued acts signed and inserted per statement batch
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
    secrets: SecretRepository
    sessions: SessionRepository
    login_failures: LoginFailureRepository

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        read_only: bool = False,
        shared: bool = False,
    ) -> None:
        """`clock` times ledger entries and key registrations: the log's own time, which use
        cases cannot set (their `now` is recorded beside it as the act's effective time).

        On SQLite, `read_only` and `shared` transactions begin as shared reads and take the
        write lock at their first write (`truce.store.database`); others take it when they
        begin. A request's unit of work is shared, so that looking up who is asking, before
        the use case runs, holds no lock."""
        self._engine = engine
        self.clock = clock
        self._shared = read_only or shared
        self._connection: Connection | None = None
        self._keyring = keyring
        self._checked: dict[str, str] = {}  # member -> key ID found registered in this unit of work
        self._failed = False  # a ledger entry failed: this transaction may only be rolled back
        # Acts recorded in this transaction, appended at commit: (act, key, effective time).
        self._pending: list[tuple[Act, SigningKey, datetime]] = []
        self._holds_head = False  # this transaction locked the log's head (flush, lock)
        self.commits = 0  # transactions committed: a unit that committed is not run again
        # What use cases derive from reference data once per transaction (the actor registry,
        # the source book); whoever changes that data in the transaction clears it.
        self.memo: dict[str, Any] = {}

    @property
    def keyring(self) -> Keyring:
        if self._keyring is None:
            self._keyring = Keyring.from_environment()
        return self._keyring

    def operator(self) -> SigningKey:
        """The log operator's key, the one key the server holds, checked against its
        registered key (registered, and logged, on first use: at flush)."""
        signer = self.keyring.signer(OPERATOR)
        if self._checked.get(OPERATOR) != signer.id:
            self._check_key(OPERATOR, signer)
        return signer

    def operator_public(self) -> bytes:
        """The operator's public key as registered (what readers check against): reading it
        needs no private key, so exports work where the operator's key file is not."""
        current = self.keys.current(OPERATOR)
        return bytes.fromhex(current.public) if current else self.keyring.signer(OPERATOR).public

    def record(self, act: Act, at: datetime) -> None:
        """Record the act in the ledger in this transaction, signed by the log operator for
        the act's member and user (the entry is marked operator-attested). An act carrying
        the member's own signature (`act.member_signature`) is checked now against the
        member's registered key; the entry keeps that signature. The entry is signed and
        appended at commit (`flush`), after every other change the transaction made.

        The operator's key is registered on its first use, and that registration is itself
        the entry before (trust on first use, in the open: the guarantors see it in the log,
        and a trust file names the operator's key from outside the log).
        """
        try:
            signer = self.operator()
            if act.member_signature is not None:
                self._check_member_signature(act)
            self._pending.append((act, signer, at))
        except BaseException:
            # The change this entry records must not be committed without it.
            self._failed = True
            raise

    def _check_member_signature(self, act: Act) -> None:
        """Refuse an act whose member signature is not by the member's current registered
        key, or does not verify over the act."""
        assert act.member_signature is not None
        given = act.member_signature
        current = self.keys.current(act.member)
        if current is None or current.key_id != given.key:
            raise InputRejected(
                f"member_signature: key {given.key} is not the registered key of {act.member}"
                + (f" (that is {current.key_id})" if current else " (it has none)")
            )
        try:
            signature = bytes.fromhex(given.signature)
        except ValueError:
            raise InputRejected("member_signature: the signature is not hexadecimal") from None
        message = entries.member_message(entries.act_plain(act))
        if not keys.verify(bytes.fromhex(current.public), message, signature):
            raise InputRejected(
                f"member_signature: does not verify with {act.member}'s key {current.key_id}"
            )

    def flush(self, head: tuple[int, str] | None = None) -> list[int]:
        """Append the recorded acts now, under the ledger's head lock (held until the
        transaction ends; `head` when this transaction holds it already); their sequence
        numbers. `commit` does it; a use case calls it when an entry must precede what it
        does next (a key rotation, before the old key retires). On PostgreSQL the acts
        others queued go first: they committed before this transaction will."""
        if not self._pending:
            return []
        pending, self._pending = self._pending, []
        try:
            head = head or self.ledger.lock()
            self._holds_head = True
            if self.ledger.dialect == "postgresql":
                head = self._sequence(head)[1]
            if all(self._checked.get(s.member) == s.id for _, s, _ in pending):
                signer = pending[0][1]
                if all(s is signer for _, s, _ in pending):
                    acts = [(act, at) for act, _, at in pending]
                    return self.ledger.append_all(acts, signer, self.clock, head)[0]
            seqs = []
            for act, signer, at in pending:
                if self._checked.get(signer.member) != signer.id:
                    self._register_on_first_use(signer.member, act.user, signer)
                seqs.append(self.ledger.append(act, signer, self.clock, at))
            return seqs
        except BaseException:
            self._failed = True
            raise

    def _check_key(self, member: str, signer: SigningKey) -> None:
        """Refuse a key file that is not the member's registered key (none yet: first use)."""
        current = self.keys.current(member)
        if current is not None and current.key_id != signer.id:
            rotate = (
                "rotate it with a new key file only by handing the trust files a new key"
                if member == OPERATOR
                else f"or rotate with `truce members keygen {member} --key-dir DIR`"
            )
            raise ConfigurationError(
                f"the key file of {member} holds key {signer.id}, but its registered key is "
                f"{current.key_id}: restore that key file, {rotate}"
            )
        if current is not None:
            self._checked[member] = signer.id

    def _register_on_first_use(self, member: str, user: str | None, signer: SigningKey) -> None:
        """With the log's head locked: register the key if nobody has (looked at again, as
        two first uses at once register once), and log the registration: signed by the
        operator, and by the new key itself over the act (it holds the private half)."""
        self._check_key(member, signer)
        if self._checked.get(member) == signer.id:
            return
        operator = signer if member == OPERATOR else self.operator()
        if member != OPERATOR and self._checked.get(OPERATOR) != operator.id:
            self._register_on_first_use(OPERATOR, user, operator)
        self.keys.register(member, signer.id, signer.public, self.clock())
        first = Act(
            "key.register",
            member,
            user,
            objects=(signer.id,),
            details={"public": signer.public.hex(), "first_use": True},
        )
        if member != OPERATOR:
            first = sign_act(first, signer)  # proof that the registrant holds the key
        self.ledger.append(first, operator, self.clock)
        self._checked[member] = signer.id

    def __enter__(self) -> UnitOfWork:
        self._connection = self._engine.connect()
        if self._shared:
            self._connection = self._connection.execution_options(truce_shared=True)
        # No BEGIN here nor after a commit: the transaction begins with its first statement,
        # so a unit of work between transactions (extracting a text, waiting for a worker,
        # writing its answer) holds no lock.
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
        self.secrets = SecretRepository(c)
        self.sessions = SessionRepository(c)
        self.login_failures = LoginFailureRepository(c)
        return self

    def commit(self) -> None:
        assert self._connection is not None, "commit outside a unit of work"
        if self._failed:
            raise ConfigurationError(
                "a ledger entry of this transaction failed: its changes cannot be committed"
            )
        postgres = self._connection.dialect.name == "postgresql"
        logged = bool(self._pending) or self._holds_head
        queued = False
        if postgres and self._pending and self._registered():
            head = self.ledger.try_lock()
            if head is None:
                self._enqueue()  # another writer holds the head: the queue, not the wait
                queued = True
            else:
                self.flush(head)
        else:
            self.flush()
        self._connection.commit()
        self.commits += 1
        self._holds_head = False
        if postgres and logged:
            self._sequence_after(queued)

    def _registered(self) -> bool:
        """Whether every key the recorded acts are signed with is registered (a first use
        registers in the log, in order, under the head lock: never queued)."""
        return all(self._checked.get(s.member) == s.id for _, s, _ in self._pending)

    def _enqueue(self) -> None:
        """Queue the recorded acts in this transaction, for whoever sequences next."""
        pending, self._pending = self._pending, []
        try:
            self.ledger.enqueue([(act, at) for act, _, at in pending], self.clock())
        except BaseException:
            self._failed = True
            raise

    def _sequence_after(self, queued: bool) -> None:
        """After a commit that held the head or queued acts (PostgreSQL): look at the queue
        again and sequence it while anything waits there, unless another writer holds the
        head. A writer that found the head held committed its acts before it looked, so
        before the holder let the head go; the holder's look after that finds them. So no
        act stays queued once every writer has returned, and no writer waits for another.

        A writer that found the head held returns before its acts are in the log (a few
        milliseconds later they are): what it reads back at once from the log may miss
        them. This unit's change is committed already: a failure here is logged, not
        raised (the acts stay queued, and the next pass, or the server as it starts,
        sequences them)."""
        assert self._connection is not None
        try:
            # A writer that queued knows the queue holds something: it tries the head at once.
            while queued or self.ledger.queued_now():
                queued = False
                head = self.ledger.try_lock()
                if head is None:  # the holder will find them when it looks again
                    break
                if self._sequence(head)[0]:
                    self._connection.commit()
            self._connection.rollback()
        except Exception:
            self._connection.rollback()
            LOG.exception("sequencing the ledger's queue failed; its acts wait there")

    def _sequence(self, head: tuple[int, str]) -> tuple[int, tuple[int, str]]:
        """Append every queued act after `head` (locked); how many, and the head after."""
        signer = self.operator()
        moved = 0
        while True:
            batch, head = self.ledger.sequence(signer, self.clock, self.SEQUENCE_BATCH, head)
            moved += batch
            if batch < self.SEQUENCE_BATCH:
                return moved, head

    def snapshot(self) -> None:
        """Read the rest of this transaction from one snapshot of the store (PostgreSQL's
        REPEATABLE READ; a SQLite transaction already reads one). Call it before writing:
        what the transaction read so far is let go."""
        assert self._connection is not None
        if self._pending:
            raise ConfigurationError("a snapshot must begin before the transaction records acts")
        if self._connection.dialect.name == "postgresql":
            self._connection.rollback()
            self._connection.execution_options(isolation_level="REPEATABLE READ")

    def sequence(self) -> int:
        """Append every queued act to the log in this transaction, under the head lock
        (held until the transaction ends); how many. A checkpoint does it first, so that it
        covers every act committed before it."""
        head = self.ledger.lock()
        self._holds_head = True
        return self._sequence(head)[0]

    @property
    def committed(self) -> bool:
        """Whether any transaction of this unit was committed (then it must not be re-run)."""
        return self.commits > 0

    def rollback(self) -> None:
        assert self._connection is not None, "rollback outside a unit of work"
        self._checked.clear()
        self.memo.clear()
        self._failed = False
        self._holds_head = False
        self._pending.clear()
        self._connection.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._connection is not None
        # Whatever was not committed is undone, error or not.
        self._pending.clear()
        self._connection.rollback()
        self._connection.close()
        self._connection = None
