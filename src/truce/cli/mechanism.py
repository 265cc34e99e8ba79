"""The joint mechanism on the command line: members, cases, and the ledger.

Commands act as a user given by `--as USER` (looked up in the store: its member and role
decide what it may do). Without it, they act as the mechanism's own operations centre
(the UN chair's analyst), which may open and route cases but not reply for a guarantor.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from truce.cli.main import App, cli, pass_app
from truce.domain.access import SYSTEM, Principal, Role
from truce.domain.cases import Case, CaseEvent, ReplyKind, Vote
from truce.services import cases as case_service
from truce.services import ledger as ledger_service
from truce.services.members import add_user, keygen
from truce.store.uow import UnitOfWork

DEFAULT_AGREEMENT = "astana-2016"
AS = click.option(
    "--as", "user", metavar="USER", help="Act as this user (its member and role apply)."
)
AT = click.option("--at", "at", type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
                  help="The time of the act, UTC (default: now). For replaying or testing deadlines.")  # fmt: skip


def _who(uow: UnitOfWork, user: str | None) -> Principal:
    return uow.users.principal(user) if user else SYSTEM


def _now(app: App, at: datetime | None) -> datetime:
    return at.replace(tzinfo=app.now().tzinfo) if at else app.now()


# --- members ---------------------------------------------------------------------------


@cli.group()
def members() -> None:
    """Members, their users and their signing keys."""


@members.command("list")
@pass_app
def members_list(app: App) -> None:
    """Every member with its users and keys (current and retired)."""
    with app.uow() as uow:
        users = uow.users.all()
        keys = uow.keys.all()
        for member in uow.members.all():
            click.echo(f"{member.id}: {member.name} ({member.kind.value})")
            for principal, name in users:
                if principal.member == member.id:
                    click.echo(f"  user {principal.user}: {name}, {principal.role.value}")
            for key in keys:
                if key.member == member.id:
                    status = (
                        f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "current"
                    )
                    click.echo(
                        f"  key {key.key_id}: from {key.valid_from:%Y-%m-%d %H:%M}, {status}"
                    )


@members.command("keygen")
@click.argument("member")
@AS
@pass_app
def members_keygen(app: App, member: str, user: str | None) -> None:
    """Make MEMBER a new signing key (rotating out the current one, which is kept as retired).

    The private key is written to $TRUCE_KEYS_DIR (default ./truce-keys), sealed with
    $TRUCE_KEY_PASSPHRASE when it is set; only the public key goes to the database.
    """
    with app.uow() as uow:
        new, old = keygen(
            uow=uow, who=_who(uow, user) if user else _admin(uow), member=member, now=app.now()
        )
        click.echo(
            f"{member}: key {new.key_id} registered" + (f", replacing {old.key_id}" if old else "")
        )
        click.echo(f"private key: {uow.keyring.path(member)}")


def _admin(uow: UnitOfWork) -> Principal:
    # On the server's own console, key and user management acts as the chair's administrator.
    return Principal(user="console", member=SYSTEM.member, role=Role.ADMINISTRATOR)


@members.command("add-user")
@click.argument("user")
@click.option("--member", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default=None, help="Full name (default: the user ID).")
@pass_app
def members_add_user(app: App, user: str, member: str, role: str, name: str | None) -> None:
    """Add a user to a member, with a role."""
    with app.uow() as uow:
        added = add_user(uow=uow, who=_admin(uow), user=user, member=member, name=name or user, role=Role(role),
                         now=app.now())  # fmt: skip
    click.echo(f"added {added}")


# --- cases -----------------------------------------------------------------------------


@cli.group()
def cases() -> None:
    """Cases: findings put to the guarantors, their replies, joint review and sign-off."""


def _line(case: Case, now: datetime) -> str:
    due = f"due {case.reply_due:%Y-%m-%d %H:%M}" if case.reply_due else ""
    overdue = " OVERDUE" if case.overdue(now) else ""
    escalated = f" escalated x{case.escalations}" if case.escalations else ""
    return (f"{case.id}  {case.state.value:<18} {case.category.value:<20} {case.accused_side or '-':<11} "
            f"answerable: {','.join(case.answerable)}  {due}{overdue}{escalated}")  # fmt: skip


@cases.command("open")
@click.option("--agreement", default=DEFAULT_AGREEMENT, show_default=True)
@AS
@AT
@pass_app
def cases_open(app: App, agreement: str, user: str | None, at: datetime | None) -> None:
    """Open a case for every violation (or contested exclusion) that has none, routed to the
    guarantors answerable for the side held responsible."""
    now = _now(app, at)
    with app.uow() as uow:
        opened = case_service.open_cases(
            uow=uow, who=_who(uow, user), agreement_id=agreement, now=now
        )
    click.echo(f"{len(opened)} case(s) opened")
    for case in opened:
        click.echo("  " + _line(case, now))


@cases.command("list")
@click.option("--state", default=None)
@click.option(
    "--inbox",
    is_flag=True,
    help="Only the cases awaiting my member's reply or vote, overdue first.",
)
@AS
@AT
@pass_app
def cases_list(
    app: App, state: str | None, inbox: bool, user: str | None, at: datetime | None
) -> None:
    """List cases."""
    now = _now(app, at)
    with app.uow() as uow:
        who = _who(uow, user)
        found = (
            case_service.inbox(uow=uow, who=who, now=now)
            if inbox
            else case_service.cases(uow=uow, who=who, state=state)
        )
    for case in found:
        click.echo(_line(case, now))
    if not found:
        click.echo("no cases")


def _event_line(event: CaseEvent) -> str:
    change = f"{event.before.value if event.before else '-'} -> {event.after.value}"
    details = ", ".join(f"{k}: {v}" for k, v in event.details.items() if v not in (None, [], ""))
    return f"  {event.at:%Y-%m-%d %H:%M}  {event.action.value:<22} {event.user} ({event.member})  {change}  {details}"


@cases.command("show")
@click.argument("case_id")
@AS
@pass_app
def cases_show(app: App, case_id: str, user: str | None) -> None:
    """A case with its timeline."""
    with app.uow() as uow:
        case, events = case_service.timeline(uow=uow, who=_who(uow, user), case_id=case_id)
    click.echo(_line(case, app.now()))
    click.echo(
        f"incident {case.incident_id}; informed: {', '.join(case.informed)}; round {case.round}"
    )
    for reason in case.reasons:
        click.echo(f"  because {reason}")
    click.echo("timeline:")
    for event in events:
        click.echo(_event_line(event))


def _act(app: App, user: str | None, do: Any) -> None:
    with app.uow() as uow:
        case = do(uow, _who(uow, user))
    click.echo(_line(case, app.now()))


@cases.command("reply")
@click.argument("case_id")
@click.option("--kind", required=True, type=click.Choice([k.value for k in ReplyKind]))
@click.option("--text", required=True)
@click.option("--counter-claim", default=None, help="Required when disputing.")
@AS
@AT
@pass_app
def cases_reply(app: App, case_id: str, kind: str, text: str, counter_claim: str | None, user: str | None,
                at: datetime | None) -> None:  # fmt: skip
    """Reply to a case for an answerable guarantor."""
    now = _now(app, at)
    _act(app, user, lambda uow, who: case_service.reply(uow=uow, who=who, case_id=case_id, kind=ReplyKind(kind),
                                                        text=text, counter_claim=counter_claim, now=now))  # fmt: skip


@cases.command("review")
@click.argument("case_id")
@click.option("--vote", required=True, type=click.Choice([v.value for v in Vote]))
@click.option("--reason", default=None, help="Required unless confirming.")
@AS
@AT
@pass_app
def cases_review(
    app: App, case_id: str, vote: str, reason: str | None, user: str | None, at: datetime | None
) -> None:
    """A guarantor's vote in joint review: confirm, cannot_confirm or dissent."""
    now = _now(app, at)
    _act(app, user, lambda uow, who: case_service.review(uow=uow, who=who, case_id=case_id, vote=Vote(vote),
                                                         reason=reason, now=now))  # fmt: skip


