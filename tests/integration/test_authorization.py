"""The authorization matrix: every service-layer use case, called by every role, on SQLite and
PostgreSQL. A role the policy refuses gets Forbidden and leaves no trace (no ledger entry, no
stored change); a role it allows gets through. Member-specific guards (only an answerable
guarantor replies, only the agreement's guarantors vote) are tested beside the matrix."""

from __future__ import annotations

import hashlib
import inspect
import io
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import truce.services
from truce import scenarios
from truce.domain.access import Principal, Role, UseCase, allowed
from truce.domain.cases import (
    Action,
    CaseEvent,
    CaseState,
    Evidence,
    ReopenRequest,
    ReplyKind,
    Vote,
)
from truce.domain.documents import Channel
from truce.domain.errors import Forbidden
from truce.domain.reviews import ReviewAction
from truce.ledger import note
from truce.ledger.keys import SigningKey
from truce.services import (
    accounts,
    check,
    counts,
    dashboard,
    documents,
    incident_export,
    incident_page,
    ledger,
    listing,
    members,
    passwords,
    principals,
    reference,
    structured,
    summary,
    tiles,
    tokens,
    trust,
    views,
    witnessing,
)
from truce.services import cases as flow
from truce.services.assessment import assess_incidents, tally_for_day
from truce.services.datasets import export_reports, import_dataset, reprocess_document
from truce.services.extraction import ingest_document, rerun_document, store_resources, submit_text
from truce.services.incidents import fuse, merge_incidents, split_incident
from truce.services.intake import receive_document
from truce.services.processing import document_status
from truce.services.reviews import review_report, reviewed_report
from truce.services.scenarios import load_scenario
from truce.store.keyring import Keyring
from truce.store.uow import UnitOfWork

AGREEMENT = "astana-2016"
NOW = datetime(2017, 1, 12, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
OVERDUE = NOW + timedelta(hours=73)  # the scenario's reply deadline is 72 hours
MAX = 1 << 20
HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
)
# A government air strike on civilians: a serious violation by the government side, which
# Russia and Iran answer for (Turkey is informed).
ROW = (
    "SYR90001,2017-01-09,2017,1,Political violence,Explosions/Remote violence,Air/drone strike,"
    "Military Forces of Syria (2000-),,8,Civilians (Syria),,7,Government and civilians,"
    "Civilians targeted,760,Middle East,Syria,Idleb,Maarrat An Nu'man,,Maarat al-Numan,35.6476,"
    '36.6747,1,SOHR,National,"Warplanes struck a market in Maarat al-Numan, killing 6 civilians.",'
    "6,,1484000000"
)
# Another event, far away and days apart: a second incident.
ROW2 = (
    "SYR90002,2017-01-03,2017,1,Political violence,Explosions/Remote violence,Air/drone strike,"
    "Military Forces of Syria (2000-),,8,Civilians (Syria),,7,Government and civilians,"
    "Civilians targeted,760,Middle East,Syria,Aleppo,Al Bab,,Al Bab,36.3705,"
    '37.5157,1,SOHR,National,"Warplanes struck a bakery in Al Bab, killing 3 civilians.",3,,'
    "1483400000"
)
CSV = (HEADER + "\n" + ROW + "\n").encode()
CSV2 = (HEADER + "\n" + ROW2 + "\n").encode()
TEXT = (
    "Damascus, 9 January 2017 (SANA) - Terrorist groups fired rocket shells on residential "
    "neighbourhoods of Maarat al-Numan in Idleb countryside on Monday, killing two civilians."
)
WITNESS = next(r for r in scenarios.load(AGREEMENT).sample_reports if r["source"] == "Witness WB-1")

MEMBER_OF = {
    Role.ADMINISTRATOR: "un",
    Role.ANALYST: "un",
    Role.GUARANTOR: "russia",  # answers for the government side: may reply to its cases
    Role.LIAISON: "syria-gov",
    Role.OBSERVER: "usa",
    Role.PUBLIC: "un",
}


def principal(role: Role, member: str | None = None) -> Principal:
    member = member or MEMBER_OF[role]
    return Principal(user=f"{member}-{role.value}", member=member, role=role)


ANALYST = principal(Role.ANALYST)


@dataclass
class Store:
    """A store with the Astana scenario and one imported report (incident, serious finding)."""

    uow: UnitOfWork
    tmp: Path
    document_id: str
    report_id: str
    incident_id: str
    case_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def store(engine: Engine, tmp_path: Path) -> Iterator[Store]:
    with UnitOfWork(engine, Keyring(tmp_path / "keys")) as uow:
        load_scenario(uow=uow, who=ANALYST, name=AGREEMENT)
        imported = import_dataset(
            uow=uow,
            fmt="acled",
            content=CSV,
            now=NOW,
            max_bytes=MAX,
            filename="one.csv",
            who=ANALYST,
        )
        ((report_id, _),) = [(r.id, r) for r in uow.reports.iter_current()]
        (incident,) = uow.incidents.all()
        yield Store(uow, tmp_path, imported.document_id, report_id, incident.id)


