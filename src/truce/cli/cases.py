"""Cases on the command line: findings put to the guarantors, their replies, joint review and
sign-off. Each act is done as the user given by `--as USER` (else the operations centre)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from truce.cli import remote
from truce.cli.main import App, acting, agreement_option, as_json, cli, pass_app
from truce.cli.render import echo_json, echo_json_lines
from truce.domain.access import Principal
from truce.domain.cases import Case, CaseEvent, Evidence, ReplyKind, Vote
from truce.domain.errors import InputRejected
from truce.ledger import acts
from truce.services import cases as case_service
from truce.services.session import UnitOfWork

AT = click.option(
    "--at",
    "at",
    type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
    help="The time of the act, UTC (default: now). For replaying or testing deadlines.",
)


def _now(app: App, at: datetime | None) -> datetime:
    return at.replace(tzinfo=app.now().tzinfo) if at else app.now()


@cli.group()
def cases() -> None:
    """Cases: findings put to the guarantors, their replies, joint review and sign-off."""


def _line(case: Case, now: datetime, whole: bool = True) -> str:
    if not whole:
        # Not published, and the agreement does not let this user see it whole.
        return f"{case.id}  {case.state.value:<18} (round {case.round}; not published)"
    due = f"due {case.reply_due:%Y-%m-%d %H:%M}" if case.reply_due else ""
    overdue = " OVERDUE" if case.overdue(now) else ""
    escalated = f" escalated x{case.escalations}" if case.escalations else ""
    head = f"{case.id}  {case.state.value:<18} {case.category.value:<20}"
    return (
        f"{head} {case.accused_side or '-':<11} answerable: {','.join(case.answerable)}  "
        f"{due}{overdue}{escalated}"
    )


def _plain(case: Case, now: datetime, whole: bool = True) -> dict[str, Any]:
    return case.to_plain() | {"overdue": case.overdue(now), "whole": whole}


@cases.command("open")
@agreement_option
@acting
@AT
@pass_app
def cases_open(app: App, agreement: str | None, at: datetime | None) -> None:
    """Open a case for every violation (or contested exclusion) that has none, routed to the
    guarantors answerable for the side held responsible."""
    now = _now(app, at)
    with app.uow() as uow:
        opened = case_service.open_cases(
            uow=uow, who=app.principal(uow), agreement_id=app.agreement(agreement), now=now
        )
    click.echo(f"{len(opened)} case(s) opened")
    for case in opened:
        click.echo("  " + _line(case, now))


@cases.command("list")
@click.option("--state", default=None, help="Only cases in this state.")
@click.option(
    "--inbox",
    is_flag=True,
    help="Only the cases awaiting my member's reply or vote, overdue first.",
)
@as_json
@acting
@AT
@pass_app
def cases_list(
    app: App, state: str | None, inbox: bool, as_json: bool, at: datetime | None
) -> None:
    """List cases (JSON Lines with --json)."""
    now = _now(app, at)
    with app.uow(read_only=True) as uow:
        who = app.principal(uow)
        found = (
            [case_service.Seen(c, True) for c in case_service.inbox(uow=uow, who=who, now=now)]
            if inbox
            else case_service.cases(uow=uow, who=who, state=state)
        )
    if as_json:
        echo_json_lines(_plain(s.case, now, s.whole) for s in found)
        return
    for shown in found:
        click.echo(_line(shown.case, now, shown.whole))
    if not found:
        click.echo("no cases")


def _event_line(event: CaseEvent, signed: str) -> str:
    """`signed`: how the step's ledger entry was signed (`truce.ledger.attestation`)."""
    change = f"{event.before.value if event.before else '-'} -> {event.after.value}"
    details = ", ".join(f"{k}: {v}" for k, v in event.details.items() if v not in (None, [], ""))
    who = f"{event.user} ({event.member}, {signed})"
    return f"  {event.at:%Y-%m-%d %H:%M}  {event.action.value:<22} {who}  {change}  {details}"


@cases.command("show")
@click.argument("case_id")
@as_json
@acting
@pass_app
def cases_show(app: App, case_id: str, as_json: bool) -> None:
    """A case with its timeline."""
    with app.uow(read_only=True) as uow:
        case, whole, events, signed = case_service.timeline(
            uow=uow, who=app.principal(uow), case_id=case_id
        )
    now = app.now()
    if as_json:
        timeline = [e.to_plain() | {"attested": s} for e, s in zip(events, signed, strict=True)]
        echo_json({"case": _plain(case, now, whole), "timeline": timeline})
        return
    click.echo(_line(case, now, whole))
    if whole:
        click.echo(
            f"incident {case.incident_id}; informed: {', '.join(case.informed)}; round {case.round}"
        )
    else:
        click.echo(f"incident {case.incident_id}; the case is shown whole once published")
    for reason in case.reasons:
        click.echo(f"  because {reason}")
    for request in case.reopen_requests:
        decided = f" by {request.decided_by}: {request.reason}" if request.decided_by else ""
        click.echo(
            f"  request {request.number} to reopen, by {request.user} ({request.member}): "
            f"{request.status.value}{decided}"
        )
    click.echo("timeline:")
    for event, how in zip(events, signed, strict=True):
        click.echo(_event_line(event, how))


