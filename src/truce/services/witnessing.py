"""Witnessing the log (issue 12): the operator issues C2SP checkpoints, witnesses (by default
the guarantors) check on their own machines that each extends the last one they saw and send
back a cosignature, and a checkpoint counts once the witness policy's quorum has cosigned.

Trust: the operator's key signs what the log says; it cannot make a witness's cosignature.
A witness's cosignature key is registered by an administrator, in a logged act, from the
verifier key the witness printed on its own machine (`truce witness init`): the same key goes
into every member's trust file when the agreement is signed, so a key the operator swapped in
here would not verify for them. Cosignatures are not logged: each is a signature anyone can
check on its own, and logging one would grow the log it vouches for, without end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from truce.config import DEFAULT_LOG_ORIGIN
from truce.domain.access import Principal, Role, UseCase, authorize
from truce.domain.errors import Forbidden, InputRejected, NotFound
from truce.ledger import entries, note
from truce.ledger.checkpoints import Cosigned, Issued, Quorum, WitnessKey
from truce.ledger.keys import OPERATOR, SigningKey
from truce.store.uow import UnitOfWork


def operator_key(uow: UnitOfWork) -> SigningKey:
    """The log operator's signing key: the one private key the server needs."""
    return uow.operator()


def operator_verifier(uow: UnitOfWork, origin: str = DEFAULT_LOG_ORIGIN) -> note.Verifier:
    """The operator's verifier, from its registered public key (no private key is read: any
    member may export the log). Checkpoints are signed under the log's origin as key name."""
    registered = uow.keys.current(OPERATOR)
    if registered is None:
        raise NotFound("the log operator has no registered key yet: no checkpoint was signed")
    return note.make_verifier(origin, bytes.fromhex(registered.public), note.ED25519)


def operator_vkey(*, uow: UnitOfWork, who: Principal, origin: str = DEFAULT_LOG_ORIGIN) -> str:
    """The operator's verifier key, to hand to witnesses and members out of band."""
    authorize(who, UseCase.READ_LEDGER)
    return operator_verifier(uow, origin).key


def quorum(uow: UnitOfWork) -> Quorum:
    """The witness policy in force. An agreement that sets one explicitly decides (the base
    agreement before its amendments); otherwise every guarantor of every agreement must
    cosign, as every guarantor co-signed the checkpoints before witnesses existed."""
    agreements = sorted(uow.agreements.all(), key=lambda a: (a.amends is not None, a.id))
    for agreement in agreements:
        policy = agreement.witness_policy
        if policy.witnesses or policy.quorum is not None:
            return Quorum(agreement.witnesses, agreement.witness_quorum)
    witnesses = tuple(sorted({g.member_id for a in agreements for g in a.guarantors}))
    return Quorum(witnesses, len(witnesses))


def latest(*, uow: UnitOfWork, who: Principal) -> Issued:
    """The newest checkpoint, with the cosignatures it has received so far."""
    authorize(who, UseCase.READ_LEDGER)
    newest = uow.ledger.notes(last=True)
    if not newest:
        raise NotFound("no checkpoint yet: an administrator runs `truce ledger checkpoint`")
    return newest[0]


def consistency(*, uow: UnitOfWork, who: Principal, old: int, new: int) -> list[bytes]:
    """The RFC 9162 consistency proof from the log's first `old` entries to its first `new`."""
    authorize(who, UseCase.READ_LEDGER)
    tree = uow.ledger.tree()
    if old < 0:
        raise InputRejected(f"old: must be 0 or more, not {old}")
    if new < old:
        raise InputRejected(f"new: {new} is smaller than old ({old})")
    if new > len(tree):
        raise NotFound(f"new: the log has {len(tree)} entries, not {new}")
    return tree.consistency_proof(old, new)


@dataclass(frozen=True)
class Received:
    size: int
    cosigned: Cosigned
    counts: bool  # the checkpoint now meets the witness policy


