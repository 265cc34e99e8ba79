"""The documents taken in, with their processing status: the operator's view of intake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import ValidationFailed
from truce.store.uow import UnitOfWork

STATUSES = ("received", "processed", "partly_processed", "failed")
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class DocumentRow:
    id: str  # the SHA-256 of the bytes as received
    status: str
    media_type: str
    size: int
    status_detail: str | None  # why it failed, or what part of it did
    first_received_at: datetime

    def to_plain(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "media_type": self.media_type,
            "size": self.size,
            "status_detail": self.status_detail,
            "first_received_at": self.first_received_at.isoformat(),
        }


def documents(
    *, uow: UnitOfWork, who: Principal, status: str | None = None, limit: int = 100
) -> list[DocumentRow]:
    """Stored documents, newest first. Those who take documents in see them all; a
    document's status detail can quote its content, so the others see none."""
    authorize(who, UseCase.IMPORT_DATA)
    if status is not None and status not in STATUSES:
        raise ValidationFailed(f"status is one of {', '.join(STATUSES)}", field="status")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    return [
        DocumentRow(
            id=row["id"],
            status=row["status"],
            media_type=row["media_type"],
            size=row["size"],
            status_detail=row["status_detail"],
            first_received_at=row["first_received_at"],
        )
        for row in uow.listing.list(status=status, limit=limit)
    ]