def _act(app: App, do: Callable[[UnitOfWork, Principal], Case]) -> None:
    if app.server:
        raise InputRejected("--server: only `cases reply` and `cases review` act through a server")
    with app.uow() as uow:
        who = app.principal(uow)
        shown = case_service.seen(uow, who, do(uow, who))
    click.echo(_line(shown.case, app.now(), shown.whole))


PASSPHRASE_FILE = click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False),
    help="With --server: the file whose first line unseals the member's key "
    "(default: $TRUCE_KEY_PASSPHRASE).",
)


def _remotely(
    app: App, kind: str, case_id: str, fields: dict[str, Any], pass_file: str | None
) -> None:
    """Sign the act with the member's own key and send it to the server (remote mode)."""
    if app.key_dir and Path(app.key_dir).resolve().is_relative_to(app.settings.keys_dir.resolve()):
        # A member key left in the server's directory (before `truce keys handover`) was held
        # by the server: an act signed with it must not be shown as member-signed.
        raise InputRejected(
            f"--key: {app.key_dir} is in the server's key directory (TRUCE_KEYS_DIR); a member "
            "signs with the key kept on its own machine"
        )
    default = app.settings.key_passphrase
    case, key = remote.signed_act(
        server=app.server,
        token=app.token,
        key_dir=app.key_dir,
        passphrase=remote.passphrase_of(pass_file, default.get_secret_value() if default else None),
        kind=kind,
        case_id=case_id,
        fields=fields,
    )
    click.echo(f"{case['id']}  {case['state']:<18} signed by {key.member} with key {key.id}")


REMOTE_HELP = (
    " With --server URL --token TOKEN --key DIR, the act is signed with the member's own key"
    " from DIR (MEMBER.key) on this machine and sent to the server: member-signed. Without,"
    " it is done on the local store and the operator signs it for the member."
)


@cases.command("reply", help="Reply to a case for an answerable guarantor." + REMOTE_HELP)
@click.argument("case_id")
@click.option("--kind", required=True, type=click.Choice([k.value for k in ReplyKind]))
@click.option("--text", required=True)
@click.option("--counter-claim", default=None, help="Required when disputing.")
@PASSPHRASE_FILE
@acting
@AT
@pass_app
def cases_reply(
    app: App,
    case_id: str,
    kind: str,
    text: str,
    counter_claim: str | None,
    passphrase_file: str | None,
    at: datetime | None,
) -> None:
    if app.server:
        fields = {"kind": kind, "text": text, "counter_claim": counter_claim}
        _remotely(app, acts.REPLY, case_id, fields, passphrase_file)
        return
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.reply(
            uow=uow,
            who=who,
            case_id=case_id,
            kind=ReplyKind(kind),
            text=text,
            counter_claim=counter_claim,
            now=now,
        ),
    )


@cases.command(
    "review",
    help="A guarantor's vote in joint review: confirm, cannot_confirm or dissent." + REMOTE_HELP,
)
@click.argument("case_id")
@click.option("--vote", required=True, type=click.Choice([v.value for v in Vote]))
@click.option("--reason", default=None, help="Required unless confirming.")
@PASSPHRASE_FILE
@acting
@AT
@pass_app
def cases_review(
    app: App,
    case_id: str,
    vote: str,
    reason: str | None,
    passphrase_file: str | None,
    at: datetime | None,
) -> None:
    if app.server:
        fields = {"vote": vote, "reason": reason}
        _remotely(app, acts.REVIEW, case_id, fields, passphrase_file)
        return
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.review(
            uow=uow, who=who, case_id=case_id, vote=Vote(vote), reason=reason, now=now
        ),
    )


@cases.command("propose")
@click.argument("case_id")
@acting
@AT
@pass_app
def cases_propose(app: App, case_id: str, at: datetime | None) -> None:
    """Put the incident's current finding to the guarantors for joint review."""
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.propose_finding(uow=uow, who=who, case_id=case_id, now=now),
    )