def cosign(
    *, uow: UnitOfWork, who: Principal, checkpoint: str, cosignature: str, now: datetime
) -> Received:
    """Keep a witness's cosignature of a checkpoint this log issued. Only the witness's own
    users send it; it must verify with the witness's registered key."""
    authorize(who, UseCase.WITNESS)
    policy = quorum(uow)
    if who.role is not Role.GUARANTOR or who.member not in policy.witnesses:
        raise Forbidden(
            f"{who} may not cosign checkpoints: only a witness's own users do "
            f"(witnesses: {', '.join(policy.witnesses) or 'none'})"
        )
    try:
        body = note.parse_checkpoint(note.parse_note(checkpoint).text)
    except note.NoteError as exc:
        raise InputRejected(f"checkpoint: not a signed checkpoint note ({exc})") from None
    found = uow.ledger.notes(size=body.size)
    if not found or found[0].text != note.parse_note(checkpoint).text:
        raise InputRejected(
            f"checkpoint: this log issued no checkpoint with that text (size {body.size})"
        )
    made = found[0]
    key = _current_key(uow, who.member)
    try:
        line = cosignature if cosignature.endswith("\n") else cosignature + "\n"
        signature = note.parse_note(note.add_signatures(made.note, [line])).signatures[-1]
        timestamp = note.cosignature_time(made.text, signature, key.verifier)
    except note.NoteError as exc:
        raise InputRejected(
            f"cosignature: does not verify with {who.member}'s registered key {key.vkey} ({exc})"
        ) from None
    cosigned = Cosigned(who.member, key.key_hash, timestamp, signature.line, uow.clock())
    uow.ledger.add_cosignature(made.size, cosigned)
    uow.commit()
    signed = {c.witness for c in made.cosignatures} | {who.member}
    return Received(made.size, cosigned, policy.met(sorted(signed)))


def _current_key(uow: UnitOfWork, member: str) -> WitnessKey:
    current = [k for k in uow.ledger.witness_keys() if k.member == member and not k.retired_at]
    if not current:
        raise InputRejected(
            f"cosignature: {member} has no registered cosignature key; an administrator "
            f"registers it with `truce witness register {member} VKEY`"
        )
    return current[-1]


def register(
    *, uow: UnitOfWork, who: Principal, member: str, vkey: str, now: datetime
) -> WitnessKey:
    """Register a witness's cosignature verifier key (an administrator's act, logged)."""
    authorize(who, UseCase.MANAGE_MEMBERS)
    try:
        verifier = note.parse_verifier_key(vkey.strip())
    except note.NoteError as exc:
        raise InputRejected(f"vkey: {exc}") from None
    if verifier.kind != note.COSIGNATURE_V1:
        raise InputRejected("vkey: a witness key must be a cosignature/v1 key (type 0x04)")
    policy = quorum(uow)
    if member not in policy.witnesses:
        raise InputRejected(
            f"member: {member} is not a witness of this log "
            f"(witnesses: {', '.join(policy.witnesses) or 'none'})"
        )
    key = WitnessKey(member, verifier.key, verifier.key_hash.hex(), uow.clock())
    uow.ledger.register_witness_key(key)
    uow.record(
        entries.Act(
            "witness.register",
            who.member,
            who.user,
            objects=(f"witness:{member}",),
            details={
                "witness": member,
                "key_hash": key.key_hash,
                "public": verifier.public.hex(),
            },
        ),
        now,
    )
    uow.commit()
    return key


@dataclass(frozen=True)
class Witnessed:
    """The checkpoints as the API and the ledger page show them."""

    quorum: Quorum
    checkpoints: list[Issued]
    consistent: bool  # every checkpoint's root is the root of the stored entries it covers

    def counts(self, checkpoint: Issued) -> bool:
        return self.quorum.met(checkpoint.witnesses())


def witnessed(*, uow: UnitOfWork, who: Principal) -> Witnessed:
    authorize(who, UseCase.READ_LEDGER)
    issued = uow.ledger.notes()
    tree = uow.ledger.tree()
    consistent = all(c.size <= len(tree) and tree.root(c.size).hex() == c.root for c in issued)
    return Witnessed(quorum(uow), issued, consistent)
