"""Cases on the command line: findings put to the guarantors, their replies, joint review and
sign-off. Each act is done as the user given by `--as USER` (else the operations centre)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from truce.cli.main import App, acting, agreement_option, as_json, cli, pass_app
from truce.cli.render import echo_json, echo_json_lines
from truce.domain.access import Principal
from truce.domain.cases import Case, CaseEvent, ReplyKind, Vote
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


def _line(case: Case, now: datetime) -> str:
    due = f"due {case.reply_due:%Y-%m-%d %H:%M}" if case.reply_due else ""
    overdue = " OVERDUE" if case.overdue(now) else ""
    escalated = f" escalated x{case.escalations}" if case.escalations else ""
    head = f"{case.id}  {case.state.value:<18} {case.category.value:<20}"
    return (
        f"{head} {case.accused_side or '-':<11} answerable: {','.join(case.answerable)}  "
        f"{due}{overdue}{escalated}"
    )


def _plain(case: Case, now: datetime) -> dict[str, Any]:
    return case.to_plain() | {"overdue": case.overdue(now)}


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
            case_service.inbox(uow=uow, who=who, now=now)
            if inbox
            else case_service.cases(uow=uow, who=who, state=state)
        )
    if as_json:
        echo_json_lines(_plain(case, now) for case in found)
        return
    for case in found:
        click.echo(_line(case, now))
    if not found:
        click.echo("no cases")


def _event_line(event: CaseEvent) -> str:
    change = f"{event.before.value if event.before else '-'} -> {event.after.value}"
    details = ", ".join(f"{k}: {v}" for k, v in event.details.items() if v not in (None, [], ""))
    who = f"{event.user} ({event.member})"
    return f"  {event.at:%Y-%m-%d %H:%M}  {event.action.value:<22} {who}  {change}  {details}"


@cases.command("show")
@click.argument("case_id")
@as_json
@acting
@pass_app
def cases_show(app: App, case_id: str, as_json: bool) -> None:
    """A case with its timeline."""
    with app.uow(read_only=True) as uow:
        case, events = case_service.timeline(uow=uow, who=app.principal(uow), case_id=case_id)
    now = app.now()
    if as_json:
        echo_json({"case": _plain(case, now), "timeline": [e.to_plain() for e in events]})
        return
    click.echo(_line(case, now))
    click.echo(
        f"incident {case.incident_id}; informed: {', '.join(case.informed)}; round {case.round}"
    )
    for reason in case.reasons:
        click.echo(f"  because {reason}")
    click.echo("timeline:")
    for event in events:
        click.echo(_event_line(event))


def _act(app: App, do: Callable[[UnitOfWork, Principal], Case]) -> None:
    with app.uow() as uow:
        case = do(uow, app.principal(uow))
    click.echo(_line(case, app.now()))


@cases.command("reply")
@click.argument("case_id")
@click.option("--kind", required=True, type=click.Choice([k.value for k in ReplyKind]))
@click.option("--text", required=True)
@click.option("--counter-claim", default=None, help="Required when disputing.")
@acting
@AT
@pass_app
def cases_reply(
    app: App, case_id: str, kind: str, text: str, counter_claim: str | None, at: datetime | None
) -> None:
    """Reply to a case for an answerable guarantor."""
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


@cases.command("review")
@click.argument("case_id")
@click.option("--vote", required=True, type=click.Choice([v.value for v in Vote]))
@click.option("--reason", default=None, help="Required unless confirming.")
@acting
@AT
@pass_app
def cases_review(
    app: App, case_id: str, vote: str, reason: str | None, at: datetime | None
) -> None:
    """A guarantor's vote in joint review: confirm, cannot_confirm or dissent."""
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
@click.option("--evidence", required=True, help="What the new evidence is.")
@acting
@AT
@pass_app
def cases_reopen(app: App, case_id: str, evidence: str, at: datetime | None) -> None:
    """Reopen a case on new evidence; its history is kept."""
    now = _now(app, at)
    _act(
        app,
        lambda uow, who: case_service.reopen(
            uow=uow, who=who, case_id=case_id, evidence=evidence, now=now
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
        escalated = case_service.escalate_overdue(uow=uow, who=app.principal(uow), now=now)
    click.echo(f"{len(escalated)} overdue case(s) escalated")
    for case in escalated:
        click.echo("  " + _line(case, now))