def trace(uow: UnitOfWork) -> tuple[Any, ...]:
    """Everything a use case could leave behind, read in the caller's transaction (so that
    uncommitted writes count too)."""
    return (
        uow.ledger.size(),
        uow.documents.count(),
        uow.reports.count(current_only=False),
        sorted((i.id, i.report_ids) for i in uow.incidents.all()),
        [f.to_plain() for f in uow.findings.all_current(AGREEMENT)],
        [(c.to_plain(), len(uow.cases.events(c.id))) for c in uow.cases.all()],
        uow.users.all(),
        [k.to_plain() for k in uow.keys.all()],
        len(uow.ledger.checkpoints()),
    )


# ---------------------------------------------------------------------------------------------
# Set-ups (once per test) and preparations (before every call, so each role meets the same state)


def _nothing(s: Store) -> None:
    pass


def _open_case(s: Store) -> None:
    s.case_id = flow.open_case(
        uow=s.uow, who=ANALYST, incident_id=s.incident_id, agreement_id=AGREEMENT, now=NOW
    ).id


def _set_case(s: Store, state: CaseState, **update: Any) -> None:
    """Put the case in a state directly (a fresh round: no replies, ballots or escalations)."""
    case = s.uow.cases.get(s.case_id)
    fresh = {
        "state": state,
        "replies": (),
        "ballots": (),
        "escalations": 0,
        "question": None,
        "reply_due": NOW + timedelta(hours=72),
    }
    new = case.model_copy(update=fresh | update)
    event = CaseEvent(
        case_id=case.id,
        action=Action.OPEN,
        user="test",
        member="un",
        role=Role.ANALYST,
        before=case.state,
        after=new.state,
        at=NOW,
        details={"test": "reset"},
    )
    s.uow.cases.put(new, event)
    s.uow.commit()


def _in(state: CaseState) -> Callable[[Store], None]:
    return lambda s: _set_case(s, state)


def _second_incident(s: Store) -> None:
    import_dataset(
        uow=s.uow,
        fmt="acled",
        content=CSV2,
        now=NOW,
        max_bytes=MAX,
        filename="two.csv",
        who=ANALYST,
    )
    assert len(s.uow.incidents.all()) == 2


def _merged(s: Store) -> None:
    _second_incident(s)
    merged = merge_incidents(
        uow=s.uow,
        incident_ids=[i.id for i in s.uow.incidents.all()],
        reason="same strike",
        now=NOW,
        who=ANALYST,
    )
    s.extra["merged"] = merged.id


def _text_document(s: Store) -> None:
    submitted = submit_text(
        uow=s.uow,
        text=TEXT,
        now=NOW,
        max_bytes=MAX,
        resources=store_resources(s.uow),
        source="SANA",
        who=ANALYST,
    )
    s.extra["text_document"] = submitted.document_id


def _witness(s: Store) -> None:
    submitted = submit_text(
        uow=s.uow,
        text=WITNESS["text"],
        title=WITNESS["title"],
        source=WITNESS["source"],
        published=date.fromisoformat(WITNESS["published"]),
        now=NOW,
        max_bytes=MAX,
        resources=store_resources(s.uow),
        who=ANALYST,
    )
    (report,) = submitted.reports
    s.extra["witness_report"] = report.id
    (incident,) = [i for i in s.uow.incidents.all() if report.id in i.report_ids]
    s.extra["witness_incident"] = incident.id


# ---------------------------------------------------------------------------------------------
# The calls: each carries out its use case for `who`; `k` makes names unique per call.


def _own_documents(s: Store) -> None:
    """A document submitted by each role's user: a submitter may read its own's status."""
    for role in Role:
        who = principal(role)
        document, _ = receive_document(
            uow=s.uow,
            content=f"A note from {who.user}.".encode(),
            media_type="text/plain",
            channel=Channel.FILE,
            now=NOW,
            who=who,
            max_bytes=MAX,
        )
        s.extra[f"document:{who.user}"] = document.id


def _document_status(s: Store, who: Principal, k: int) -> object:
    return document_status(uow=s.uow, who=who, document_id=s.extra[f"document:{who.user}"])


Call = Callable[[Store, Principal, int], object]


def _submit_text(s: Store, who: Principal, k: int) -> object:
    return submit_text(
        uow=s.uow,
        text=f"{TEXT} ({k})",
        now=LATER,
        max_bytes=MAX,
        resources=store_resources(s.uow),
        source="SANA",
        who=who,
    )


def _ingest(s: Store, who: Principal, k: int) -> object:
    return ingest_document(
        uow=s.uow,
        content=f"{TEXT} ({k})".encode(),
        now=LATER,
        max_bytes=MAX,
        resources=store_resources(s.uow),
        filename=f"sana-{k}.txt",
        kind="text",
        who=who,
    )


def _import(s: Store, who: Principal, k: int) -> object:
    return import_dataset(
        uow=s.uow,
        fmt="acled",
        content=CSV2,
        now=LATER,
        max_bytes=MAX,
        filename=f"two-{k}.csv",
        who=who,
    )


