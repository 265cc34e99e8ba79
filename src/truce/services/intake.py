"""Intake: store what arrives, exactly as it arrived, before anything else touches it."""

from __future__ import annotations

from datetime import datetime

from truce.domain.access import Principal
from truce.domain.commitments import DOCUMENT_PREFIX
from truce.domain.documents import Channel, IntakeEvent, RawDocument, document_id_for
from truce.domain.errors import InputRejected
from truce.domain.filenames import check_filename
from truce.ledger.entries import Act
from truce.services.commitments import document_ref, text_ref
from truce.store.uow import UnitOfWork


def receive_document(
    *,
    uow: UnitOfWork,
    content: bytes,
    media_type: str,
    channel: Channel,
    now: datetime,
    who: Principal,
    filename: str | None = None,
    max_bytes: int,
) -> tuple[RawDocument, bool]:
    """Store the bytes (content-addressed) and an intake event, and commit.

    Returns the document and whether its bytes were new. Empty or oversize
    input is refused before storage, with the file and the reason.
    """
    if filename is not None:
        check_filename(filename)  # the one rule for a document's name, on every way in
    label = filename or "the document"
    if not content:
        raise InputRejected(f"{label} is empty")
    if len(content) > max_bytes:
        raise InputRejected(
            f"{label} is {len(content):,} bytes; "
            f"the limit is {max_bytes:,} (TRUCE_MAX_DOCUMENT_BYTES)"
        )
    document = RawDocument(id=document_id_for(content), media_type=media_type, size=len(content))
    event = IntakeEvent(
        document_id=document.id,
        channel=channel,
        received_at=now,
        submitter=who.user,
        filename=filename,
    )
    is_new = uow.documents.receive(document, content, event)
    # The ledger is public to every member: it names the document by its keyed identifier (a
    # salted commitment, so a copy of the bytes confirms nothing) and the file name, which may
    # name a witness, by a salted commitment; the name itself stays in intake_events.
    keyed = document_ref(uow, document.id)
    details = {"channel": channel.value, "filename": text_ref(uow, filename), "new": is_new}
    act = Act(
        "document.receive",
        who.member,
        who.user,
        objects=(keyed,),
        hashes={"document": keyed.removeprefix(DOCUMENT_PREFIX)},
        details=details,
    )
    uow.record(act, now)
    # Committed on its own, so that nothing later in processing can lose it.
    uow.commit()
    return (document if is_new else uow.documents.get(document.id)), is_new


def decode_text(content: bytes, label: str) -> str:
    """UTF-8, with or without a byte-order mark; anything else is refused by name."""
    if b"\x00" in content[:4096]:
        raise InputRejected(f"{label} looks binary (it contains NUL bytes), not text")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRejected(
            f"{label} is not UTF-8 (undecodable byte at offset {exc.start}); re-save it as UTF-8"
        ) from None
