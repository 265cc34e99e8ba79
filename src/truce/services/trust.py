"""Trust files and the members' keys on the server's disk.

A trust file (`truce.ledger.trust`) holds the public keys a member believes: the operator's,
the witnesses' and the members'. It is exported once the keys exist and exchanged when the
agreement is signed; after that each member verifies bundles against its own copy, not
against the keys the bundle brings.

`hand_over` is the migration of an installation from before issue 12, when the server held
every member's private key: it moves them out of the server's key directory, one directory
per member, to be handed to their members.
"""

from __future__ import annotations

from pathlib import Path

from truce.config import DEFAULT_LOG_ORIGIN
from truce.domain.access import Principal, UseCase, authorize
from truce.domain.errors import ConfigurationError, InputRejected
from truce.ledger import note
from truce.ledger.keys import OPERATOR
from truce.ledger.trust import TrustError, TrustFile, trusted_keys
from truce.services import ledger as ledger_service
from truce.services.files import write_private
from truce.store.keyring import Handover, Keyring, hand_over
from truce.store.uow import UnitOfWork

__all__ = [
    "Handover",
    "TrustFile",
    "export_trust",
    "hand_over_member_keys",
    "load_trust",
    "member_keys_left",
    "refuse_member_keys",
    "verify_with_trust",
]


def export_trust(*, uow: UnitOfWork, who: Principal, origin: str = DEFAULT_LOG_ORIGIN) -> TrustFile:
    """The keys in force now: the operator's verifier key (named by the log's origin, as its
    checkpoints are signed), each witness's current cosignature key, and every member's
    registered public keys, retired ones included (they signed older entries)."""
    authorize(who, UseCase.READ_LEDGER)
    operator = note.verifier_key(origin, uow.operator_public(), note.ED25519)
    witnesses = {k.member: k.vkey for k in uow.ledger.witness_keys() if k.retired_at is None}
    members: dict[str, list[str]] = {}
    for record in uow.keys.all():
        if record.member != OPERATOR:
            members.setdefault(record.member, []).append(record.public)
    return TrustFile(origin, operator, witnesses, {m: tuple(k) for m, k in members.items()})


def write_trust(trust: TrustFile, path: Path) -> None:
    write_private(path, trust.to_json())


def load_trust(path: Path) -> TrustFile:
    try:
        return TrustFile.from_json(path.read_text())
    except TrustError as exc:
        raise InputRejected(f"trust file {path}: {exc}") from None


def verify_with_trust(
    directory: Path, trust: TrustFile, *, full: bool = False, workers: int = 1
) -> ledger_service.BundleVerification:
    """Check a bundle with the keys of a trust file: the operator's and witnesses' keys come
    from it, and the bundle's member keys count only where it vouches for them."""
    try:
        records = ledger_service.bundle_keys(directory)
        with (directory / ledger_service.ENTRIES).open("rb") as lines:
            trusted = trusted_keys(records, lines, trust)
    except FileNotFoundError as exc:
        raise InputRejected(f"not a ledger bundle: {exc.filename} is missing") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputRejected(f"not a ledger bundle: {exc}") from None
    result = ledger_service.verify_bundle(
        directory,
        operator=trust.operator_verifier(),
        witnesses=trust.witness_verifiers(),
        key_records=trusted.records,
        full=full,
        workers=workers,
    )
    result.problems[:0] = trusted.problems
    return result


def member_keys_left(keyring: Keyring) -> list[Path]:
    """Members' private key files still in the server's key directory."""
    return keyring.member_key_files()


def refuse_member_keys(keyring: Keyring) -> None:
    """Refuse to serve while the server's key directory holds members' private keys: whoever
    holds that disk could sign as those members."""
    left = member_keys_left(keyring)
    if left:
        names = ", ".join(sorted({p.name.split(".", 1)[0] for p in left}))
        raise ConfigurationError(
            f"the server's key directory {keyring.directory} holds members' private keys "
            f"({names}): move them out with `truce keys handover --out DIR` and hand each "
            "member its directory"
        )


def hand_over_member_keys(keyring: Keyring, out: Path) -> list[Handover]:
    """Move the members' private keys out of the server's key directory into
    `out/<member>/`; the operator's key stays. The public keys stay registered."""
    if out.resolve().is_relative_to(keyring.directory.resolve()):
        raise InputRejected(f"--out {out} is inside the server's key directory")
    return hand_over(keyring, out)
