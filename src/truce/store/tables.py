"""The tables. Queried columns are real columns; the full record rides along as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a timezone-naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Json: Any = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("scenario", String(80), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("side", String(40)),
    Column("parent_id", String(80)),
    Column("inter", Integer, nullable=False),
    Column("body", Json, nullable=False),
)

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("amends", String(80), ForeignKey("agreements.id")),
    Column("in_force_from", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
)

# The scenario's source book: who reports, their side, reliability and protection, and
# every name each goes by. Read through the unit of work, never from the package's files.
sources = Table(
    "sources",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("scenario", String(80), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("affiliation", String(40)),
    Column("reliability", String(1), nullable=False),
    Column("confidential", Boolean, nullable=False),
    Column("aliases", Json, nullable=False),
    Column("body", Json, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("body", Json, nullable=False),
)

raw_documents = Table(
    "raw_documents",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the bytes
    Column("media_type", String(120), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("status", String(40), nullable=False),
    Column("status_detail", Text),
    Column("first_received_at", UTCDateTime, nullable=False),
)

intake_events = Table(
    "intake_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("raw_documents.id"), nullable=False, index=True),
    Column("channel", String(40), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("submitter", String(200)),
    Column("filename", String(500)),
)

reports = Table(
    "reports",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("document_id", String(64), ForeignKey("raw_documents.id"), index=True),
    Column("dataset", String(40)),
    Column("dataset_id", String(120)),
    Column("date_start", Date, nullable=False, index=True),
    Column("date_end", Date, nullable=False),
    Column("admin1", String(120), index=True),
    Column("event_type", String(80)),
    Column("sub_event_type", String(80)),
    Column("current", Boolean, nullable=False, default=True),
    Column("review_status", String(20), nullable=False, server_default="pending"),
    Column("superseded_by", String(64)),
    Column("stored_at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
    # Partial, for the same reason as below: reports from texts carry no data-set ID.
    Index(
        "ix_reports_dataset_dataset_id",
        "dataset",
        "dataset_id",
        sqlite_where=text("dataset_id IS NOT NULL"),
        postgresql_where=text("dataset_id IS NOT NULL"),
    ),
    # Partial: nearly every report is current, and a full index of NULLs looks useless to
    # the planner, which would then scan the table to find what a revision replaced.
    Index(
        "ix_reports_superseded_by",
        "superseded_by",
        sqlite_where=text("superseded_by IS NOT NULL"),
        postgresql_where=text("superseded_by IS NOT NULL"),
    ),
)

report_reviews = Table(
    "report_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(64), ForeignKey("reports.id"), nullable=False, index=True),
    Column("action", String(20), nullable=False),  # accept | correct | reject
    Column("field", String(80)),
    Column("value", Json),
    Column("previous", Json),
    Column("reviewer", String(200), nullable=False),
    Column("reason", Text),
    Column("at", UTCDateTime, nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("date_start", Date, nullable=False, index=True),
    Column("admin1", String(120), index=True),
    Column("sub_event_type", String(80)),
    Column("lat", Float),  # for map bounding boxes
    Column("lon", Float),
    # The place as those who may not see protected sources see it (coarsened when a report
    # is protected): what their box and zone filters test, so no filter finds the exact one.
    Column("public_lat", Float),
    Column("public_lon", Float),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
    # The lists' order (newest first, then ID) read straight from an index.
    Index("ix_incidents_date_start_id", "date_start", "id"),
    # A new report's neighbours (by day, then place) without touching the table.
    Index("ix_incidents_near", "date_start", "lat", "lon", "admin1", "id"),
    # The list filtered by governorate, newest first.
    Index("ix_incidents_admin1_date_start_id", "admin1", "date_start", "id"),
)

incident_members = Table(
    "incident_members",
    metadata,
    Column("report_id", String(64), ForeignKey("reports.id"), primary_key=True),
    Column("incident_id", String(64), ForeignKey("incidents.id"), nullable=False, index=True),
)

incident_aliases = Table(
    "incident_aliases",
    metadata,
    Column("former_id", String(64), primary_key=True),
    Column("current_id", String(64), nullable=False, index=True),
)

incident_history = Table(
    "incident_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("op", String(20), nullable=False),  # fuse | merge | split | rebuild
    Column("removed", Json, nullable=False),
    Column("created", Json, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reason", Text),
    Column("at", UTCDateTime, nullable=False),
)

# Which history rows name which incident: an incident's history is a query, not a scan.
incident_history_ids = Table(
    "incident_history_ids",
    metadata,
    Column("incident_id", String(64), primary_key=True),
    Column("history_id", Integer, ForeignKey("incident_history.id"), primary_key=True),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", String(64), nullable=False, index=True),
    Column("agreement_id", String(80), nullable=False),
    Column("category", String(40), nullable=False),
    Column("responsible_side", String(40)),
    Column("occurrence", String(4), nullable=False),
    Column("attribution", String(20), nullable=False),
    Column("current", Boolean, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reason", Text),
    Column("assessed_at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
    # Counts and list filters join the current finding per incident: covered by one index.
    Index(
        "ix_findings_current_lookup",
        "agreement_id",
        "current",
        "incident_id",
        "category",
        "responsible_side",
    ),
)

# --- the joint mechanism: users, keys, cases, and the ledger -----------------------------

users = Table(
    "users",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("member_id", String(80), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("password_hash", String(200), nullable=True),  # Argon2id; none: no page log-in
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

member_keys = Table(
    "member_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("member_id", String(80), nullable=False, index=True),
    Column("public", String(64), nullable=False, unique=True),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("retired_at", UTCDateTime, nullable=True),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("incident_id", String(64), nullable=False, index=True),
    Column("agreement_id", String(80), nullable=False),
    Column("state", String(40), nullable=False, index=True),
    Column("accused_side", String(40), nullable=True),
    Column("reply_due", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(64), ForeignKey("cases.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
)

# Parties' requests to reopen a case, one row per request (the case's body holds them too,
# for the workflow): what an analyst's list of pending requests reads.
case_reopen_requests = Table(
    "case_reopen_requests",
    metadata,
    Column("case_id", String(64), ForeignKey("cases.id"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("member_id", String(80), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
)

# The log itself. `seq` is the leaf index: one row per entry, no gaps (the head row is
# locked while an entry is appended, so concurrent writers queue rather than fork).
ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("line", LargeBinary, nullable=False),
    Column("leaf", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("member_id", String(80), nullable=False),
    Column("act", String(80), nullable=False, index=True),
)

# Which entries name which object: the index behind "this incident's entries" (a page view
# must not scan the log).
ledger_objects = Table(
    "ledger_objects",
    metadata,
    Column("object_id", String(200), primary_key=True),
    Column("seq", Integer, ForeignKey("ledger_entries.seq"), primary_key=True),
)

# Acts committed with the change they record and not yet in the log (PostgreSQL): the
# sequencer numbers, links and signs them in batches (`truce.store.ledger`).
ledger_queue = Table(
    "ledger_queue",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("member_id", String(80), nullable=False),
    Column("act", Text, nullable=False),
    Column("effective", UTCDateTime, nullable=True),
    Column("queued_at", UTCDateTime, nullable=False),
)

ledger_head = Table(
    "ledger_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", Integer, nullable=False),
    Column("last_leaf", String(64), nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("body", Json, nullable=False),
)

# C2SP checkpoints (issue 12): the operator-signed note as issued, one per log size, and the
# witnesses' cosignatures of it as they arrive. The old co-signed `checkpoints` stay as they
# were, so ledgers and bundles from before still verify.
checkpoint_notes = Table(
    "checkpoint_notes",
    metadata,
    Column("size", Integer, primary_key=True, autoincrement=False),
    Column("root", String(64), nullable=False),
    Column("origin", String(200), nullable=False),
    Column("note", Text, nullable=False),  # the signed note, with the operator's signature only
    Column("created_at", UTCDateTime, nullable=False),
)

checkpoint_cosignatures = Table(
    "checkpoint_cosignatures",
    metadata,
    Column(
        "size",
        Integer,
        ForeignKey("checkpoint_notes.size", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("witness", String(80), primary_key=True),
    Column("key_hash", String(8), nullable=False),  # hex of the C2SP key hash
    Column("timestamp", BigInteger, nullable=False),  # the witness's time, as it signed it
    Column("line", Text, nullable=False),  # the signature line, "— name base64\n"
    Column("received_at", UTCDateTime, nullable=False),
)

# Witnesses' cosignature public keys (C2SP verifier keys), registered by an administrator in
# a logged act; a new key retires the old one, which still checks what it signed before.
witness_keys = Table(
    "witness_keys",
    metadata,
    Column("vkey", String(300), primary_key=True),
    Column("member_id", String(80), nullable=False, index=True),
    Column("key_hash", String(8), nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("retired_at", UTCDateTime, nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # shown to the user: which token this is
    Column("user_id", String(80), ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the secret
    Column("name", String(200), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=False),  # every token ends; see migration 0012
)

# --- accounts: page sessions and failed log-ins, shared by every server worker ----------------

sessions = Table(
    "sessions",
    metadata,
    # SHA-256 of the cookie's random secret: a copy of this table opens no session.
    Column("id", String(64), primary_key=True),
    Column("user_id", String(80), ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),  # the token the session's forms carry
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),  # the absolute end
    Column("ended_at", UTCDateTime, nullable=True),  # log-out, password change, deactivation
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(80), nullable=False),  # as typed, lower-cased: may be no user
    Column("address", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_failures_address_at", "address", "at"),
    Index("ix_login_failures_user_address", "user_name", "address"),
)

# Secrets of this installation (migration 0010): the key from which the salts of the ledger's
# commitments and the keyed document identifiers outsiders see are derived.
installation_secrets = Table(
    "installation_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),  # hex
)
