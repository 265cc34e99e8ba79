"""Documents taken in: where a submission stands (`GET /documents/{id}`), and who is
submitting, found without holding a transaction while the submission is processed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from truce.api.common import Who, principal
from truce.api.models import DocumentView
from truce.domain.access import Principal
from truce.http.deps import PUBLIC, Uow, state_of
from truce.services.processing import document_status
from truce.services.session import unit_of_work

router = APIRouter(tags=["reports"])


def document_href(document_id: str) -> str:
    """Where a submitted document's status is (the API lives under /api)."""
    return f"/api/documents/{document_id}"


async def submitter(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    """The bearer token's user, looked up in a short read of its own: an intake request then
    holds no transaction while it waits for its document to be processed."""
    if not authorization:
        return PUBLIC
    state = state_of(request)
    unit = unit_of_work(state.engine, state.keyring, read_only=True)
    await run_in_threadpool(unit.__enter__)
    try:
        return await principal(unit, authorization)
    finally:
        await run_in_threadpool(unit.__exit__, None, None, None)


Submitter = Annotated[Principal, Depends(submitter)]


@router.get("/documents/{document_id}")
def get_document(document_id: str, unit: Uow, who: Who) -> DocumentView:
    """A submitted document's processing status (`received`, `processed`, `partly_processed`
    or `failed`, with the reason) and, once processed, the IDs of the reports read from it.
    Its submitter and those who import data may read it; to others it does not exist."""
    state = document_status(uow=unit, who=who, document_id=document_id)
    return DocumentView(
        id=state.id,
        status=state.status,
        status_detail=state.status_detail,
        received_at=state.received_at,
        reports=state.reports,
    )
