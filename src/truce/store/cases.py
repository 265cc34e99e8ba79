"""Cases with their timelines, and the users of each member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from truce.domain.access import Principal, Role
from truce.domain.cases import Case, CaseEvent, ReopenRequest
from truce.domain.errors import Conflict, NotFound
from truce.store import tables as t


class CaseRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put(self, case: Case, event: CaseEvent) -> None:
        """Store the case as it now is, and the event that made it so."""
        values = {
            "incident_id": case.incident_id,
            "agreement_id": case.agreement_id,
            "state": case.state.value,
            "accused_side": case.accused_side,
            "reply_due": case.reply_due,
            "updated_at": event.at,
            "body": case.to_plain(),
        }
        key = t.cases.c.id == case.id
        if self._c.execute(select(t.cases.c.id).where(key)).first() is None:
            self._c.execute(insert(t.cases).values(id=case.id, **values))
        else:
            self._c.execute(update(t.cases).where(key).values(**values))
        self._c.execute(
            insert(t.case_events).values(case_id=case.id, at=event.at, body=event.to_plain())
        )
        self._put_requests(case)

    def _put_requests(self, case: Case) -> None:
        """The case's requests to reopen, as rows (added, or updated once decided)."""
        requests = t.case_reopen_requests
        stored = dict(
            self._c.execute(
                select(requests.c.number, requests.c.status).where(requests.c.case_id == case.id)
            ).all()
        )
        for request in case.reopen_requests:
            values = {"status": request.status.value, "body": request.to_plain()}
            if request.number not in stored:
                self._c.execute(
                    insert(requests).values(
                        case_id=case.id,
                        number=request.number,
                        member_id=request.member,
                        at=request.at,
                        **values,
                    )
                )
            elif stored[request.number] != request.status.value:
                self._c.execute(
                    update(requests)
                    .where(requests.c.case_id == case.id, requests.c.number == request.number)
                    .values(**values)
                )

    def pending_requests(self) -> list[tuple[str, str, ReopenRequest]]:
        """Every request to reopen still awaiting a decision, oldest first: (case ID, incident
        ID, request)."""
        requests = t.case_reopen_requests
        rows = self._c.execute(
            select(requests.c.case_id, t.cases.c.incident_id, requests.c.body)
            .join(t.cases, t.cases.c.id == requests.c.case_id)
            .where(requests.c.status == "pending")
            .order_by(requests.c.at, requests.c.case_id, requests.c.number)
        )
        return [(case, incident, ReopenRequest.parse(body)) for case, incident, body in rows]

    def stored_bodies(self) -> dict[str, dict[str, Any]]:
        """Every case's body exactly as stored (not parsed again: `truce check` hashes it as
        the ledger hashed it)."""
        return {
            case_id: body for case_id, body in self._c.execute(select(t.cases.c.id, t.cases.c.body))
        }

    def event_counts(self) -> dict[str, int]:
        """How many timeline events each case has."""
        rows = self._c.execute(
            select(t.case_events.c.case_id, func.count()).group_by(t.case_events.c.case_id)
        )
        return {case_id: int(n) for case_id, n in rows}

    def find(self, case_id: str) -> Case | None:
        body = self._c.execute(
            select(t.cases.c.body).where(t.cases.c.id == case_id)
        ).scalar_one_or_none()
        return Case.parse(body) if body is not None else None

    def lock(self, case_id: str) -> Case:
        """The case, its row locked until the transaction ends (FOR UPDATE on PostgreSQL; an
        SQLite writer holds the whole file already): steps on one case run one at a time, so
        no concurrent vote is lost between reading the ballots and writing them back."""
        body = self._c.execute(
            select(t.cases.c.body).where(t.cases.c.id == case_id).with_for_update()
        ).scalar_one_or_none()
        if body is None:
            raise NotFound(f"no case {case_id}")
        return Case.parse(body)

    def get(self, case_id: str) -> Case:
        case = self.find(case_id)
        if case is None:
            raise NotFound(f"no case {case_id}")
        return case

    def all(self, *, state: str | None = None, states: Sequence[str] = ()) -> list[Case]:
        query = select(t.cases.c.body).order_by(t.cases.c.reply_due, t.cases.c.id)
        if state is not None:
            query = query.where(t.cases.c.state == state)
        if states:
            query = query.where(t.cases.c.state.in_(list(states)))
        return [Case.parse(body) for body in self._c.execute(query).scalars()]

    def events(self, case_id: str) -> list[CaseEvent]:
        rows = self._c.execute(
            select(t.case_events.c.body)
            .where(t.case_events.c.case_id == case_id)
            .order_by(t.case_events.c.id)
        ).scalars()
        return [CaseEvent.parse(body) for body in rows]


class UserRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, user: str, member: str, name: str, role: Role, at: datetime) -> Principal:
        if self._c.execute(select(t.users.c.id).where(t.users.c.id == user)).first():
            raise Conflict(f"user {user} already exists")
        self._c.execute(
            insert(t.users).values(
                id=user, member_id=member, name=name, role=role.value, active=True, created_at=at
            )
        )
        return Principal(user=user, member=member, role=role)

    def set_password_hash(self, user: str, password_hash: str) -> None:
        if not self._c.execute(
            update(t.users).where(t.users.c.id == user).values(password_hash=password_hash)
        ).rowcount:
            raise NotFound(f"no user {user}")

    def password_hash(self, user: str) -> str | None:
        row = self._c.execute(
            select(t.users.c.password_hash, t.users.c.active).where(t.users.c.id == user)
        ).first()
        return str(row.password_hash) if row and row.active and row.password_hash else None

    def principal(self, user: str) -> Principal:
        row = self._c.execute(select(t.users).where(t.users.c.id == user)).first()
        if row is None or not row.active:
            raise NotFound(f"no active user {user}")
        return Principal(user=row.id, member=row.member_id, role=Role(row.role))

    def all(self) -> list[tuple[Principal, str]]:
        rows = self._c.execute(select(t.users).order_by(t.users.c.member_id, t.users.c.id))
        return [(Principal(user=r.id, member=r.member_id, role=Role(r.role)), r.name) for r in rows]

    def accounts(self) -> list[Account]:
        """Every user, active or not, with whether it has a password for the pages."""
        rows = self._c.execute(select(t.users).order_by(t.users.c.member_id, t.users.c.id))
        return [
            Account(
                Principal(user=r.id, member=r.member_id, role=Role(r.role)),
                r.name,
                bool(r.active),
                r.password_hash is not None,
            )
            for r in rows
        ]

    def name(self, user: str) -> str:
        row = self._c.execute(select(t.users.c.name).where(t.users.c.id == user)).first()
        if row is None:
            raise NotFound(f"no user {user}")
        return str(row.name)

    def deactivate(self, user: str) -> None:
        """The user may no longer log in or use a token (kept: the ledger names it)."""
        done = self._c.execute(
            update(t.users)
            .where(t.users.c.id == user, t.users.c.active.is_(True))
            .values(active=False)
        )
        if not done.rowcount:
            raise NotFound(f"no active user {user}")


@dataclass(frozen=True)
class Account:
    principal: Principal
    name: str
    active: bool
    has_password: bool


@dataclass(frozen=True)
class TokenRecord:
    """A token as its owner and administrators see it: never its secret nor its hash."""

    id: str
    user: str
    name: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class TokenRepository:
    """Users' API tokens, by the SHA-256 of their secret (the secret itself is never stored)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(
        self,
        token_id: str,
        user: str,
        token_hash: str,
        name: str | None,
        at: datetime,
        expires: datetime,
    ) -> None:
        self._c.execute(
            insert(t.api_tokens).values(
                id=token_id,
                user_id=user,
                token_hash=token_hash,
                name=name,
                created_at=at,
                revoked_at=None,
                expires_at=expires,
            )
        )

    def user_for(self, token_hash: str, at: datetime) -> str | None:
        """The user of a token neither revoked nor expired at `at`."""
        row = self._c.execute(
            select(t.api_tokens.c.user_id).where(
                t.api_tokens.c.token_hash == token_hash,
                t.api_tokens.c.revoked_at.is_(None),
                t.api_tokens.c.expires_at > at,
            )
        ).first()
        return str(row.user_id) if row else None

    def find(self, token_id: str) -> TokenRecord | None:
        row = self._c.execute(select(t.api_tokens).where(t.api_tokens.c.id == token_id)).first()
        return _token_record(row) if row else None

    def all(self, user: str | None = None) -> list[TokenRecord]:
        query = select(t.api_tokens).order_by(t.api_tokens.c.user_id, t.api_tokens.c.created_at)
        if user is not None:
            query = query.where(t.api_tokens.c.user_id == user)
        return [_token_record(row) for row in self._c.execute(query)]

    def revoke_for_user(self, user: str, at: datetime) -> list[str]:
        """Revoke every live token of `user`; their IDs."""
        live = (t.api_tokens.c.user_id == user, t.api_tokens.c.revoked_at.is_(None))
        ids = [str(i) for i in self._c.execute(select(t.api_tokens.c.id).where(*live)).scalars()]
        self._c.execute(update(t.api_tokens).where(*live).values(revoked_at=at))
        return ids

    def revoke(self, token_id: str, at: datetime) -> bool:
        done = self._c.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.id == token_id, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return bool(done.rowcount)


def _token_record(row: Any) -> TokenRecord:
    return TokenRecord(
        row.id, row.user_id, row.name, row.created_at, row.expires_at, row.revoked_at
    )
