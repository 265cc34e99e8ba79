"""How the ledger and outsiders name documents and free text: salted commitments under the
installation's key (see truce.domain.commitments), the key read once per unit of work."""

from __future__ import annotations

from truce.domain.commitments import keyed_document_id, text_commitment
from truce.store.uow import UnitOfWork


def commitment_key(uow: UnitOfWork) -> bytes:
    if "commitment_key" not in uow.memo:
        uow.memo["commitment_key"] = uow.secrets.key()
    key: bytes = uow.memo["commitment_key"]
    return key


def document_ref(uow: UnitOfWork, document_id: str) -> str:
    """The keyed identifier of a document: what the ledger holds, and what those who may not
    see protected sources see of a protected document."""
    return keyed_document_id(commitment_key(uow), document_id)


def text_ref(uow: UnitOfWork, text: str | None) -> str | None:
    """A salted commitment to a free text, for a ledger entry (None stays None)."""
    return text_commitment(commitment_key(uow), text) if text is not None else None
