"""C2SP signed notes, checkpoints and witness cosignatures, so tools outside Truce can check
Truce's checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature).

A signed note is a text ending in a newline, a blank line, and signature lines
``— <key name> base64(4-byte key hash || signature data)``. A key is named by the pair (name,
key hash), where the key hash is the first four bytes of SHA-256(name || "\\n" || type byte ||
public key), and written as a verifier key ``name+<8 hex digits>+base64(type byte || public)``.

Two signature types are supported:
- Ed25519 (0x01): the log operator signs the note text itself.
- cosignature/v1 (0x04): a witness signs "cosignature/v1\\ntime <t>\\n" followed by the checkpoint
  text, and its signature data is the 8-byte big-endian timestamp then the Ed25519 signature.

Pure: bytes and strings in and out, no I/O. Every parser is strict (canonical base64, no leading
zeros, no stray control characters) because a verifier must trust nothing about its input, and
two encodings of one checkpoint would let an operator show different bytes to different people.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from truce.ledger.keys import SigningKey
from truce.ledger.keys import verify as ed25519_verify

ED25519 = 0x01
COSIGNATURE_V1 = 0x04

KEY_HASH_SIZE = 4
PUBLIC_KEY_SIZE = 32
ED25519_SIGNATURE_SIZE = 64
ROOT_SIZE = 32
TIMESTAMP_SIZE = 8
MAX_SIGNATURES = 100  # the spec asks for at least 16; Go's reference takes up to 100
MAX_TIMESTAMP = 2**63 - 1
MAX_SIZE = 2**64 - 1

DASH = "\u2014"  # em dash, as the spec and every other implementation write it
COSIGNATURE_HEADER = "cosignature/v1\n"

_SIZE = re.compile(r"(0|[1-9][0-9]*)")
_HEX8 = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A note, checkpoint, key or signature is malformed or does not verify."""


# --- keys --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verifier:
    """A public key as the note format names it: name, key hash, signature type, key bytes."""

    name: str
    key_hash: bytes
    kind: int
    public: bytes

    @property
    def key(self) -> str:
        """This verifier written as a verifier key string."""
        return verifier_key(self.name, self.public, self.kind)


def key_hash(name: str, public: bytes, kind: int = ED25519) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || type byte || public key)[:4]."""
    _check_name(name)
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:KEY_HASH_SIZE]


def make_verifier(name: str, public: bytes, kind: int = ED25519) -> Verifier:
    """A verifier for an Ed25519 public key used as an operator (0x01) or witness (0x04) key."""
    _check_kind(kind)
    if len(public) != PUBLIC_KEY_SIZE:
        raise NoteError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes, got {len(public)}")
    return Verifier(name, key_hash(name, public, kind), kind, bytes(public))


def verifier_key(name: str, public: bytes, kind: int = ED25519) -> str:
    """``name+hex8+base64(kind || public)``, the text form of a public key in the note world."""
    v = make_verifier(name, public, kind)
    return f"{name}+{v.key_hash.hex()}+{_b64(bytes([kind]) + v.public)}"


def parse_verifier_key(text: str) -> Verifier:
    """Read a verifier key string; the key hash must match the name and key it sits beside."""
    if not isinstance(text, str):
        raise NoteError("a verifier key must be text")
    # The key's base64 may itself hold '+': split off the name and the hash only.
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise NoteError("a verifier key is name+keyhash+key (three parts separated by '+')")
    name, hex8, encoded = parts
    _check_name(name)
    if not _HEX8.fullmatch(hex8):
        raise NoteError(f"verifier key {name}: the key hash must be 8 lowercase hex digits")
    raw = _unb64(encoded, f"verifier key {name}")
    if len(raw) < 1:
        raise NoteError(f"verifier key {name}: the key is empty")
    kind, public = raw[0], raw[1:]
    if kind not in (ED25519, COSIGNATURE_V1):
        raise NoteError(f"verifier key {name}: unsupported signature type 0x{kind:02x}")
    if len(public) != PUBLIC_KEY_SIZE:
        raise NoteError(f"verifier key {name}: an Ed25519 key is {PUBLIC_KEY_SIZE} bytes")
    verifier = make_verifier(name, public, kind)
    if verifier.key_hash.hex() != hex8:
        raise NoteError(f"verifier key {name}: the key hash does not match the key")
    return verifier


# --- notes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line. ``data`` is what follows the key hash: for Ed25519 the 64-byte
    signature, for cosignature/v1 the 8-byte timestamp and then the signature."""

    name: str
    key_hash: bytes
    data: bytes

    @property
    def line(self) -> str:
        """The signature line, newline included."""
        return f"{DASH} {self.name} {_b64(self.key_hash + self.data)}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[NoteSignature, ...]

    def encode(self) -> str:
        return self.text + "\n" + "".join(s.line for s in self.signatures)