def _reprocess(s: Store, who: Principal, k: int) -> object:
    return reprocess_document(uow=s.uow, document_id=s.document_id, now=LATER, who=who)


def _rerun(s: Store, who: Principal, k: int) -> object:
    return rerun_document(
        uow=s.uow,
        document_id=s.extra["text_document"],
        now=LATER,
        resources=store_resources(s.uow),
        who=who,
    )


def _report_view(s: Store, who: Principal, k: int) -> object:
    return views.report_view(uow=s.uow, who=who, report_id=s.report_id)


def _incident_view(s: Store, who: Principal, k: int) -> object:
    return views.incident_view(
        uow=s.uow, who=who, incident_id=s.incident_id, agreement_id=AGREEMENT
    )


def _cases(s: Store, who: Principal, k: int) -> object:
    return flow.cases(uow=s.uow, who=who)


def _inbox(s: Store, who: Principal, k: int) -> object:
    return flow.inbox(uow=s.uow, who=who, now=LATER)


def _signing(s: Store, who: Principal, k: int) -> object:
    return flow.signing(uow=s.uow, who=who, case_id=s.case_id)


def _signatures_required(s: Store, who: Principal, k: int) -> object:
    return flow.signatures_required(uow=s.uow, who=who, cases=[s.uow.cases.get(s.case_id)])


def _timeline(s: Store, who: Principal, k: int) -> object:
    return flow.timeline(uow=s.uow, who=who, case_id=s.case_id)


def _sees_witness_report(s: Store, who: Principal, k: int) -> bool:
    report = views.report_view(uow=s.uow, who=who, report_id=s.extra["witness_report"])
    return "Witness WB-1" in {source.name for source in report.sources}


def _sees_witness_incident(s: Store, who: Principal, k: int) -> bool:
    incident, reports, _ = views.incident_view(
        uow=s.uow, who=who, incident_id=s.extra["witness_incident"], agreement_id=AGREEMENT
    )
    names = {source.name for report in reports for source in report.sources}
    return "Witness WB-1" in names and incident.location_name == "Ain al-Fijah"


def _review_report(s: Store, who: Principal, k: int) -> object:
    return review_report(
        uow=s.uow, report_id=s.report_id, action=ReviewAction.ACCEPT, now=LATER, who=who
    )


def _fuse(s: Store, who: Principal, k: int) -> object:
    return fuse(uow=s.uow, now=LATER, rebuild=True, who=who)


def _merge(s: Store, who: Principal, k: int) -> object:
    return merge_incidents(
        uow=s.uow,
        incident_ids=[i.id for i in s.uow.incidents.all()],
        reason="one strike",
        now=LATER,
        who=who,
    )


def _split(s: Store, who: Principal, k: int) -> object:
    return split_incident(
        uow=s.uow,
        incident_id=s.extra["merged"],
        report_ids=[s.report_id],
        reason="two strikes",
        now=LATER,
        who=who,
    )


def _assess(s: Store, who: Principal, k: int) -> object:
    return assess_incidents(uow=s.uow, agreement_id=AGREEMENT, now=LATER, who=who)


def _open_one(s: Store, who: Principal, k: int) -> object:
    return flow.open_case(
        uow=s.uow, who=who, incident_id=s.incident_id, agreement_id=AGREEMENT, now=LATER
    )


def _open_all(s: Store, who: Principal, k: int) -> object:
    opened = flow.open_cases(uow=s.uow, who=who, agreement_id=AGREEMENT, now=LATER)
    assert len(opened) == 1
    return opened


def _clarify(s: Store, who: Principal, k: int) -> object:
    return flow.request_clarification(
        uow=s.uow, who=who, case_id=s.case_id, question="Which market?", now=LATER
    )


def _reply(s: Store, who: Principal, k: int) -> object:
    return flow.reply(
        uow=s.uow,
        who=who,
        case_id=s.case_id,
        kind=ReplyKind.ACKNOWLEDGED,
        text="We are looking into it.",
        now=LATER,
    )


def _propose(s: Store, who: Principal, k: int) -> object:
    return flow.propose_finding(uow=s.uow, who=who, case_id=s.case_id, now=LATER)


def _vote(s: Store, who: Principal, k: int) -> object:
    return flow.review(uow=s.uow, who=who, case_id=s.case_id, vote=Vote.CONFIRM, now=LATER)


def _access_denied(s: Store, who: Principal, k: int) -> object:
    return flow.record_access_denied(
        uow=s.uow, who=who, case_id=s.case_id, where="the market", now=LATER
    )


def _close(s: Store, who: Principal, k: int) -> object:
    return flow.close(uow=s.uow, who=who, case_id=s.case_id, reason="not an incident", now=LATER)


def _publish(s: Store, who: Principal, k: int) -> object:
    return flow.publish(uow=s.uow, who=who, case_id=s.case_id, now=LATER)


def _evidence(s: Store) -> Evidence:
    return Evidence(statement="new photographs", report_id=s.report_id)


def _reopen(s: Store, who: Principal, k: int) -> object:
    return flow.reopen(uow=s.uow, who=who, case_id=s.case_id, evidence=_evidence(s), now=LATER)


