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
from truce.services import trust as trust_service
from truce.services import witnessing
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
@click.option(
    "--key-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The member's own key directory, on the member's machine (never the server's).",
)
@click.option(
    "--passphrase-stdin",
    "from_stdin",
    is_flag=True,
    help="Read the key directory's passphrase from standard input (scripts).",
)
@acting
@pass_app
def members_keygen(app: App, member: str, key_dir: Path, from_stdin: bool) -> None:
    """Make MEMBER a new signing key in KEY_DIR, sealed with a passphrase (asked, or read with
    --passphrase-stdin), and register its public key; the current key is retired (kept).

    Only the public key goes to the server. A rotation is signed with the old key when
    KEY_DIR still holds it (same passphrase), so trust files follow it to the new one.
    """
    if from_stdin:
        passphrase = sys.stdin.readline().rstrip("\r\n")
    else:
        passphrase = click.prompt(
            f"Passphrase for {member}'s key directory", hide_input=True, confirmation_prompt=True
        )
    if not passphrase:
        raise click.UsageError("a member's key is sealed with a passphrase: give one")
    if _inside(key_dir, app.settings.keys_dir):
        raise click.UsageError(
            f"{key_dir} is in the server's key directory: a member's key lives on its own machine"
        )
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        made = keygen(
            uow=uow, who=who, member=member, now=app.now(), key_dir=key_dir, passphrase=passphrase
        )
    replacing = f", replacing {made.old.key_id}" if made.old else ""
    click.echo(f"{member}: key {made.new.key_id} registered{replacing}")
    click.echo(f"private key: {made.path} (keep it on {member}'s machine)")
    if not made.vouched:
        click.echo(
            f"warning: {key_dir} does not hold the old key, so the rotation is signed by the "
            "operator only: members' trust files will not accept the new key until they are "
            "given it (`truce ledger trust export`)",
            err=True,
        )


def _inside(a: Path, b: Path) -> bool:
    return a.resolve().is_relative_to(b.resolve())


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
    """Issue a C2SP checkpoint of the whole log, signed by the log operator's key; the
    witnesses cosign it on their own machines (`truce witness run`). Prints the signed note.
    Without --as, as the local console administrator."""
    origin = app.settings.log_origin
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        made = ledger_service.checkpoint(uow=uow, who=who, now=app.now(), origin=origin)
        operator = witnessing.operator_vkey(uow=uow, who=who, origin=made.origin)
    witnesses = ", ".join(made.witnesses()) or "none yet"
    click.echo(f"checkpoint: {made.size} entries, root {made.root}, cosigned by {witnesses}")
    click.echo(f"signed by the log operator, key {operator}")
    click.echo(made.signed_note(), nl=False)


@ledger.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@acting
@pass_app
def ledger_export(app: App, directory: Path) -> None:
    """Write the ledger bundle (entries, public keys, checkpoints) to DIRECTORY."""
    with app.uow(read_only=True) as uow:
        count = ledger_service.export_bundle(
            uow=uow, who=app.principal(uow), directory=directory, origin=app.settings.log_origin
        )
    click.echo(f"{count} entries exported to {directory}")


@ledger.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--since",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint you already hold (a signed note, or a witness's state file): the "
    "bundle must extend it.",
)
@click.option(
    "--old-bundle",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With --since: the bundle you held then, to name the first entry that differs.",
)
@click.option(
    "--trust",
    "trust_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your trust file (`truce ledger trust export`, exchanged when the agreement was "
    "signed): the operator's, witnesses' and members' keys come from it, not the bundle.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Check every entry's signature, also those an operator-signed checkpoint covers.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes checking entries in parallel (worth it from about 100,000 entries).",
)
def ledger_verify(
    directory: Path,
    since: Path | None,
    old_bundle: Path | None,
    trust_file: Path | None,
    full: bool,
    workers: int,
) -> None:
    """Check a bundle offline. Exit 1 and name each failing entry or checkpoint if it fails."""
    if old_bundle is not None and since is None:
        raise click.UsageError("--old-bundle needs --since CHECKPOINT")
    trust = trust_service.load_trust(trust_file) if trust_file else None
    if trust is None:
        result = ledger_service.verify_bundle(directory, full=full, workers=workers)
    else:
        result = trust_service.verify_with_trust(directory, trust, full=full, workers=workers)
    extension = (
        ledger_service.extends(
            directory,
            since.read_text(),
            old_bundle=old_bundle,
            operator=trust.operator_verifier() if trust else None,
        )
        if since is not None
        else None
    )
    if trust is None:
        click.echo(
            "note: no --trust file: the keys came from the bundle itself, so this proves "
            "nothing about the operator",
            err=True,
        )
    if result.ok and (extension is None or extension.ok):
        click.echo(
            f"verified: {result.entries} entries, {result.checkpoints} checkpoint(s), "
            f"root {result.root}"
        )
        click.echo(f"witnesses: {result.witnessed()}")
        if extension is not None:
            click.echo(f"since {since}: {extension.message}")
        return
    if extension is not None and not extension.ok:
        click.echo(f"FAILED: since {since}: {extension.message}", err=True)
    if not result.ok:
        click.echo(
            f"FAILED: {len(result.problems)} problem(s) in {result.entries} entries", err=True
        )
    for problem in result.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@ledger.group("trust")
def ledger_trust() -> None:
    """Trust files: the operator's, witnesses' and members' public keys, held by each member
    outside any bundle."""


@ledger_trust.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the trust file (JSON).",
)
@acting
@pass_app
def ledger_trust_export(app: App, out: Path) -> None:
    """Write the keys in force now to a trust file, to exchange when the agreement is signed.
    Each member checks what it receives against what it knows (key IDs, in person)."""
    with app.uow(read_only=True) as uow:
        trust = trust_service.export_trust(
            uow=uow, who=app.principal(uow), origin=app.settings.log_origin
        )
    trust_service.write_trust(trust, out)
    members = ", ".join(f"{m} ({len(k)})" for m, k in sorted(trust.members.items()))
    click.echo(f"trust file written to {out}")
    click.echo(f"operator: {trust.operator}")
    click.echo(f"witnesses: {', '.join(sorted(trust.witnesses)) or 'none registered'}")
    click.echo(f"members' keys: {members or 'none registered'}")


# --- keys on the server's disk ---------------------------------------------------------------


@cli.group("keys")
def keys_group() -> None:
    """The server's key directory: it must hold the log operator's key only."""


@keys_group.command("handover")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to put one directory per member (outside the server's key directory).",
)
@pass_app
def keys_handover(app: App, out: Path) -> None:
    """Move every member's private key out of the server's key directory into
    OUT/<member>/, and say where each went. Each directory must then be handed to its
    member and removed from this machine. The public keys stay registered, so entries
    signed with those keys still verify."""
    moved = trust_service.hand_over_member_keys(app.keyring, out)
    if not moved:
        click.echo(f"no member keys in {app.keyring.directory}: nothing to hand over")
        return
    for handed in moved:
        for source, target in handed.moved:
            click.echo(f"{handed.member}: {source} -> {target}")
    click.echo(
        "These directories hold the members' private keys: hand each one to its member now "
        f"({', '.join(str(h.directory) for h in moved)}), then delete them from this "
        "machine. The server keeps only the log operator's key."
    )


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

    trust_service.refuse_member_keys(app.keyring)
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
