"""`truce witness`: the program a guarantor runs on its own machine to witness the log, and the
administrator's registration of a witness's key on the server.

A witness round: fetch the newest checkpoint, fetch the consistency proof from the checkpoint
the witness last cosigned, check both against the operator's key (from the witness's trust
file, never from the server), and only then cosign and post the cosignature. A checkpoint that
does not extend the last one refuses the round and leaves evidence anyone can check with
`truce ledger evidence FILE`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click
import httpx

from truce.cli.main import App, acting, cli, pass_app
from truce.domain.errors import InputRejected
from truce.ledger import note
from truce.ledger.checkpoints import hashes_from_b64
from truce.ledger.keys import SigningKey
from truce.ledger.witness import Evidence, WitnessState, judge
from truce.services import witnessing
from truce.services.principals import LOCAL_ADMINISTRATOR

EXIT_REFUSED = 1
TIMEOUT = 30.0


@cli.group()
def witness() -> None:
    """Witness the log: check each checkpoint extends the last one seen, then cosign it."""


@witness.command("init")
@click.option("--key", "key_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--passphrase-file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("member")
@pass_app
def witness_init(app: App, key_dir: Path, passphrase_file: Path | None, member: str) -> None:
    """Make MEMBER's key in DIR (kept there, sealed with the passphrase when one is given) and
    print its cosignature verifier key, for an administrator to register with
    `truce witness register` and for every member's trust file. A key already in DIR is kept:
    a member has one key, and a cosignature cannot be mistaken for any other signature."""
    passphrase = _passphrase(app, passphrase_file)
    path = _key_path(key_dir, member)
    if path.exists():
        key = SigningKey.unseal(path.read_bytes(), passphrase)
        click.echo(f"{member}: the key in {path} is kept", err=True)
    else:
        key = SigningKey.generate(member)
        key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key.seal(passphrase))
        click.echo(f"{member}: new key written to {path}", err=True)
    click.echo(note.verifier_key(member, key.public, note.COSIGNATURE_V1))


@witness.command("register")
@click.argument("member")
@click.argument("vkey")
@acting
@pass_app
def witness_register(app: App, member: str, vkey: str) -> None:
    """Register MEMBER's cosignature verifier key VKEY (printed by `truce witness init` on the
    witness's machine) on the server. An administrator's act, logged in the ledger; without
    --as, as the local console administrator."""
    with app.uow() as uow:
        who = app.principal(uow, LOCAL_ADMINISTRATOR)
        key = witnessing.register(uow=uow, who=who, member=member, vkey=vkey, now=app.now())
    click.echo(f"{key.member}: witness key {key.key_hash} registered")


@witness.command("run")
@click.option("--server", required=True, metavar="URL", help="The Truce server, e.g. https://…")
@click.option("--token", required=True, metavar="TOKEN", help="An API token of the witness.")
@click.option(
    "--key", "key_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--member", default=None, help="Whose key in DIR (needed if DIR holds several).")
@click.option(
    "--state",
    "state_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The last checkpoint this witness cosigned (made on the first run).",
)
@click.option(
    "--trust",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The trust file: the operator's verifier key is read from it.",
)
@click.option("--operator-key", metavar="VKEY", help="The operator's verifier key, if no --trust.")
@click.option("--evidence", "evidence_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--passphrase-file", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def witness_run(
    app: App,
    server: str,
    token: str,
    key_dir: Path,
    member: str | None,
    state_path: Path,
    trust: Path | None,
    operator_key: str | None,
    evidence_path: Path | None,
    passphrase_file: Path | None,
) -> None:
    """One witness round. Exit 0 having cosigned, 1 having refused (evidence written)."""
    operator = _operator(trust, operator_key)
    key = _load_key(key_dir, member, _passphrase(app, passphrase_file))
    state = WitnessState.from_json(state_path.read_text()) if state_path.exists() else None
    with httpx.Client(
        base_url=server.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    ) as client:
        checkpoint = _get(client, "/api/ledger/checkpoint").text
        try:
            size = note.parse_checkpoint(note.parse_note(checkpoint).text).size
        except note.NoteError as exc:
            # Not even a checkpoint: nothing signed to hold against the operator.
            raise InputRejected(f"the server's checkpoint is malformed: {exc}") from None
        old = state.size if state is not None else 0
        proof: list[bytes] = []
        if old <= size:
            answer = _get(client, "/api/ledger/consistency", params={"old": old, "new": size})
            proof = hashes_from_b64(answer.json()["proof"])
        verdict = judge(state, checkpoint, proof, operator)
        if isinstance(verdict, Evidence):
            path = evidence_path or _evidence_path(state_path)
            path.write_text(verdict.to_json())
            click.echo(f"REFUSED: {verdict.reason}", err=True)
            click.echo(f"evidence written to {path}; check it with `truce ledger evidence`")
            sys.exit(EXIT_REFUSED)
        text = note.parse_note(checkpoint).text
        line = note.cosignature_line(text, key.member, key, int(time.time()))
        _post(client, "/api/ledger/cosignatures", {"checkpoint": checkpoint, "cosignature": line})
    _save(state_path, verdict.to_json())
    click.echo(f"{key.member} cosigned checkpoint {verdict.size} (root {verdict.root.hex()[:16]}…)")


def _get(client: httpx.Client, path: str, **options: object) -> httpx.Response:
    try:
        answer = client.get(path, **options)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        raise InputRejected(f"server: {exc}") from None
    _check(answer)
    return answer


def _post(client: httpx.Client, path: str, body: dict[str, str]) -> httpx.Response:
    try:
        answer = client.post(path, json=body)
    except httpx.HTTPError as exc:
        raise InputRejected(f"server: {exc}") from None
    _check(answer)
    return answer


def _check(answer: httpx.Response) -> None:
    if answer.is_success:
        return
    try:
        detail = answer.json().get("detail", answer.text)
    except ValueError:
        detail = answer.text
    raise InputRejected(
        f"server: {answer.request.url.path} answered {answer.status_code}: {detail}"
    )


def _operator(trust: Path | None, operator_key: str | None) -> note.Verifier:
    """The operator's key as the witness already holds it, never as the server says."""
    if (trust is None) == (operator_key is None):
        raise click.UsageError("give the operator's key: --trust FILE or --operator-key VKEY")
    if trust is not None:
        try:
            operator_key = str(json.loads(trust.read_text())["operator"])
        except (ValueError, KeyError, TypeError):
            raise InputRejected(f"--trust: {trust} is no trust file with an operator key") from None
    try:
        verifier = note.parse_verifier_key(str(operator_key))
    except note.NoteError as exc:
        raise InputRejected(f"operator key: {exc}") from None
    if verifier.kind != note.ED25519:
        raise InputRejected("operator key: the operator signs with an Ed25519 (0x01) key")
    return verifier