def _reopen_directly(s: Store, who: Principal, k: int) -> object:
    return flow.reopen(
        uow=s.uow, who=who, case_id=s.case_id, evidence=_evidence(s), now=LATER, directly=True
    )


def _asked(s: Store) -> None:
    """A closed case with a party's request to reopen it awaiting a decision."""
    request = ReopenRequest(
        number=1, member="syria-gov", user="gov", at=NOW, round=1, evidence=_evidence(s)
    )
    _set_case(s, CaseState.CLOSED, reopen_requests=(request,))


def _accept_reopen(s: Store, who: Principal, k: int) -> object:
    return flow.accept_reopen(
        uow=s.uow, who=who, case_id=s.case_id, number=1, reason="new indeed", now=LATER
    )


def _decline_reopen(s: Store, who: Principal, k: int) -> object:
    return flow.decline_reopen(
        uow=s.uow, who=who, case_id=s.case_id, number=1, reason="not new", now=LATER
    )


def _pending_requests(s: Store, who: Principal, k: int) -> object:
    return flow.pending_requests(uow=s.uow, who=who)


def _check_cases(s: Store, who: Principal, k: int) -> object:
    return check.check_cases(uow=s.uow, who=who)


def _escalate(s: Store, who: Principal, k: int) -> object:
    escalated = flow.escalate_overdue(uow=s.uow, who=who, now=OVERDUE)
    assert [c.id for c in escalated] == [s.case_id]
    return escalated


def _add_user(s: Store, who: Principal, k: int) -> object:
    return members.add_user(
        uow=s.uow,
        who=who,
        user=f"officer-{k}",
        member="turkey",
        name="Officer",
        role=Role.GUARANTOR,
        now=LATER,
    )


def _keygen(s: Store, who: Principal, k: int) -> object:
    return members.keygen(
        uow=s.uow,
        who=who,
        member="turkey",
        now=LATER,
        key_dir=s.tmp / "turkey-keys",
        passphrase=None,
    )


def _checkpoint(s: Store, who: Principal, k: int) -> object:
    return ledger.checkpoint(uow=s.uow, who=who, now=LATER)


def _prove(s: Store, who: Principal, k: int) -> object:
    proof = ledger.prove(uow=s.uow, who=who, seq=0)
    assert ledger.check_proof(proof)
    return proof


def _export(s: Store, who: Principal, k: int) -> object:
    directory = s.tmp / f"bundle-{k}"
    count = ledger.export_bundle(uow=s.uow, who=who, directory=directory)
    assert (
        count == s.uow.ledger.size() == len((directory / ledger.ENTRIES).read_bytes().splitlines())
    )
    return count


def _trust(s: Store, who: Principal, k: int) -> object:
    made = trust.export_trust(uow=s.uow, who=who)
    assert made.members == {
        r.member: (r.public,) for r in s.uow.keys.all() if r.member != "operator"
    }
    return made


def _operator_vkey(s: Store, who: Principal, k: int) -> object:
    vkey = witnessing.operator_vkey(uow=s.uow, who=who)
    assert note.parse_verifier_key(vkey).public == s.uow.operator().public
    return vkey


def _with_checkpoint(s: Store) -> None:
    ledger.checkpoint(uow=s.uow, who=SYSTEM_ADMIN, now=LATER)


def _latest(s: Store, who: Principal, k: int) -> object:
    return witnessing.latest(uow=s.uow, who=who)


def _tiles_checkpoint(s: Store, who: Principal, k: int) -> object:
    return tiles.checkpoint(uow=s.uow, who=who)


def _tile(s: Store, who: Principal, k: int) -> object:
    return tiles.tile(uow=s.uow, who=who, path="tile/entries/000.p/1")


def _bundle_parts(s: Store, who: Principal, k: int) -> object:
    return tiles.bundle_parts(uow=s.uow, who=who)


def _consistency(s: Store, who: Principal, k: int) -> object:
    return witnessing.consistency(uow=s.uow, who=who, old=1, new=2)


def _witnessed(s: Store, who: Principal, k: int) -> object:
    return witnessing.witnessed(uow=s.uow, who=who)


def _register_witness(s: Store, who: Principal, k: int) -> object:
    key = SigningKey.generate("russia")
    vkey = note.verifier_key("russia", key.public, note.COSIGNATURE_V1)
    return witnessing.register(uow=s.uow, who=who, member="russia", vkey=vkey, now=LATER)


def _witness_ready(s: Store) -> None:
    """A checkpoint, and Russia's cosignature key registered (the matrix's guarantor)."""
    _with_checkpoint(s)
    key = SigningKey.generate("russia")
    vkey = note.verifier_key("russia", key.public, note.COSIGNATURE_V1)
    witnessing.register(uow=s.uow, who=SYSTEM_ADMIN, member="russia", vkey=vkey, now=LATER)
    s.extra["witness_key"] = key.seal(None).decode()


