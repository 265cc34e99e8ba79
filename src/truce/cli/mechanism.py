"""Members, their users and keys, and the ledger, on the command line; and `serve`.

Acts that manage members, users, keys and tokens, and co-signed checkpoints, need an
administrator: given no `--as USER`, they act as the local console administrator, the
account that creates the first users. The other commands act as the operations centre.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from truce.cli.main import App, acting, as_json, cli, pass_app
from truce.cli.render import echo_json
from truce.domain.access import Role
from truce.services import ledger as ledger_service
from truce.services.check import check_cases
from truce.services.members import add_user, keygen
from truce.services.principals import LOCAL_ADMINISTRATOR, directory

# --- members ---------------------------------------------------------------------------------


@cli.group()
def members() -> None:
    """Members, their users and their signing keys. Without --as, these commands act as the
    local console administrator 'console' (UN)."""


@members.command("list")
@as_json
@acting
@pass_app
def members_list(app: App, as_json: bool) -> None:
    """Every member with its users and keys (current and retired)."""
    with app.uow(read_only=True) as uow:
        entries = directory(uow=uow, who=app.principal(uow, LOCAL_ADMINISTRATOR))
    if as_json:
        echo_json([entry.to_plain() for entry in entries])
        return
    for entry in entries:
        member = entry.member
        click.echo(f"{member.id}: {member.name} ({member.kind.value})")
        for user in entry.users:
            principal = user.principal
            click.echo(f"  user {principal.user}: {user.name}, {principal.role.value}")
        for key in entry.keys:
            status = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "current"
            click.echo(f"  key {key.key_id}: from {key.valid_from:%Y-%m-%d %H:%M}, {status}")


@members.command("keygen")
@click.argument("member")
@acting
@pass_app
def members_keygen(app: App, member: str) -> None:
    """Make MEMBER a new signing key (rotating out the current one, which is kept as retired).

    The private key is written to $TRUCE_KEYS_DIR (default ./truce-keys), sealed with
    $TRUCE_KEY_PASSPHRASE when it is set; only the public key goes to the database.
    """
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        new, old = keygen(uow=uow, who=who, member=member, now=app.now())
    replacing = f", replacing {old.key_id}" if old else ""
    click.echo(f"{member}: key {new.key_id} registered{replacing}")
    click.echo(f"private key: {app.keyring.path(member)}")


@members.command("add-user")
@click.argument("user")
@click.option("--member", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default=None, help="Full name (default: the user ID).")
@acting
@pass_app
def members_add_user(app: App, user: str, member: str, role: str, name: str | None) -> None:
    """Add a user to a member, with a role."""
    with app.uow() as uow:
        added = add_user(
            uow=uow,
            who=app.principal(uow, LOCAL_ADMINISTRATOR),
            user=user,
            member=member,
            name=name or user,
            role=Role(role),
            now=app.now(),
        )
    click.echo(f"added {added}")


# --- ledger ----------------------------------------------------------------------------------


@cli.group()
def ledger() -> None:
    """The signed ledger: checkpoints, proofs, export and offline verification."""


@ledger.command("checkpoint")
@acting
@pass_app
def ledger_checkpoint(app: App) -> None:
    """Co-sign a checkpoint (tree head) with every guarantor's key. Without --as, as the
    local console administrator."""
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        made = ledger_service.checkpoint(uow=uow, who=who, now=app.now())
    cosigners = ", ".join(c.member for c in made.cosignatures)
    click.echo(f"checkpoint: {made.size} entries, root {made.root}, co-signed by {cosigners}")


@ledger.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@acting
@pass_app
def ledger_export(app: App, directory: Path) -> None:
    """Write the ledger bundle (entries, public keys, checkpoints) to DIRECTORY."""
    with app.uow(read_only=True) as uow:
        count = ledger_service.export_bundle(uow=uow, who=app.principal(uow), directory=directory)
    click.echo(f"{count} entries exported to {directory}")


@ledger.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def ledger_verify(directory: Path) -> None:
    """Check a bundle offline. Exit 1 and name each failing entry or checkpoint if it fails."""
    result = ledger_service.verify_bundle(directory)
    if result.ok:
        click.echo(
            f"verified: {result.entries} entries, {result.checkpoints} checkpoint(s), "
            f"root {result.root}"
        )
        return
    click.echo(f"FAILED: {len(result.problems)} problem(s) in {result.entries} entries", err=True)
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@ledger.command("prove")
@click.argument("seq", type=int)
@acting
@pass_app
def ledger_prove(app: App, seq: int) -> None:
    """Print an inclusion proof of entry SEQ (JSON), to a checkpoint when one covers it."""
    with app.uow(read_only=True) as uow:
        proof = ledger_service.prove(uow=uow, who=app.principal(uow), seq=seq)
    echo_json(proof.to_plain())


# --- serve -----------------------------------------------------------------------------------


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_app
def serve(app: App, host: str, port: int) -> None:
    """Serve the REST API (at /api; OpenAPI at /api/openapi.json, docs at /api/docs)."""
    import uvicorn

    from truce.app import create_app

    application = create_app(app.settings, engine=app.engine, keyring=app.keyring)
    # proxy_headers off: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the
    # app believes it only from TRUCE_TRUSTED_PROXIES (the log-in limits depend on it).
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False)


# --- check -----------------------------------------------------------------------------------


@cli.command("check")
@acting
@pass_app
def check(app: App) -> None:
    """Replay the ledger's case entries against the cases table. Print one line per
    disagreement (a case whose state, round, replies, ballots or requests differ from what its
    entries make it, whose stored record is not the one last hashed, an entry without its case,
    a case without entries) and exit 1 if there is any."""
    with app.uow() as uow:
        cases, entries, found = check_cases(uow=uow, who=app.principal(uow))
    for disagreement in found:
        click.echo(str(disagreement))
    if found:
        click.echo(f"{len(found)} disagreement(s) over {cases} case(s)", err=True)
        sys.exit(1)
    click.echo(f"ok: {cases} case(s) agree with their {entries} ledger entries")