def _passphrase(app: App, passphrase_file: Path | None) -> str | None:
    if passphrase_file is not None:
        return passphrase_file.read_text().rstrip("\n")
    secret = app.settings.key_passphrase
    return secret.get_secret_value() if secret else None


def _key_path(key_dir: Path, member: str) -> Path:
    if not member or "/" in member or member.startswith(".") or "+" in member:
        raise InputRejected(f"member: not usable as a key file name: {member!r}")
    return key_dir / f"{member}.key"


def _load_key(key_dir: Path, member: str | None, passphrase: str | None) -> SigningKey:
    if member is None:
        found = sorted(key_dir.glob("*.key"))
        if len(found) != 1:
            raise InputRejected(
                f"--key: {key_dir} holds {len(found)} key files; name the witness with --member"
            )
        path = found[0]
    else:
        path = _key_path(key_dir, member)
    if not path.exists():
        raise InputRejected(f"--key: no key file {path}; make one with `truce witness init`")
    return SigningKey.unseal(path.read_bytes(), passphrase)


def _evidence_path(state_path: Path) -> Path:
    """Next to the state, never over earlier evidence."""
    path, n = state_path.with_name(f"{state_path.stem}.evidence.json"), 1
    while path.exists():
        n += 1
        path = state_path.with_name(f"{state_path.stem}.evidence-{n}.json")
    return path


def _save(path: Path, content: str) -> None:
    """Replace the state in one step: a crash leaves the old state or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    partial.write_text(content)
    partial.replace(path)