def _cosign(s: Store, who: Principal, k: int) -> object:
    key = SigningKey.unseal(s.extra["witness_key"].encode(), None)
    made = witnessing.latest(uow=s.uow, who=SYSTEM_ADMIN)
    line = note.cosignature_line(made.text, "russia", key, 1_500_000_000 + k)
    received = witnessing.cosign(
        uow=s.uow, who=who, checkpoint=made.note, cosignature=line, now=LATER
    )
    assert received.cosigned.witness == "russia" and not received.counts
    return received


SYSTEM_ADMIN = Principal("console", "un", Role.ADMINISTRATOR)


def _list(s: Store, who: Principal, k: int) -> object:
    return listing.list_incidents(
        uow=s.uow, who=who, agreement_id="astana-2016", filters=listing.IncidentFilter(), limit=10
    )


def _structured(s: Store, who: Principal, k: int) -> object:
    fields = {
        "date_start": "2017-02-01",
        "sub_event_type": "Armed clash",
        "event_type": "Battles",
        "notes": f"Clashes near Saraqib ({k}).",
    }
    return structured.submit_structured(
        uow=s.uow, who=who, fields=fields, now=LATER, max_bytes=1 << 20
    )


def _export_reports(s: Store, who: Principal, k: int) -> object:
    return export_reports(uow=s.uow, who=who, fmt="geojson")


def _bundle_zip(s: Store, who: Principal, k: int) -> object:
    data = ledger.bundle_zip(uow=s.uow, who=who)
    assert data.startswith(b"PK")  # a zip archive
    return data


def _review_queue(s: Store, who: Principal, k: int) -> object:
    return views.review_queue(uow=s.uow, who=who)


def _counts(s: Store, who: Principal, k: int) -> object:
    return counts.violation_counts(uow=s.uow, who=who, agreement_id="astana-2016")


def _reviewed_report(s: Store, who: Principal, k: int) -> object:
    return reviewed_report(uow=s.uow, who=who, report_id=s.report_id)


def _compliance_summary(s: Store, who: Principal, k: int) -> object:
    return summary.compliance_summary(uow=s.uow, who=who, agreement_id=AGREEMENT)


def _tally_for_day(s: Store, who: Principal, k: int) -> object:
    return tally_for_day(uow=s.uow, who=who, agreement_id=AGREEMENT, day=date(2017, 1, 9))


def _load_scenario(s: Store, who: Principal, k: int) -> object:
    return load_scenario(uow=s.uow, who=who, name=AGREEMENT)


def _agreements(s: Store, who: Principal, k: int) -> object:
    return reference.agreements(uow=s.uow, who=who)


def _agreement_view(s: Store, who: Principal, k: int) -> object:
    return reference.agreement_view(uow=s.uow, who=who, agreement_id=AGREEMENT)


def _zones(s: Store, who: Principal, k: int) -> object:
    return reference.zones(uow=s.uow, who=who, agreement_id=AGREEMENT)


def _members(s: Store, who: Principal, k: int) -> object:
    return reference.members(uow=s.uow, who=who)


def _checkpoints(s: Store, who: Principal, k: int) -> object:
    return reference.checkpoints(uow=s.uow, who=who)


def _ledger_status(s: Store, who: Principal, k: int) -> object:
    return reference.ledger_status(uow=s.uow, who=who)


def _incident_detail(s: Store, who: Principal, k: int) -> object:
    return incident_page.incident_detail(
        uow=s.uow, who=who, incident_id=s.incident_id, agreement_id=AGREEMENT
    )


def _dashboard(s: Store, who: Principal, k: int) -> object:
    return dashboard.dashboard(uow=s.uow, who=who, agreement_id=AGREEMENT)


def _documents(s: Store, who: Principal, k: int) -> object:
    return documents.documents(uow=s.uow, who=who)


def _incident_rows(s: Store, who: Principal, k: int) -> object:
    return list(incident_export.incident_rows(uow=s.uow, who=who, agreement_id=AGREEMENT))


def _export_incidents(s: Store, who: Principal, k: int) -> object:
    return incident_export.export_incidents(
        uow=s.uow, who=who, fmt="csv", out=io.StringIO(), agreement_id=AGREEMENT
    )


def _directory(s: Store, who: Principal, k: int) -> object:
    return principals.directory(uow=s.uow, who=who)


def _set_password(s: Store, who: Principal, k: int) -> object:
    passwords.set_password(
        uow=s.uow, who=who, user="analyst-0", password=f"quartz lantern {k} meridian", now=LATER
    )
    return True


def _issue_token(s: Store, who: Principal, k: int) -> object:
    return tokens.issue_token(uow=s.uow, who=who, user="analyst-0", now=LATER)


def _fresh_token(s: Store) -> None:
    token = tokens.issue_token(uow=s.uow, who=SYSTEM_ADMIN, user="analyst-0", now=LATER)
    s.extra["token_id"] = hashlib.sha256(token.encode()).hexdigest()[:16]


def _revoke_token(s: Store, who: Principal, k: int) -> object:
    tokens.revoke_token(uow=s.uow, who=who, token_id=s.extra["token_id"], now=LATER)
    return True


