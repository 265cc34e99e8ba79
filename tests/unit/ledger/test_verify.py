"""Offline verification of a ledger: every tampering is detected and located.

The ledger is built in memory exactly as the store builds it (entries.entry_body + sign_entry,
each entry linking to the leaf hash of the one before, checkpoints co-signed by the guarantors
with consistency proofs from merkle.Tree), then changed the ways an insider could change it.
Each test asserts both that verification fails and *where* it says the problem is.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from truce.domain.errors import InputRejected
from truce.ledger import entries, keys, merkle
from truce.ledger.entries import Act, Checkpoint, Cosignature, MalformedEntry
from truce.ledger.keys import SigningKey
from truce.ledger.verify import KeyRecord, Verification, verify_ledger

MEMBERS = ("russia", "iran", "turkey", "un")
GUARANTORS = ("russia", "iran", "turkey")
T0 = datetime(2017, 1, 1, 12, 0, tzinfo=UTC)
N = 24
SIGNATURE_HEX = 2 * keys.SIGNATURE_SIZE
TAIL = len(b'"}')


# --- building a ledger ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ledger:
    keys: dict[str, SigningKey]
    records: list[KeyRecord]
    lines: list[bytes]

    def tree(self, lines: Sequence[bytes] | None = None) -> merkle.Tree:
        return merkle.Tree(entries.leaf(line) for line in (self.lines if lines is None else lines))

    def cosign(
        self,
        size: int,
        *,
        after: int | None = None,
        lines: Sequence[bytes] | None = None,
        signers: Sequence[str] = GUARANTORS,
        at: datetime | None = None,
    ) -> Checkpoint:
        tree = self.tree(lines)
        proof = tree.consistency_proof(after, size) if after else []
        return entries.cosign(
            size, tree.root(size), at or _at(size), [self.keys[m] for m in signers], proof
        )


def _at(i: int) -> datetime:
    return T0 + timedelta(minutes=i)


def _act(i: int, member: str) -> Act:
    act = Act(
        act=("report.add", "case.reply", "finding.propose", "incident.fuse")[i % 4],
        member=member,
        user=f"{member}-analyst",
        objects=(f"incident:{i}", f"report:{i * 7}"),
        hashes={"body": hashlib.sha256(str(i).encode()).hexdigest()},
        details={"n": i},
    )
    # Entries written before acts were refused free text (issue 11) may carry it, non-ASCII
    # bytes too: such old ledgers must still verify, so these entries are built like them.
    object.__setattr__(act, "details", {"n": i, "note": "Ain al-Fījah — ceasefire line"})
    return act


def chain(
    items: Sequence[tuple[Act, SigningKey, datetime]],
    *,
    start: int = 0,
    prev: str = "",
    key_ids: Sequence[str | None] = (),
) -> list[bytes]:
    """Signed lines for acts, each linking to the leaf hash of the one before."""
    lines: list[bytes] = []
    for n, (act, signer, at) in enumerate(items):
        key_id = (key_ids[n] if n < len(key_ids) else None) or signer.id
        body = entries.entry_body(act, seq=start + n, prev=prev, at=at, key_id=key_id)
        line = entries.sign_entry(body, signer)
        lines.append(line)
        prev = entries.leaf(line).hex()
    return lines


def _records(signing: dict[str, SigningKey]) -> list[KeyRecord]:
    return [KeyRecord(m, k.id, k.public.hex(), valid_from=T0) for m, k in signing.items()]


def _items(signing: dict[str, SigningKey], n: int) -> list[tuple[Act, SigningKey, datetime]]:
    out = []
    for i in range(n):
        member = MEMBERS[i % len(MEMBERS)]
        out.append((_act(i, member), signing[member], _at(i)))
    return out


@functools.cache
def ledger() -> Ledger:
    """One ledger for the module (keys are random; building it once keeps hypothesis fast)."""
    signing = {m: SigningKey.generate(m) for m in MEMBERS}
    return Ledger(signing, _records(signing), chain(_items(signing, N)))


def check(
    lines: Sequence[bytes],
    checkpoints: Sequence[Checkpoint] = (),
    *,
    records: Sequence[KeyRecord] | None = None,
    cosigners: Sequence[str] = GUARANTORS,
) -> Verification:
    return verify_ledger(
        lines, ledger().records if records is None else records, checkpoints, cosigners=cosigners
    )


def wheres(result: Verification) -> list[str]:
    return [p.where for p in result.problems]


def cp_where(number: int, checkpoint: Checkpoint) -> str:
    return f"checkpoint {number} (size {checkpoint.size})"


def _flip(line: bytes, position: int, value: int) -> bytes:
    changed = bytearray(line)
    changed[position] = value
    return bytes(changed)


# --- an untouched ledger -------------------------------------------------------------------


def test_an_untouched_ledger_verifies() -> None:
    led = ledger()
    result = check(led.lines)
    assert result.ok, result.problems
    assert result.entries == N
    assert result.root == merkle.root([entries.leaf(line) for line in led.lines]).hex()
    assert result.checkpoints == 0


def test_an_untouched_ledger_with_extending_checkpoints_verifies() -> None:
    led = ledger()
    first = led.cosign(9)
    second = led.cosign(N, after=9)
    result = check(led.lines, [first, second])
    assert result.ok, result.problems
    assert result.checkpoints == 2


def test_trailing_newlines_are_not_part_of_the_entry() -> None:
    led = ledger()
    assert check([line + b"\n" for line in led.lines], [led.cosign(N)]).ok
    assert entries.leaf(led.lines[0] + b"\r\n") == entries.leaf(led.lines[0])


# --- changed bytes -------------------------------------------------------------------------


@st.composite
def _byte_changes(draw: st.DrawFn) -> tuple[int, int, int]:
    """(entry index, byte position, new byte value), biased towards the signature hex."""
    index = draw(st.integers(0, N - 1))
    length = len(ledger().lines[index])
    signature_start = length - TAIL - SIGNATURE_HEX
    position = draw(
        st.one_of(
            st.integers(0, length - 1),  # anywhere, mostly the JSON body
            st.integers(signature_start, length - TAIL - 1),  # inside the signature hex
        )
    )
    value = draw(st.integers(0, 255).filter(lambda v: v != ledger().lines[index][position]))
    return index, position, value


def _case_variant_in_signature(line: bytes, position: int, value: int) -> bool:
    start = len(line) - TAIL - SIGNATURE_HEX
    if not start <= position < len(line) - TAIL:
        return False
    return bytes([value]).lower() == line[position : position + 1].lower()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_byte_changes())
def test_a_changed_byte_is_detected_and_located(change: tuple[int, int, int]) -> None:
    index, position, value = change
    led = ledger()
    # Upper-casing a hex digit of the signature is the one change not caught at the entry
    # itself: see test_a_case_changed_signature_digit_is_located_at_its_entry (a known bug).
    assume(not _case_variant_in_signature(led.lines[index], position, value))
    tampered = list(led.lines)
    tampered[index] = _flip(led.lines[index], position, value)
    result = check(tampered)
    assert not result.ok
    assert result.problems[0].where == f"entry {index}", result.problems


@pytest.mark.parametrize("index", [0, 11, N - 1])
def test_a_changed_byte_in_the_json_body_breaks_the_signature(index: int) -> None:
    led = ledger()
    line = led.lines[index]
    position = line.index(b'"note":"') + len(b'"note":"')  # inside a value: still valid JSON
    result = check([*led.lines[:index], _flip(line, position, ord("X")), *led.lines[index + 1 :]])
    assert result.problems[0].where == f"entry {index}"
    assert "signature does not verify" in result.problems[0].why
    if index + 1 < N:  # and the entry after it no longer links to it
        assert f"entry {index + 1}" in wheres(result)


@pytest.mark.parametrize("index", [0, 11, N - 1])
def test_a_changed_signature_digit_is_detected_at_its_entry(index: int) -> None:
    led = ledger()
    line = led.lines[index]
    position = len(line) - TAIL - SIGNATURE_HEX + 5
    digit = b"0" if line[position : position + 1] != b"0" else b"1"
    result = check([*led.lines[:index], _flip(line, position, digit[0]), *led.lines[index + 1 :]])
    assert result.problems[0].where == f"entry {index}"
    assert "signature does not verify" in result.problems[0].why


@pytest.mark.parametrize("index", [11, N - 1])
def test_a_case_changed_signature_digit_is_located_at_its_entry(index: int) -> None:
    led = ledger()
    line = led.lines[index]
    start = len(line) - TAIL - SIGNATURE_HEX
    position = next(p for p in range(start, len(line) - TAIL) if line[p : p + 1] in b"abcdef")
    tampered = list(led.lines)
    tampered[index] = _flip(line, position, line[position] ^ 0x20)  # 'a' -> 'A'
    assert tampered[index] != line
    result = check(tampered)
    assert not result.ok
    assert result.problems[0].where == f"entry {index}", result.problems


# --- deleted and reordered entries ---------------------------------------------------------


@pytest.mark.parametrize("index", [0, 1, 12, N - 2])
def test_a_deleted_entry_is_located_where_it_was(index: int) -> None:
    led = ledger()
    result = check([*led.lines[:index], *led.lines[index + 1 :]])
    assert result.problems[0].where == f"entry {index}"
    assert f"sequence number {index + 1}" in result.problems[0].why
    assert result.entries == N - 1


def test_deleting_the_last_entry_is_caught_by_the_checkpoint_that_covers_it() -> None:
    led = ledger()
    checkpoint = led.cosign(N)
    result = check(led.lines[:-1], [checkpoint])
    assert wheres(result) == [cp_where(0, checkpoint)]
    assert "entries were removed" in result.problems[0].why


@pytest.mark.parametrize("index", [0, 5, N - 2])
def test_two_swapped_entries_are_located(index: int) -> None:
    led = ledger()
    swapped = list(led.lines)
    swapped[index], swapped[index + 1] = swapped[index + 1], swapped[index]
    result = check(swapped)
    assert wheres(result)[:2] == [f"entry {index}", f"entry {index + 1}"]
    assert f"sequence number {index + 1}" in result.problems[0].why


def test_a_duplicated_entry_is_located() -> None:
    led = ledger()
    result = check([*led.lines[:8], led.lines[7], *led.lines[8:]])
    assert result.problems[0].where == "entry 8"


# --- forged signatures and keys ------------------------------------------------------------


def _resigned(index: int, signer: SigningKey, *, key_id: str | None = None) -> list[bytes]:
    """Entry `index` re-signed by `signer` (still naming its own member), the rest relinked."""
    led = ledger()
    prev = entries.leaf(led.lines[index - 1]).hex() if index else ""
    member = MEMBERS[index % len(MEMBERS)]
    items = [(_act(index, member), signer, _at(index))]
    forged = chain(items, start=index, prev=prev, key_ids=[key_id])
    # Relink the entries after it with their own members' keys, so only the forgery is wrong.
    rest = chain(
        _items(led.keys, N)[index + 1 :], start=index + 1, prev=entries.leaf(forged[0]).hex()
    )
    return [*led.lines[:index], *forged, *rest]


def test_an_entry_resigned_with_another_members_key_is_located() -> None:
    led = ledger()
    index = 4  # a russia entry
    assert MEMBERS[index % len(MEMBERS)] == "russia"
    result = check(_resigned(index, led.keys["iran"]))
    assert wheres(result) == [f"entry {index}"]
    assert "names member russia" in result.problems[0].why


def test_an_entry_signed_by_another_key_but_naming_the_members_key_is_located() -> None:
    led = ledger()
    index = 9  # an iran entry, claiming iran's key id, signed by turkey
    result = check(_resigned(index, led.keys["turkey"], key_id=led.keys["iran"].id))
    assert wheres(result) == [f"entry {index}"]
    assert "signature does not verify" in result.problems[0].why


def test_an_entry_signed_by_an_unregistered_key_is_located() -> None:
    index = 14
    stranger = SigningKey.generate(MEMBERS[index % len(MEMBERS)])
    result = check(_resigned(index, stranger))
    assert wheres(result) == [f"entry {index}"]
    assert "which no member registered" in result.problems[0].why


def test_an_entry_signed_after_its_key_was_retired_is_located() -> None:
    led = ledger()
    retired = _at(10)
    records = [
        dataclasses.replace(r, retired_at=retired) if r.member == "russia" else r
        for r in led.records
    ]
    result = check(led.lines, records=records)
    late = [i for i in range(N) if MEMBERS[i % len(MEMBERS)] == "russia" and _at(i) >= retired]
    assert late and wheres(result) == [f"entry {i}" for i in late]
    assert all("not valid then" in p.why for p in result.problems)


def test_an_entry_signed_before_its_key_was_valid_is_located() -> None:
    led = ledger()
    records = [
        dataclasses.replace(r, valid_from=_at(3)) if r.member == "iran" else r for r in led.records
    ]
    result = check(led.lines, records=records)
    assert wheres(result) == ["entry 1"]  # iran's only entry before minute 3


def test_a_rotated_key_signs_after_the_rotation() -> None:
    led = ledger()
    new = SigningKey.generate("russia")
    rotation = _at(10)
    records = [
        dataclasses.replace(r, retired_at=rotation) if r.member == "russia" else r
        for r in led.records
    ] + [KeyRecord("russia", new.id, new.public.hex(), valid_from=rotation)]
    items = [
        (act, new if act.member == "russia" and at >= rotation else signer, at)
        for act, signer, at in _items(led.keys, N)
    ]
    assert check(chain(items), records=records).ok


# --- checkpoints ---------------------------------------------------------------------------


def _rewritten_history(index: int) -> list[bytes]:
    """The ledger with entry `index` changed and every entry after it re-signed and relinked:
    what an insider holding every key could produce, and it verifies entry by entry."""
    led = ledger()
    items = _items(led.keys, N)
    act, signer, at = items[index]
    items[index] = (
        dataclasses.replace(act, details={"n": index, "rewritten": True}),
        signer,
        at,
    )
    return chain(items)


def test_a_checkpoint_over_a_rewritten_history_does_not_extend_the_one_before() -> None:
    led = ledger()
    first = led.cosign(10)
    rewritten = _rewritten_history(3)
    assert check(rewritten).ok  # the entries alone cannot show it
    second = led.cosign(N, after=10, lines=rewritten)  # a valid proof, but within the new tree
    result = check(rewritten, [first, second])
    by_where = {p.where: p.why for p in result.problems}
    assert "does not extend checkpoint 0" in by_where[cp_where(1, second)]
    assert "root does not match" in by_where[cp_where(0, first)]
    assert not any(w.startswith("entry") for w in by_where)


def test_a_checkpoint_that_does_not_extend_the_one_before_is_named_on_the_original_log() -> None:
    led = ledger()
    rewritten = _rewritten_history(3)
    first = led.cosign(10, lines=rewritten)  # the earlier head was over another history
    second = led.cosign(N, after=10)
    result = check(led.lines, [first, second])
    assert cp_where(1, second) in wheres(result)
    assert wheres(result)[0] == cp_where(0, first)
    assert not any(w.startswith("entry") for w in wheres(result))


def test_a_checkpoint_with_a_tampered_consistency_proof_is_named() -> None:
    led = ledger()
    first, second = led.cosign(10), led.cosign(N, after=10)
    bad_proof = (second.proof[0][:-2] + ("00" if second.proof[0][-2:] != "00" else "01"),)
    second = dataclasses.replace(second, proof=bad_proof + second.proof[1:])
    result = check(led.lines, [first, second])
    assert wheres(result) == [cp_where(1, second)]
    assert "does not extend checkpoint 0" in result.problems[0].why


def test_a_checkpoint_smaller_than_the_one_before_is_named() -> None:
    led = ledger()
    first, second = led.cosign(N), led.cosign(10)
    result = check(led.lines, [first, second])
    assert wheres(result) == [cp_where(1, second)]
    assert "smaller" in result.problems[0].why


def test_a_checkpoint_whose_root_does_not_match_the_entries_is_named() -> None:
    led = ledger()
    # Correctly co-signed, but over a root the entries do not produce.
    wrong = entries.cosign(12, led.tree().root(13), _at(12), [led.keys[m] for m in GUARANTORS])
    result = check(led.lines, [wrong])
    assert wheres(result) == [cp_where(0, wrong)]
    assert "root does not match entries 0-11" in result.problems[0].why


def test_a_checkpoint_missing_a_required_cosigner_is_named() -> None:
    led = ledger()
    full, partial = led.cosign(8), led.cosign(N, after=8, signers=["russia", "iran"])
    result = check(led.lines, [full, partial])
    assert wheres(result) == [cp_where(1, partial)]
    assert result.problems[0].why == "not co-signed by turkey"


def test_a_checkpoint_signed_by_a_non_guarantor_instead_is_named() -> None:
    led = ledger()
    checkpoint = led.cosign(N, signers=["russia", "iran", "un"])
    result = check(led.lines, [checkpoint])
    assert [str(p) for p in result.problems] == [
        f"{cp_where(0, checkpoint)}: not co-signed by turkey"
    ]


def _with_cosignature(checkpoint: Checkpoint, member: str, forged: Cosignature) -> Checkpoint:
    return dataclasses.replace(
        checkpoint,
        cosignatures=tuple(forged if c.member == member else c for c in checkpoint.cosignatures),
    )


def test_a_forged_cosignature_is_named() -> None:
    led = ledger()
    honest = led.cosign(N)
    # Turkey's name and key id, but the signature is iran's.
    forged = Cosignature(
        "turkey", led.keys["turkey"].id, led.keys["iran"].sign(honest.message()).hex()
    )
    checkpoint = _with_cosignature(honest, "turkey", forged)
    result = check(led.lines, [checkpoint])
    assert wheres(result) == [cp_where(0, checkpoint)] * 2
    assert [p.why for p in result.problems] == [
        "turkey's co-signature does not verify",
        "not co-signed by turkey",
    ]


def test_a_cosignature_replayed_from_another_checkpoint_is_named() -> None:
    led = ledger()
    old, new = led.cosign(8), led.cosign(N, after=8)
    replayed = next(c for c in old.cosignatures if c.member == "iran")
    checkpoint = _with_cosignature(new, "iran", replayed)
    result = check(led.lines, [old, checkpoint])
    assert set(wheres(result)) == {cp_where(1, checkpoint)}
    assert "iran's co-signature does not verify" in [p.why for p in result.problems]


def test_a_cosignature_with_another_members_key_is_named() -> None:
    led = ledger()
    honest = led.cosign(N)
    forged = Cosignature("turkey", led.keys["un"].id, led.keys["un"].sign(honest.message()).hex())
    checkpoint = _with_cosignature(honest, "turkey", forged)
    result = check(led.lines, [checkpoint])
    assert set(wheres(result)) == {cp_where(0, checkpoint)}
    assert "co-signature of turkey with unknown key" in result.problems[0].why


def test_a_checkpoint_with_a_changed_time_no_longer_verifies() -> None:
    led = ledger()
    honest = led.cosign(N)
    checkpoint = dataclasses.replace(honest, at=honest.at + timedelta(days=1))
    result = check(led.lines, [checkpoint])
    assert set(wheres(result)) == {cp_where(0, checkpoint)}
    assert len(result.problems) == 4  # three co-signatures fail, so none of the three signed


def test_a_cosignature_with_a_retired_key_is_named() -> None:
    led = ledger()
    records = [
        dataclasses.replace(r, retired_at=_at(5)) if r.member == "turkey" else r
        for r in led.records
    ]
    assert check(led.lines[:5], records=records).ok  # turkey's entries before minute 5 are fine
    checkpoint = led.cosign(5, at=_at(N))  # co-signed at minute 24 with turkey's retired key
    result = check(led.lines[:5], [checkpoint], records=records)
    assert not result.ok
    assert wheres(result)[0] == cp_where(0, checkpoint)


@pytest.mark.parametrize("field", ["signature", "root", "proof", "size"])
def test_a_malformed_checkpoint_is_reported_not_raised(field: str) -> None:
    led = ledger()
    first, honest = led.cosign(8), led.cosign(N, after=8)
    if field == "signature":
        bad = _with_cosignature(
            honest, "iran", dataclasses.replace(honest.cosignatures[1], signature="zz")
        )
    elif field == "root":
        bad = dataclasses.replace(honest, root="not hex")
    elif field == "proof":
        bad = dataclasses.replace(honest, proof=("xyz",))
    else:
        bad = dataclasses.replace(honest, size=-1)
    result = check(led.lines, [first, bad])
    assert not result.ok
    assert {p.where for p in result.problems} == {cp_where(1, bad)}


def test_problems_are_capped_at_the_limit() -> None:
    led = ledger()
    result = verify_ledger(led.lines[1:], led.records, limit=5)
    assert len(result.problems) == 5
    assert result.entries == N - 1


# --- keys ----------------------------------------------------------------------------------


@functools.cache
def _sealed() -> tuple[SigningKey, bytes]:
    key = SigningKey.generate("turkey")
    return key, key.seal("correct horse battery staple")


def test_an_unsealed_key_file_round_trips() -> None:
    key = SigningKey.generate("iran")
    back = SigningKey.unseal(key.seal(None), None)
    assert (back.member, back.id, back.public) == ("iran", key.id, key.public)
    assert keys.verify(key.public, b"m", back.sign(b"m"))


def test_a_sealed_key_file_round_trips_with_its_passphrase() -> None:
    key, sealed = _sealed()
    back = SigningKey.unseal(sealed, "correct horse battery staple")
    assert (back.member, back.id, back.public) == ("turkey", key.id, key.public)
    assert bytes(back.key) == bytes(key.key)


def test_a_sealed_key_file_does_not_hold_the_seed_in_the_clear() -> None:
    key, sealed = _sealed()
    seed = bytes(key.key)
    assert seed.hex().encode() not in sealed
    assert seed.hex().upper().encode() not in sealed
    assert seed not in sealed
    assert b'"seed"' not in sealed
    assert key.public.hex().encode() in sealed  # the public half is meant to be readable


def test_a_wrong_passphrase_is_rejected() -> None:
    _, sealed = _sealed()
    with pytest.raises(InputRejected, match="wrong passphrase"):
        SigningKey.unseal(sealed, "Correct horse battery staple")


def test_a_sealed_key_file_needs_a_passphrase() -> None:
    _, sealed = _sealed()
    with pytest.raises(InputRejected, match="sealed"):
        SigningKey.unseal(sealed, None)


@pytest.mark.parametrize(
    "content", [b"", b"not json", b"{}", b'{"member": "iran", "seed": "zz"}', b"[1, 2]"]
)
def test_a_file_that_is_not_a_key_file_is_rejected(content: bytes) -> None:
    with pytest.raises(InputRejected):
        SigningKey.unseal(content, None)


def test_a_key_file_whose_public_key_does_not_match_is_rejected() -> None:
    key, other = SigningKey.generate("un"), SigningKey.generate("un")
    content = key.seal(None).replace(key.public.hex().encode(), other.public.hex().encode())
    with pytest.raises(InputRejected, match="does not match"):
        SigningKey.unseal(content, None)


def test_verify_rejects_wrong_keys_messages_and_lengths() -> None:
    key, other = SigningKey.generate("un"), SigningKey.generate("un")
    signature = key.sign(b"message")
    assert keys.verify(key.public, b"message", signature)
    assert not keys.verify(other.public, b"message", signature)
    assert not keys.verify(key.public, b"messagE", signature)
    assert not keys.verify(key.public, b"message", signature[:-1])
    assert not keys.verify(b"short", b"message", signature)


# --- malformed lines -----------------------------------------------------------------------


def _malformed() -> list[bytes]:
    line = ledger().lines[0]
    entry, signature = entries.split_line(line)
    return [
        b"",
        b"{}",
        b'{"entry":{},"signature":""}',
        line[1:],  # no head
        line[:-1],  # no tail
        line[:-3] + b'"}',  # a signature one digit short
        line.replace(b',"signature":"', b',"signature" :"'),  # a different middle
        entries.line_of(entry, signature)[:-4] + b'zz"}',  # non-hex signature
        entries.line_of(entry, signature)[:-4] + "éé".encode()[:2] + b'"}',  # non-ASCII
        b'{"entry":,"signature":"' + b"00" * 64 + b'"}',  # nothing signed
        entry,  # just the body
    ]


@pytest.mark.parametrize("line", _malformed())
def test_split_line_refuses_malformed_lines(line: bytes) -> None:
    with pytest.raises(MalformedEntry):
        entries.split_line(line)


def test_split_line_gives_back_what_was_signed() -> None:
    led = ledger()
    entry, signature = entries.split_line(led.lines[3] + b"\r\n")
    assert keys.verify(led.keys[MEMBERS[3]].public, entry, signature)
    assert entries.parse_entry(entry)["seq"] == 3


@pytest.mark.parametrize("entry", [b"not json", b"[]", b'{"seq": "1"}', b'{"prev": ""}', b"\xff"])
def test_parse_entry_refuses_what_is_not_an_entry(entry: bytes) -> None:
    with pytest.raises(MalformedEntry):
        entries.parse_entry(entry)


def test_a_malformed_line_is_located() -> None:
    led = ledger()
    result = check([*led.lines[:6], b"garbage", *led.lines[7:]])
    assert wheres(result)[0] == "entry 6"
    assert "not a signed ledger entry line" in result.problems[0].why


def test_an_entry_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        entries.entry_body(Act("x", "un"), seq=0, prev="", at=datetime(2017, 1, 1), key_id="k")


def test_a_checkpoint_round_trips_through_plain_data() -> None:
    led = ledger()
    checkpoint = led.cosign(N, after=8)
    assert Checkpoint.from_plain(checkpoint.to_plain()) == checkpoint