@cases.command("propose")
@click.argument("case_id")
@AS
@AT
@pass_app
def cases_propose(app: App, case_id: str, user: str | None, at: datetime | None) -> None:
    """Put the incident's current finding to the guarantors for joint review."""
    now = _now(app, at)
    _act(
        app,
        user,
        lambda uow, who: case_service.propose_finding(uow=uow, who=who, case_id=case_id, now=now),
    )


@cases.command("request")
@click.argument("case_id")
@click.option("--question", required=True)
@AS
@AT
@pass_app
def cases_request(
    app: App, case_id: str, question: str, user: str | None, at: datetime | None
) -> None:
    """Ask the answerable guarantors for clarification (a new deadline starts)."""
    now = _now(app, at)
    _act(app, user, lambda uow, who: case_service.request_clarification(uow=uow, who=who, case_id=case_id,
                                                                        question=question, now=now))  # fmt: skip


@cases.command("publish")
@click.argument("case_id")
@AS
@AT
@pass_app
def cases_publish(app: App, case_id: str, user: str | None, at: datetime | None) -> None:
    """Publish an adopted or disputed case."""
    now = _now(app, at)
    _act(
        app, user, lambda uow, who: case_service.publish(uow=uow, who=who, case_id=case_id, now=now)
    )


@cases.command("close")
@click.argument("case_id")
@click.option("--reason", required=True)
@AS
@AT
@pass_app
def cases_close(app: App, case_id: str, reason: str, user: str | None, at: datetime | None) -> None:
    """Close a case (not an incident), with the reason."""
    now = _now(app, at)
    _act(
        app,
        user,
        lambda uow, who: case_service.close(
            uow=uow, who=who, case_id=case_id, reason=reason, now=now
        ),
    )