def _fresh_user(s: Store) -> None:
    """A new user to deactivate, for each call."""
    user = f"temp-{len(s.uow.users.all())}"
    members.add_user(
        uow=s.uow, who=SYSTEM_ADMIN, user=user, member="un", name="Temp", role=Role.ANALYST, now=NOW
    )
    s.extra["user"] = user


def _deactivate(s: Store, who: Principal, k: int) -> object:
    return members.deactivate_user(uow=s.uow, who=who, user=s.extra["user"], now=LATER)


def _accounts_overview(s: Store, who: Principal, k: int) -> object:
    return accounts.accounts_overview(uow=s.uow, who=who, now=LATER)


def _with_user(s: Store) -> None:
    if not any(p.user == "analyst-0" for p, _ in s.uow.users.all()):
        members.add_user(
            uow=s.uow,
            who=SYSTEM_ADMIN,
            user="analyst-0",
            member="un",
            name="Analyst",
            role=Role.ANALYST,
            now=LATER,
        )


@dataclass(frozen=True)
class Op:
    use_case: UseCase
    function: Callable[..., Any]  # the service function the call exercises
    call: Call
    setup: Callable[[Store], None] = _nothing
    prepare: Callable[[Store], None] = _nothing
    writes: bool | None = (
        True  # an allowed call adds to the ledger (None: only if something changed)
    )
    sees: bool = False  # VIEW_PROTECTED: the call says whether the protected source was shown

    @property
    def id(self) -> str:
        return f"{self.use_case.name}-{self.function.__name__}"


