"""Raw documents as received, and the record of each time one arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import pydantic

from truce.domain.base import Record
from truce.domain.canonical import sha256_hex


class DocumentStatus(StrEnum):
    RECEIVED = "received"
    PROCESSED = "processed"
    PARTLY_PROCESSED = "partly_processed"  # some rows or parts were rejected
    FAILED = "failed"


class Channel(StrEnum):
    FILE = "file"
    ACLED_CSV = "acled_csv"
    UCDP_CSV = "ucdp_csv"
    GEOJSON = "geojson"
    PLOVER_JSONL = "plover_jsonl"
    HTML = "html"
    FEED = "feed"
    EMAIL = "email"
    API = "api"
    WEB_FORM = "web_form"


class RawDocument(Record):
    """The bytes exactly as received. Its ID is the SHA-256 of those bytes."""

    id: str = pydantic.Field(pattern="^[0-9a-f]{64}$")
    media_type: str
    size: int = pydantic.Field(ge=0)
    status: DocumentStatus = DocumentStatus.RECEIVED
    status_detail: str | None = None


class IntakeEvent(Record):
    """One arrival of a document: who sent it, how, and when."""

    document_id: str
    channel: Channel
    received_at: pydantic.AwareDatetime
    submitter: str | None = None
    filename: str | None = None


def document_id_for(content: bytes) -> str:
    return sha256_hex(content)


@dataclass(frozen=True)
class TextMeta:
    """What is known of a text before reading it: from the file, the feed or the user."""

    label: str = ""  # e.g. the input path, or "document <hash>#entry-2"
    title: str | None = None
    published: date | None = None
    publisher: str | None = None
    url: str | None = None
    language: str | None = None
    document_id: str | None = None
    # The day the text was taken in: with no publication date, the latest any event it tells
    # can be, so that a relative date ("yesterday") still gives a report, flagged for review.
    received: date | None = None
