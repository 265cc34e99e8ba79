"""Remote mode: a member's client acts through a Truce server's API, and signs its reply or
vote with its own key, on its own machine, before the act leaves it (`truce.ledger.acts`).
The private key never goes to the server: only the signature, the key's ID and the salt of
the commitments to the act's texts do."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from truce.domain.errors import InputRejected, TruceError
from truce.ledger import acts
from truce.ledger.keys import SigningKey

TIMEOUT = 30.0  # seconds: a person waits on the answer


class RemoteError(TruceError):
    """The server refused the act, or could not be reached."""


def passphrase_of(passphrase_file: str | None, default: str | None) -> str | None:
    """The key's passphrase: the first line of `passphrase_file`, else the default
    (TRUCE_KEY_PASSPHRASE)."""
    if passphrase_file:
        lines = Path(passphrase_file).read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    return default


def signed_act(
    *,
    server: str | None,
    token: str | None,
    key_dir: str | None,
    passphrase: str | None,
    kind: str,
    case_id: str,
    fields: Mapping[str, str | None],
) -> tuple[dict[str, Any], SigningKey]:
    """Sign the act with the member's key from `key_dir` and send it; the case as the server
    answers it, and the key that signed."""
    if not server:
        raise InputRejected("--server: the URL of the Truce server to act through")
    if not token:
        raise InputRejected("--token: an API token for --server (or TRUCE_TOKEN)")
    if not key_dir:
        raise InputRejected("--key: the directory of the member's key file, for --server")
    action = "reply" if kind == acts.REPLY else "review"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=TIMEOUT) as web:
            signing = _answer(web.get(f"/api/cases/{case_id}/signing"))
            key = _member_key(Path(key_dir), str(signing["member"]), passphrase)
            if signing.get("key") != key.id:
                raise InputRejected(
                    f"the key file of {key.member} holds key {key.id}, but the server has "
                    f"{signing.get('key') or 'no key'} registered for {key.member}"
                )
            signature = acts.sign(
                key,
                kind,
                case_id,
                int(signing["round"]),
                str(signing["user"]),
                fields,
                secrets.token_bytes(32),
            )
            case = _answer(
                web.post(f"/api/cases/{case_id}/{action}", json=dict(fields) | signature)
            )
    except httpx.HTTPError as exc:
        raise RemoteError(f"{server}: {exc}") from None
    return case, key


def _member_key(directory: Path, member: str, passphrase: str | None) -> SigningKey:
    path = directory / f"{member}.key"
    if not path.is_file():
        raise InputRejected(f"--key: no key file of {member} in {directory} ({path.name})")
    key = SigningKey.unseal(path.read_bytes(), passphrase)
    if key.member != member:
        raise InputRejected(f"{path} holds the key of {key.member}, not of {member}")
    return key


def _answer(response: httpx.Response) -> dict[str, Any]:
    if response.is_success:
        body: dict[str, Any] = response.json()
        return body
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        detail = response.text
    raise RemoteError(f"the server answered {response.status_code}: {detail}")