U = UseCase
OPS = (
    Op(U.SUBMIT_REPORT, submit_text, _submit_text),
    Op(U.SUBMIT_REPORT, ingest_document, _ingest),
    Op(U.SUBMIT_REPORT, document_status, _document_status, setup=_own_documents, writes=False),
    Op(U.IMPORT_DATA, import_dataset, _import),
    Op(U.IMPORT_DATA, reprocess_document, _reprocess),
    Op(U.IMPORT_DATA, rerun_document, _rerun, setup=_text_document),
    Op(U.VIEW, views.report_view, _report_view, writes=False),
    Op(U.VIEW, views.incident_view, _incident_view, writes=False),
    Op(U.VIEW, flow.cases, _cases, setup=_open_case, writes=False),
    Op(U.VIEW, flow.inbox, _inbox, setup=_open_case, writes=False),
    Op(U.VIEW, flow.timeline, _timeline, setup=_open_case, writes=False),
    Op(U.VIEW, flow.signatures_required, _signatures_required, setup=_open_case, writes=False),
    Op(U.REPLY, flow.signing, _signing, setup=_open_case, writes=False),
    Op(
        U.VIEW_PROTECTED,
        views.report_view,
        _sees_witness_report,
        setup=_witness,
        writes=False,
        sees=True,
    ),
    Op(
        U.VIEW_PROTECTED,
        views.incident_view,
        _sees_witness_incident,
        setup=_witness,
        writes=False,
        sees=True,
    ),
    Op(U.REVIEW_REPORT, review_report, _review_report),
    Op(U.REVIEW_REPORT, views.review_queue, _review_queue, writes=False),
    Op(U.FUSE, fuse, _fuse),
    Op(U.FUSE, merge_incidents, _merge, setup=_second_incident),
    Op(U.FUSE, split_incident, _split, setup=_merged),
    Op(U.ASSESS, assess_incidents, _assess, writes=None),
    Op(U.OPEN_CASE, flow.open_case, _open_one),
    Op(U.OPEN_CASE, flow.open_cases, _open_all),
    Op(
        U.REQUEST_CLARIFICATION,
        flow.request_clarification,
        _clarify,
        _open_case,
        _in(CaseState.UNDER_VERIFICATION),
    ),
    Op(U.REPLY, flow.reply, _reply, _open_case, _in(CaseState.AWAITING_REPLY)),
    Op(
        U.PROPOSE_FINDING,
        flow.propose_finding,
        _propose,
        _open_case,
        _in(CaseState.UNDER_VERIFICATION),
    ),
    Op(U.REVIEW_CASE, flow.review, _vote, _open_case, _in(CaseState.JOINT_REVIEW)),
    Op(
        U.RECORD_ACCESS_DENIED,
        flow.record_access_denied,
        _access_denied,
        _open_case,
        _in(CaseState.AWAITING_REPLY),
    ),
    Op(U.CLOSE_CASE, flow.close, _close, _open_case, _in(CaseState.AWAITING_REPLY)),
    Op(U.PUBLISH, flow.publish, _publish, _open_case, _in(CaseState.ADOPTED)),
    Op(U.REOPEN, flow.reopen, _reopen, _open_case, _in(CaseState.CLOSED)),
    Op(U.REOPEN_DIRECTLY, flow.reopen, _reopen_directly, _open_case, _in(CaseState.CLOSED)),
    Op(U.DECIDE_REOPENING, flow.accept_reopen, _accept_reopen, _open_case, _asked),
    Op(U.DECIDE_REOPENING, flow.decline_reopen, _decline_reopen, _open_case, _asked),
    Op(U.DECIDE_REOPENING, flow.pending_requests, _pending_requests, _open_case, writes=False),
    Op(U.READ_LEDGER, check.check_cases, _check_cases, _open_case, writes=False),
    Op(U.ESCALATE, flow.escalate_overdue, _escalate, _open_case, _in(CaseState.AWAITING_REPLY)),
    Op(U.MANAGE_MEMBERS, members.add_user, _add_user),
    Op(U.MANAGE_MEMBERS, members.keygen, _keygen),
    Op(U.MANAGE_MEMBERS, members.deactivate_user, _deactivate, prepare=_fresh_user),
    Op(U.MANAGE_MEMBERS, accounts.accounts_overview, _accounts_overview, writes=False),
    Op(U.MANAGE_MEMBERS, passwords.set_password, _set_password, setup=_with_user),
    Op(U.MANAGE_MEMBERS, tokens.issue_token, _issue_token, setup=_with_user),
    Op(
        U.MANAGE_MEMBERS, tokens.revoke_token, _revoke_token, setup=_with_user, prepare=_fresh_token
    ),
    Op(U.VIEW, listing.list_incidents, _list, writes=False),
    Op(U.VIEW, counts.violation_counts, _counts, writes=False),
    Op(U.VIEW, export_reports, _export_reports, writes=False),
    Op(U.SUBMIT_REPORT, structured.submit_structured, _structured),
    Op(U.CHECKPOINT, ledger.checkpoint, _checkpoint),
    Op(U.READ_LEDGER, witnessing.operator_vkey, _operator_vkey, writes=None),
    Op(U.READ_LEDGER, witnessing.latest, _latest, setup=_with_checkpoint, writes=False),
    Op(U.READ_LEDGER, witnessing.consistency, _consistency, writes=False),
    Op(U.READ_LEDGER, witnessing.witnessed, _witnessed, writes=False),
    Op(U.MANAGE_MEMBERS, witnessing.register, _register_witness),
    Op(U.WITNESS, witnessing.cosign, _cosign, setup=_witness_ready, writes=False),
    Op(U.READ_LEDGER, ledger.prove, _prove, writes=False),
    Op(U.READ_LEDGER, ledger.export_bundle, _export, writes=False),
    Op(U.READ_LEDGER, trust.export_trust, _trust, writes=False),
    Op(U.READ_LEDGER, ledger.bundle_zip, _bundle_zip, writes=False),
    Op(U.READ_LEDGER, tiles.checkpoint, _tiles_checkpoint, setup=_with_checkpoint, writes=False),
    Op(U.READ_LEDGER, tiles.tile, _tile, writes=False),
    Op(U.READ_LEDGER, tiles.bundle_parts, _bundle_parts, writes=False),
    Op(U.VIEW, reviewed_report, _reviewed_report, writes=False),
    Op(U.VIEW, summary.compliance_summary, _compliance_summary, writes=False),
    Op(U.VIEW, tally_for_day, _tally_for_day, writes=False),
    Op(U.IMPORT_DATA, load_scenario, _load_scenario),
    Op(U.VIEW, reference.agreements, _agreements, writes=False),
    Op(U.VIEW, reference.agreement_view, _agreement_view, writes=False),
    Op(U.VIEW, reference.zones, _zones, writes=False),
    Op(U.VIEW, reference.members, _members, writes=False),
    Op(U.READ_LEDGER, reference.checkpoints, _checkpoints, writes=False),
    Op(U.READ_LEDGER, reference.ledger_status, _ledger_status, writes=False),
    Op(U.VIEW, incident_page.incident_detail, _incident_detail, writes=False),
    Op(U.VIEW, dashboard.dashboard, _dashboard, writes=False),
    Op(U.IMPORT_DATA, documents.documents, _documents, writes=False),
    Op(U.VIEW, incident_export.incident_rows, _incident_rows, writes=False),
    Op(U.VIEW, incident_export.export_incidents, _export_incidents, writes=False),
    Op(U.VIEW, principals.directory, _directory, writes=False),
)


def test_the_matrix_covers_every_use_case() -> None:
    assert {op.use_case for op in OPS} == set(UseCase)
    assert len({op.id for op in OPS}) == len(OPS)


# Service functions that take a principal but carry out no use case of their own: redaction
# helpers, and steps that use cases run after their own check (placing, judging, refreshing,
# receiving a document's bytes, recording fusion), or the demo, which acts for the principals
# it is given through the use cases above.
HELPERS = {
    "truce.services.views.sees_protected",
    "truce.services.views.shown",
    "truce.services.cases.seen",
    "truce.services.assessment.judge",
    "truce.services.incidents.place_reports",
    "truce.services.incidents.log_fusion",
    "truce.services.refresh.refresh",
    "truce.services.refresh.after_intake",
    "truce.services.intake.receive_document",
    "truce.services.extraction.store_parsed",  # for ingest_document and the processor
    "truce.services.demo.load_sample",
    "truce.services.demo.run_demo",
}