@cases.command("request")
@click.argument("case_id")
@click.option("--question", required=True)
@acting
@AT
@pass_app
def cases_request(app: App, case_id: str, question: str, at: datetime | None) -> None:
    """Ask the answerable guarantors for clarification (a new deadline starts)."""
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.request_clarification(
            uow=uow, who=who, case_id=case_id, question=question, now=now
        ),
    )


@cases.command("publish")
@click.argument("case_id")
@acting
@AT
@pass_app
def cases_publish(app: App, case_id: str, at: datetime | None) -> None:
    """Publish an adopted or disputed case."""
    now = _now(app, at)
    _act(app, lambda uow, who: case_service.publish(uow=uow, who=who, case_id=case_id, now=now))


@cases.command("close")
@click.argument("case_id")
@click.option("--reason", required=True)
@acting
@AT
@pass_app
def cases_close(app: App, case_id: str, reason: str, at: datetime | None) -> None:
    """Close a case (not an incident), with the reason."""
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.close(
            uow=uow, who=who, case_id=case_id, reason=reason, now=now
        ),
    )


@cases.command("reopen")
@click.argument("case_id")
@click.option("--evidence", required=True, help="What the new evidence shows.")
@click.option("--document", default=None, help="The evidence's document ID (one you submitted).")
@click.option("--report", default=None, help="The evidence's report ID.")
@acting
@AT
@pass_app
def cases_reopen(
    app: App,
    case_id: str,
    evidence: str,
    document: str | None,
    report: str | None,
    at: datetime | None,
) -> None:
    """Reopen a case on new evidence (a stored document or report, or both); its history is
    kept. A party's liaison files a request to reopen, which an analyst accepts or declines."""
    now = _now(app, at)
    cited = Evidence(statement=evidence, document_id=document, report_id=report)
    with app.uow() as uow:
        who = app.principal(uow)
        done = case_service.reopen(uow=uow, who=who, case_id=case_id, evidence=cited, now=now)
        shown = case_service.seen(uow, who, done.case)
    if done.request is not None:
        click.echo(
            f"request {done.request.number} to reopen case {case_id} filed: an analyst accepts "
            "or declines it"
        )
    click.echo(_line(shown.case, now, shown.whole))


@cases.command("requests")
@acting
@pass_app
def cases_requests(app: App) -> None:
    """Parties' requests to reopen a case that await a decision, oldest first."""
    with app.uow(read_only=True) as uow:
        pending = case_service.pending_requests(uow=uow, who=app.principal(uow))
    for case_id, _, request in pending:
        cited = ", ".join(
            f"{k} {v}"
            for k, v in (
                ("document", request.evidence.document_id),
                ("report", request.evidence.report_id),
            )
            if v
        )
        click.echo(
            f"{case_id}  request {request.number}  {request.at:%Y-%m-%d %H:%M}  "
            f"{request.user} ({request.member})  {cited}: {request.evidence.statement}"
        )
    if not pending:
        click.echo("no requests await a decision")


@cases.command("accept-reopen")
@click.argument("case_id")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why the request is accepted.")
@acting
@AT
@pass_app
def cases_accept_reopen(
    app: App, case_id: str, number: int, reason: str, at: datetime | None
) -> None:
    """Accept request NUMBER to reopen CASE_ID: the case reopens on its evidence."""
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.accept_reopen(
            uow=uow, who=who, case_id=case_id, number=number, reason=reason, now=now
        ),
    )


@cases.command("decline-reopen")
@click.argument("case_id")
@click.argument("number", type=click.IntRange(min=1))
@click.option("--reason", required=True, help="Why the request is declined.")
@acting
@AT
@pass_app
def cases_decline_reopen(
    app: App, case_id: str, number: int, reason: str, at: datetime | None
) -> None:
    """Decline request NUMBER to reopen CASE_ID, with reasons; the case stays as it is."""
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.decline_reopen(
            uow=uow, who=who, case_id=case_id, number=number, reason=reason, now=now
        ),
    )


@cases.command("escalate")
@acting
@AT
@pass_app
def cases_escalate(app: App, at: datetime | None) -> None:
    """Escalate every case whose reply is overdue (at --at, or now)."""
    now = _now(app, at)
    with app.uow() as uow:
        who = app.principal(uow)
        escalated = case_service.escalate_overdue(uow=uow, who=who, now=now)
        shown = [case_service.seen(uow, who, c) for c in escalated]
    lines = [_line(s.case, now, s.whole) for s in shown]
    click.echo(f"{len(escalated)} overdue case(s) escalated")
    for line in lines:
        click.echo("  " + line)
