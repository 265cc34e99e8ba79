"""Routes for API tokens: revoke one. An administrator may revoke any token, anyone else only
their own (say, one that leaked); the service decides. Tokens are issued on the command line
(`truce members token USER`), where the secret is shown once."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from truce.api.common import Who
from truce.api.models import Out
from truce.http.deps import Clock, Uow
from truce.services.tokens import revoke_token

router = APIRouter(tags=["tokens"])


class Token(Out):
    """A token as its owner and administrators see it: never its secret."""

    id: str
    user: str
    name: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@router.delete("/tokens/{token_id}")
def delete_token(token_id: str, unit: Uow, who: Who, now: Clock) -> Token:
    """Revoke token `token_id` (the ID `truce members token` printed): it opens nothing from
    now on. The token as it now stands."""
    revoked = revoke_token(uow=unit, who=who, token_id=token_id, now=now)
    return Token(
        id=revoked.id,
        user=revoked.user,
        name=revoked.name,
        created_at=revoked.created_at,
        expires_at=revoked.expires_at,
        revoked_at=revoked.revoked_at,
    )