def test_every_service_function_that_takes_a_principal_is_in_the_matrix() -> None:
    """A new service function with a `who` must be added to the table above."""
    taking_who = set()
    for info in pkgutil.iter_modules(truce.services.__path__):
        module = import_module(f"truce.services.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            public = function.__module__ == module.__name__ and not name.startswith("_")
            if public and "who" in inspect.signature(function).parameters:
                taking_who.add(f"{module.__name__}.{name}")
    in_table = {f"{op.function.__module__}.{op.function.__name__}" for op in OPS}
    assert taking_who - HELPERS - in_table == set()


@pytest.mark.parametrize("op", OPS, ids=[op.id for op in OPS])
def test_each_role_is_refused_exactly_when_the_policy_says(store: Store, op: Op) -> None:
    op.setup(store)
    # Refused roles first, on the state an allowed role would meet: they must be refused for
    # their role, not for the state an allowed call left behind.
    roles = sorted(Role, key=lambda r: allowed(principal(r), op.use_case))
    for k, role in enumerate(roles):
        who = principal(role)
        op.prepare(store)
        before = trace(store.uow)
        size = store.uow.ledger.size()
        if op.sees:
            assert op.call(store, who, k) is allowed(who, op.use_case), who
            assert store.uow.ledger.size() == size
        elif allowed(who, op.use_case):
            op.call(store, who, k)  # any error fails the test, Forbidden above all
            if op.writes is not None:
                assert (store.uow.ledger.size() > size) is op.writes, who
        else:
            with pytest.raises(Forbidden) as refused:
                op.call(store, who, k)
            assert op.use_case.value in str(refused.value) and str(who) in str(refused.value)
            assert store.uow.ledger.size() == size, f"{who}: a refused call wrote to the ledger"
            assert trace(store.uow) == before, f"{who}: a refused call changed the store"


# ---------------------------------------------------------------------------------------------
# Member-specific guards


def test_only_a_guarantor_answerable_for_the_accused_side_may_reply(store: Store) -> None:
    _open_case(store)
    case = store.uow.cases.get(store.case_id)
    assert (case.accused_side, case.answerable, case.informed) == (
        "government",
        ("russia", "iran"),
        ("turkey",),
    )
    for member in (
        "turkey",
        "usa",
        "syria-gov",
        "un",
    ):  # informed guarantor, and members guaranteeing nothing
        who = principal(Role.GUARANTOR, member)
        before = trace(store.uow)
        with pytest.raises(Forbidden, match="only russia, iran answer for the government side"):
            _reply(store, who, 0)
        assert trace(store.uow) == before, who
    size = store.uow.ledger.size()
    _reply(store, principal(Role.GUARANTOR, "russia"), 0)
    assert (
        store.uow.cases.get(store.case_id).state is CaseState.AWAITING_REPLY
    )  # Iran still owes a reply
    _reply(store, principal(Role.GUARANTOR, "iran"), 0)
    assert store.uow.cases.get(store.case_id).state is CaseState.UNDER_VERIFICATION
    assert store.uow.ledger.size() >= size + 2


def test_only_the_agreements_guarantors_may_vote_in_joint_review(store: Store) -> None:
    _open_case(store)
    _set_case(store, CaseState.JOINT_REVIEW)
    for member in ("usa", "syria-gov", "syria-opp", "un"):
        who = principal(Role.GUARANTOR, member)
        before = trace(store.uow)
        with pytest.raises(Forbidden, match="only the guarantors"):
            _vote(store, who, 0)
        assert trace(store.uow) == before, who
    for member in ("turkey", "russia", "iran"):  # the informed guarantor votes too
        _vote(store, principal(Role.GUARANTOR, member), 0)
    assert store.uow.cases.get(store.case_id).state is CaseState.ADOPTED


def test_a_guarantor_of_the_wrong_member_cannot_act_for_a_case_it_does_not_answer(
    store: Store,
) -> None:
    """An informed guarantor sees the case in no inbox of replies, and cannot reply for it."""
    _open_case(store)
    turkey = principal(Role.GUARANTOR, "turkey")
    assert flow.inbox(uow=store.uow, who=turkey, now=LATER) == []
    assert [c.id for c in flow.inbox(uow=store.uow, who=principal(Role.GUARANTOR), now=LATER)] == [
        store.case_id
    ]
    with pytest.raises(Forbidden):
        _reply(store, turkey, 0)


# ---------------------------------------------------------------------------------------------
# The role is checked before anything is looked up


def _public_opens_an_opened_case(s: Store) -> object:
    _open_case(s)
    return _open_one(s, principal(Role.PUBLIC), 0)


def _public_replies_to_no_case(s: Store) -> object:
    s.case_id = "case_does_not_exist"
    return _reply(s, principal(Role.PUBLIC), 0)


def _observer_publishes_no_case(s: Store) -> object:
    s.case_id = "case_does_not_exist"
    return _publish(s, principal(Role.OBSERVER), 0)


@pytest.mark.parametrize(
    "attempt",
    [_public_opens_an_opened_case, _public_replies_to_no_case, _observer_publishes_no_case],
)
def test_a_refused_role_gets_forbidden_whatever_the_state(
    store: Store, attempt: Callable[[Store], object]
) -> None:
    with pytest.raises(Forbidden):
        attempt(store)