def sign_note(text: str, name: str, key: SigningKey) -> str:
    """The text signed with ``key`` (Ed25519, type 0x01) under ``name``: a whole signed note."""
    _check_text(text)
    signature = NoteSignature(name, key_hash(name, key.public, ED25519), key.sign(text.encode()))
    return Note(text, (signature,)).encode()


def parse_note(note: str) -> Note:
    """Split a signed note into its text and signature lines; checks form, not signatures."""
    if not isinstance(note, str):
        raise NoteError("a signed note must be text")
    _check_characters(note, "signed note")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise NoteError("a signed note needs a blank line between its text and its signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    if not block:
        raise NoteError("a signed note needs at least one signature line")
    if not block.endswith("\n"):
        raise NoteError("a signed note must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a signed note may carry at most {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    prefix = DASH + " "
    if not line.startswith(prefix):
        raise NoteError(f"a signature line must start with '{DASH} ': {line[:40]!r}")
    parts = line[len(prefix) :].split(" ")
    if len(parts) != 2:
        raise NoteError(f"a signature line is '{DASH} name signature': {line[:40]!r}")
    name, encoded = parts
    _check_name(name)
    raw = _unb64(encoded, f"signature of {name}")
    if len(raw) <= KEY_HASH_SIZE:
        raise NoteError(f"signature of {name}: too short")
    return NoteSignature(name, raw[:KEY_HASH_SIZE], raw[KEY_HASH_SIZE:])


def verify_note(note: Note, verifiers: Sequence[Verifier]) -> list[NoteSignature]:
    """The signatures on ``note`` made by ``verifiers``, each checked; exact duplicates once.

    Signatures from keys not in ``verifiers`` are ignored, as the spec requires (they may be
    other witnesses'). A signature from a listed key that does not verify rejects the whole
    note, and so does a note with no valid signature from any listed key.
    """
    by_id: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        seen = by_id.setdefault((v.name, v.key_hash), v)
        if seen != v:
            raise NoteError(f"two different keys are named {v.name}+{v.key_hash.hex()}")
    valid: list[NoteSignature] = []
    for sig in note.signatures:
        verifier = by_id.get((sig.name, sig.key_hash))
        if verifier is None or sig in valid:
            continue
        if not _signature_ok(note.text, sig, verifier):
            raise NoteError(f"invalid signature by {sig.name}+{sig.key_hash.hex()}")
        valid.append(sig)
    if not valid:
        names = ", ".join(sorted({v.name for v in verifiers})) or "nobody"
        raise NoteError(f"the note carries no signature by a known key (expected: {names})")
    return valid


def _signature_ok(text: str, sig: NoteSignature, verifier: Verifier) -> bool:
    if verifier.kind == ED25519:
        return ed25519_verify(verifier.public, text.encode(), sig.data)
    try:
        cosignature_time(text, sig, verifier)
    except NoteError:
        return False
    return True


def add_signatures(note: str, lines: Sequence[str]) -> str:
    """``note`` with more signature lines. A line from a key (name and key hash) already on the
    note replaces that key's line, so a witness that cosigns again does not pile up lines.

    Checks the lines' form only: the caller verifies them first (``verify_note``)."""
    parsed = parse_note(note)
    signatures = list(parsed.signatures)
    for line in lines:
        if not isinstance(line, str):
            raise NoteError("a signature line must be text")
        _check_characters(line, "signature line")
        body = line[:-1] if line.endswith("\n") else line
        new = _parse_signature_line(body)
        signatures = [s for s in signatures if (s.name, s.key_hash) != (new.name, new.key_hash)]
        signatures.append(new)
    if len(signatures) > MAX_SIGNATURES:
        raise NoteError(f"a signed note may carry at most {MAX_SIGNATURES} signatures")
    return Note(parsed.text, tuple(signatures)).encode()


# --- checkpoints -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def checkpoint_text(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The note text of a checkpoint: origin, decimal size, base64 root, extension lines."""
    if not origin:
        raise NoteError("a checkpoint's origin must not be empty")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_SIZE:
        raise NoteError(f"a checkpoint's size must be an integer from 0 to 2^64-1, got {size!r}")
    if len(root) != ROOT_SIZE:
        raise NoteError(f"a checkpoint's root hash is {ROOT_SIZE} bytes, got {len(root)}")
    lines = [origin, str(size), _b64(bytes(root)), *extensions]
    for line in [origin, *extensions]:
        if not line or "\n" in line:
            raise NoteError("checkpoint lines must be non-empty single lines")
    text = "\n".join(lines) + "\n"
    _check_text(text)
    return text


def parse_checkpoint(text: str) -> CheckpointBody:
    """Read a checkpoint's note text (not the signed note: see ``parse_note``)."""
    _check_text(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("a checkpoint has at least three lines: origin, size, root hash")
    origin, size, root, *extensions = lines
    if not origin:
        raise NoteError("a checkpoint's origin must not be empty")
    if not _SIZE.fullmatch(size) or int(size) > MAX_SIZE:
        raise NoteError(f"a checkpoint's size must be a decimal without leading zeros: {size!r}")
    root_hash = _unb64(root, "checkpoint root hash")
    if len(root_hash) != ROOT_SIZE:
        raise NoteError(f"a checkpoint's root hash is {ROOT_SIZE} bytes, got {len(root_hash)}")
    if any(not line for line in extensions):
        raise NoteError("a checkpoint's extension lines must not be empty")
    return CheckpointBody(origin, int(size), root_hash, tuple(extensions))


# --- cosignatures ------------------------------------------------------------------------------


def _cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{checkpoint_text}".encode()


def cosignature_line(checkpoint_text: str, name: str, key: SigningKey, timestamp: int) -> str:
    """A witness's cosignature/v1 line over a checkpoint: ``— name base64(...)\\n``."""
    parse_checkpoint(checkpoint_text)
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise NoteError("a cosignature's timestamp must be an integer")
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise NoteError("a cosignature's timestamp must be from 0 to 2^63-1")
    signature = key.sign(_cosigned_message(checkpoint_text, timestamp))
    data = timestamp.to_bytes(TIMESTAMP_SIZE, "big") + signature
    return NoteSignature(name, key_hash(name, key.public, COSIGNATURE_V1), data).line


def cosignature_time(checkpoint_text: str, sig: NoteSignature, verifier: Verifier) -> int:
    """The time a witness cosigned the checkpoint, once its cosignature is verified."""
    if verifier.kind != COSIGNATURE_V1:
        raise NoteError(f"{verifier.name}'s key is not a cosignature/v1 key")
    if (sig.name, sig.key_hash) != (verifier.name, verifier.key_hash):
        raise NoteError(f"the signature is not by {verifier.name}+{verifier.key_hash.hex()}")
    if len(sig.data) != TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE:
        raise NoteError(f"cosignature by {sig.name}: wrong length")
    timestamp = int.from_bytes(sig.data[:TIMESTAMP_SIZE], "big")
    if timestamp > MAX_TIMESTAMP:
        raise NoteError(f"cosignature by {sig.name}: timestamp out of range")
    message = _cosigned_message(checkpoint_text, timestamp)
    if not ed25519_verify(verifier.public, message, sig.data[TIMESTAMP_SIZE:]):
        raise NoteError(f"invalid cosignature by {sig.name}+{sig.key_hash.hex()}")
    return timestamp


# --- helpers -----------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    """Standard base64, canonical only: one value has one encoding."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what}: not valid base64") from None
    if _b64(raw) != text:
        raise NoteError(f"{what}: not canonical base64")
    return raw


def _check_kind(kind: int) -> None:
    if kind not in (ED25519, COSIGNATURE_V1):
        raise NoteError(f"unsupported signature type 0x{kind:02x}")


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name:
        raise NoteError("a key name must not be empty")
    if "+" in name or any(ch.isspace() for ch in name):
        raise NoteError(f"a key name may contain no spaces and no '+': {name!r}")
    _check_characters(name, "key name")


def _check_characters(text: str, what: str) -> None:
    """Valid UTF-8 (no lone surrogates) and no ASCII control characters but newline."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError(f"{what}: not valid UTF-8") from None
    if any(ch < " " and ch != "\n" for ch in text):
        raise NoteError(f"{what}: control characters are not allowed")


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise NoteError("a note text must be text")
    _check_characters(text, "note text")
    if not text.endswith("\n"):
        raise NoteError("a note text must end with a newline")
