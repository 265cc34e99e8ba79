"""Page sessions and failed log-ins: in the store, so that every server worker sees the same
ones, and ending a session (log-out, a new password, deactivation) ends it everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from truce.store import tables as t


@dataclass(frozen=True)
class SessionRow:
    id: str  # the hash of the cookie's secret
    user: str
    csrf: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None


class SessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, row: SessionRow) -> None:
        self._c.execute(
            insert(t.sessions).values(
                id=row.id,
                user_id=row.user,
                csrf=row.csrf,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                expires_at=row.expires_at,
                ended_at=row.ended_at,
            )
        )

    def find(self, session_id: str) -> SessionRow | None:
        r = self._c.execute(select(t.sessions).where(t.sessions.c.id == session_id)).first()
        if r is None:
            return None
        return SessionRow(
            r.id, r.user_id, r.csrf, r.created_at, r.last_seen_at, r.expires_at, r.ended_at
        )

    def touch(self, session_id: str, at: datetime) -> None:
        self._c.execute(
            update(t.sessions)
            .where(t.sessions.c.id == session_id, t.sessions.c.last_seen_at < at)
            .values(last_seen_at=at)
        )

    def end(self, session_id: str, at: datetime) -> None:
        self._c.execute(
            update(t.sessions)
            .where(t.sessions.c.id == session_id, t.sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        )

    def end_for_user(self, user: str, at: datetime) -> int:
        """End every open session of `user`; how many there were."""
        done = self._c.execute(
            update(t.sessions)
            .where(t.sessions.c.user_id == user, t.sessions.c.ended_at.is_(None))
            .values(ended_at=at)
        )
        return int(done.rowcount or 0)

    def open_count(self, user: str, at: datetime) -> int:
        return int(
            self._c.execute(
                select(func.count())
                .select_from(t.sessions)
                .where(
                    t.sessions.c.user_id == user,
                    t.sessions.c.ended_at.is_(None),
                    t.sessions.c.expires_at > at,
                )
            ).scalar_one()
        )

    def purge(self, before: datetime) -> None:
        """Forget sessions that ended or expired before `before`."""
        self._c.execute(
            delete(t.sessions).where(
                or_(t.sessions.c.ended_at < before, t.sessions.c.expires_at < before)
            )
        )


class LoginFailureRepository:
    """Failed log-ins by (lower-cased) user name and address, with their time."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, user_name: str, address: str, at: datetime) -> None:
        self._c.execute(
            insert(t.login_failures).values(user_name=user_name, address=address, at=at)
        )

    def count(self, *, address: str, since: datetime, user_name: str | None = None) -> int:
        """Failures from `address` since `since`: for one user name, or for all of them."""
        f = t.login_failures.c
        query = select(func.count()).select_from(t.login_failures)
        query = query.where(f.address == address, f.at >= since)
        if user_name is not None:
            query = query.where(f.user_name == user_name)
        return int(self._c.execute(query).scalar_one())

    def clear(self, user_name: str, address: str) -> None:
        f = t.login_failures.c
        self._c.execute(
            delete(t.login_failures).where(f.user_name == user_name, f.address == address)
        )

    def purge(self, before: datetime) -> None:
        self._c.execute(delete(t.login_failures).where(t.login_failures.c.at < before))