@cases.command("reopen")
@click.argument("case_id")
@click.option("--evidence", required=True, help="What the new evidence is.")
@AS
@AT
@pass_app
def cases_reopen(
    app: App, case_id: str, evidence: str, user: str | None, at: datetime | None
) -> None:
    """Reopen a case on new evidence; its history is kept."""
    now = _now(app, at)
    _act(app, user, lambda uow, who: case_service.reopen(uow=uow, who=who, case_id=case_id, evidence=evidence,
                                                         now=now))  # fmt: skip


@cases.command("escalate")
@AS
@AT
@pass_app
def cases_escalate(app: App, user: str | None, at: datetime | None) -> None:
    """Escalate every case whose reply is overdue (at --at, or now)."""
    now = _now(app, at)
    with app.uow() as uow:
        escalated = case_service.escalate_overdue(uow=uow, who=_who(uow, user), now=now)
    click.echo(f"{len(escalated)} overdue case(s) escalated")
    for case in escalated:
        click.echo("  " + _line(case, now))


# --- ledger ----------------------------------------------------------------------------


@cli.group()
def ledger() -> None:
    """The signed ledger: checkpoints, proofs, export and offline verification."""


@ledger.command("checkpoint")
@AS
@pass_app
def ledger_checkpoint(app: App, user: str | None) -> None:
    """Co-sign a checkpoint (tree head) with every guarantor's key."""
    with app.uow() as uow:
        made = ledger_service.checkpoint(
            uow=uow, who=_who(uow, user) if user else _admin(uow), now=app.now()
        )
    cosigners = ", ".join(c.member for c in made.cosignatures)
    click.echo(f"checkpoint: {made.size} entries, root {made.root}, co-signed by {cosigners}")


@ledger.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@AS
@pass_app
def ledger_export(app: App, directory: Path, user: str | None) -> None:
    """Write the ledger bundle (entries, public keys, checkpoints) to DIRECTORY."""
    with app.uow() as uow:
        count = ledger_service.export_bundle(uow=uow, who=_who(uow, user), directory=directory)
    click.echo(f"{count} entries exported to {directory}")


@ledger.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def ledger_verify(directory: Path) -> None:
    """Check a bundle offline. Exit 1 and name each failing entry or checkpoint if it fails."""
    result = ledger_service.verify_bundle(directory)
    if result.ok:
        click.echo(
            f"verified: {result.entries} entries, {result.checkpoints} checkpoint(s), root {result.root}"
        )
        return
    click.echo(f"FAILED: {len(result.problems)} problem(s) in {result.entries} entries", err=True)
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@ledger.command("prove")
@click.argument("seq", type=int)
@AS
@pass_app
def ledger_prove(app: App, seq: int, user: str | None) -> None:
    """Print an inclusion proof of entry SEQ (JSON), to a checkpoint when one covers it."""
    with app.uow() as uow:
        proof = ledger_service.prove(uow=uow, who=_who(uow, user), seq=seq)
    click.echo(json.dumps(proof.to_plain(), indent=1))


@members.command("token")
@click.argument("user")
@click.option("--name", default=None, help="What the token is for (shown in lists).")
@pass_app
def members_token(app: App, user: str, name: str | None) -> None:
    """Issue an API token for USER. The secret is printed once; only its hash is stored."""
    from truce.services.tokens import issue_token

    with app.uow() as uow:
        token = issue_token(uow=uow, who=_admin(uow), user=user, now=app.now(), name=name)
    click.echo(token)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve(app: App, host: str, port: int) -> None:
    """Serve the REST API (at /api; OpenAPI at /api/openapi.json, docs at /api/docs)."""
    import uvicorn

    from truce.api.app import create_app

    uvicorn.run(create_app(app.settings, engine=app.engine), host=host, port=port, log_level="info")
