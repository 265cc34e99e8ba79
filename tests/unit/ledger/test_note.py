"""C2SP signed notes, checkpoints and cosignatures (truce.ledger.note).

Known-answer vectors are public facts copied from other implementations' tests, so that our
encoding is checked against bytes someone else produced, not only against our own signer:
- golang.org/x/mod, sumdb/note/note_test.go (the PeterNeumann and EnochRoot keys and notes);
- github.com/transparency-dev/formats, log/note_test.go (a real sum.golang.org checkpoint and
  its verifier key, and the "Log" test key pair);
- github.com/transparency-dev/formats, note/note_cosigv1_test.go (cosignature timestamp vector);
- c2sp.org/tlog-cosignature and c2sp.org/tlog-checkpoint (the behind-the-sofa example).
"""

from __future__ import annotations

import base64
import hashlib

import nacl.signing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truce.ledger.keys import SigningKey
from truce.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    CheckpointBody,
    NoteError,
    NoteSignature,
    add_signatures,
    checkpoint_text,
    cosignature_line,
    cosignature_time,
    key_hash,
    make_verifier,
    parse_checkpoint,
    parse_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
    verify_note,
)

# --- public vectors ----------------------------------------------------------------------------

# golang.org/x/mod sumdb/note/note_test.go
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInN"
    "IuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2t"
    "iOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
)

# transparency-dev/formats log/note_test.go: a checkpoint signed by the real sum.golang.org key
SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUMDB_NOTE = (
    "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n"
    "— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9"
    "LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n"
)
# transparency-dev/formats log/note_test.go: the "Log" key pair
LOG_VKEY = "Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs"
LOG_SKEY = "PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ"

# c2sp.org/tlog-cosignature: the example checkpoint and its witness line
SOFA_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SOFA_NOTE = (
    SOFA_TEXT
    + "\n"
    + (
        "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZ"
        "niMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ"
        "8=\n"
    )
    + (
        "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn"
        "/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkB"
        "IfZ+qnA==\n"
    )
)
# transparency-dev/formats note/note_cosigv1_test.go: a cosignature whose timestamp is 1727964367
COSIG_TS_B64 = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODB"
    "t97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
)


def _signer_from_go(skey: str, member: str = "m") -> SigningKey:
    """A Go note private key is PRIVATE+KEY+name+hash+base64(0x01 || 32-byte seed)."""
    raw = base64.b64decode(skey.split("+", 4)[4])  # the base64 may hold "+"
    assert raw[0] == ED25519
    return SigningKey(member, nacl.signing.SigningKey(raw[1:]))


def _witness(seed: int = 7) -> SigningKey:
    return SigningKey(f"w{seed}", nacl.signing.SigningKey(bytes([seed]) * 32))


ROOT = hashlib.sha256(b"root").digest()


# --- known answers -----------------------------------------------------------------------------


def test_go_verifier_key_is_derived_exactly_from_the_private_key() -> None:
    peter = _signer_from_go(PETER_SKEY)
    assert verifier_key("PeterNeumann", peter.public) == PETER_VKEY
    v = parse_verifier_key(PETER_VKEY)
    assert (v.name, v.key_hash.hex(), v.kind, v.public) == (
        "PeterNeumann",
        "c74f20a3",
        ED25519,
        peter.public,
    )
    log = _signer_from_go(LOG_SKEY)
    assert verifier_key("Log", log.public) == LOG_VKEY


def test_signing_the_go_text_gives_the_go_signed_note_byte_for_byte() -> None:
    signed = sign_note(GO_TEXT, "PeterNeumann", _signer_from_go(PETER_SKEY))
    assert signed == GO_TEXT + "\n" + PETER_SIG


def test_go_note_with_two_signatures_verifies_with_either_or_both_keys() -> None:
    note = parse_note(GO_TEXT + "\n" + PETER_SIG + ENOCH_SIG)
    assert note.text == GO_TEXT
    peter, enoch = parse_verifier_key(PETER_VKEY), parse_verifier_key(ENOCH_VKEY)
    assert [s.name for s in verify_note(note, [peter])] == ["PeterNeumann"]
    assert [s.name for s in verify_note(note, [peter, enoch])] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(NoteError, match="no signature by a known key"):
        verify_note(note, [])


def test_the_real_sumdb_checkpoint_verifies_and_parses() -> None:
    # The key's base64 holds '+': only the first two '+' separate fields.
    sumdb = parse_verifier_key(SUMDB_VKEY)
    note = parse_note(SUMDB_NOTE)
    assert [s.key_hash.hex() for s in verify_note(note, [sumdb])] == ["033de0ae"]
    body = parse_checkpoint(note.text)
    assert body == CheckpointBody(
        "go.sum database tree",
        6476701,
        base64.b64decode("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="),
    )
    assert checkpoint_text(body.origin, body.size, body.root) == note.text


def test_sumdb_checkpoint_with_one_changed_digit_fails() -> None:
    forged = SUMDB_NOTE.replace("6476701", "6476702")
    with pytest.raises(NoteError, match="invalid signature"):
        verify_note(parse_note(forged), [parse_verifier_key(SUMDB_VKEY)])


def test_c2sp_cosignature_example_has_the_documented_layout() -> None:
    note = parse_note(SOFA_NOTE)
    assert parse_checkpoint(note.text) == CheckpointBody(
        "example.com/behind-the-sofa",
        20852163,
        base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    )
    log_sig, witness_sig = note.signatures
    assert (log_sig.name, len(log_sig.data)) == ("example.com/behind-the-sofa", 64)
    assert witness_sig.name == "witness.example.com/w1"
    assert witness_sig.key_hash.hex() == "8d66cf3f"
    assert len(witness_sig.data) == 8 + 64
    # The timestamp the spec's example message carries ("time 1679315147").
    assert int.from_bytes(witness_sig.data[:8], "big") == 1679315147


def test_transparency_dev_cosignature_timestamp_vector() -> None:
    raw = base64.b64decode(COSIG_TS_B64)
    sig = parse_note(SOFA_TEXT + "\n— w " + COSIG_TS_B64 + "\n").signatures[0]
    assert sig.key_hash == raw[:4]
    assert int.from_bytes(sig.data[:8], "big") == 1727964367


# --- verifier keys -----------------------------------------------------------------------------


def test_every_truncation_and_byte_change_of_the_go_key_is_refused() -> None:
    # Mirrors the Go test's manglings: no substring and no one-byte change is a valid key.
    for i in range(len(PETER_VKEY) + 1):
        for j in range(i + 1, len(PETER_VKEY) + 1):
            if (i, j) != (0, len(PETER_VKEY)):
                with pytest.raises(NoteError):
                    parse_verifier_key(PETER_VKEY[i:j])
    for i, ch in enumerate(PETER_VKEY):
        with pytest.raises(NoteError):
            parse_verifier_key(PETER_VKEY[:i] + chr(ord(ch) + 1) + PETER_VKEY[i + 1 :])


@pytest.mark.parametrize(
    "bad",
    [
        # From golang.org/x/mod note_test.go: wrong key length, unknown algorithm (hash adjusted)
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        # From transparency-dev/formats note_cosigv1_test.go
        "bananas.sigstore.dev+12344556",
        "rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!",
        "rekor.sigstore.dev+12345678+AwEB",
        "PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not canonical
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
    ],
)
def test_malformed_verifier_keys_are_refused(bad: str) -> None:
    with pytest.raises(NoteError):
        parse_verifier_key(bad)


def test_cosignature_key_hash_uses_type_byte_4() -> None:
    w = _witness()
    vkey = verifier_key("witness.example/w1", w.public, COSIGNATURE_V1)
    v = parse_verifier_key(vkey)
    assert v.kind == COSIGNATURE_V1
    want = hashlib.sha256(b"witness.example/w1\n\x04" + w.public).digest()[:4]
    assert v.key_hash == want != key_hash("witness.example/w1", w.public, ED25519)
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04


# --- notes: malformed input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        # The malformed messages of golang.org/x/mod note_test.go TestOpen
        GO_TEXT,
        GO_TEXT + "\n",
        GO_TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + GO_TEXT + "\n" + PETER_SIG,
        GO_TEXT
        + "\n"
        + (
            "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGU"
            "gYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        GO_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        # and ours
        GO_TEXT + "\n" + PETER_SIG.replace("—", "-"),
        GO_TEXT + "\n" + "— PeterNeumann AAAA\n",  # too short to hold a key hash and data
        GO_TEXT + "\n" + "— PeterNeumann x08go\n",  # not base64
        GO_TEXT + "\n" + PETER_SIG.replace("AM=", "AN="),  # non-canonical base64 padding bits
        GO_TEXT + "\n" + PETER_SIG * 101,
        GO_TEXT.replace("\n", "\r\n", 1) + "\n" + PETER_SIG,
        "\ud800" + GO_TEXT + "\n" + PETER_SIG,
    ],
)
def test_malformed_notes_are_refused(bad: str) -> None:
    with pytest.raises(NoteError):
        parse_note(bad)


def test_a_bad_signature_from_a_known_key_rejects_the_note() -> None:
    mangled = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    note = parse_note(GO_TEXT + "\n" + mangled)
    with pytest.raises(NoteError, match="invalid signature by PeterNeumann"):
        verify_note(note, [parse_verifier_key(PETER_VKEY)])


def test_signatures_by_unknown_keys_are_ignored_and_duplicates_counted_once() -> None:
    note = parse_note(GO_TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG)
    valid = verify_note(note, [parse_verifier_key(PETER_VKEY)])
    assert [s.name for s in valid] == ["PeterNeumann"]


def test_same_name_with_another_hash_is_not_the_known_key() -> None:
    # A line named PeterNeumann but with EnochRoot's hash is from an unknown key: ignored.
    enoch_as_peter = ENOCH_SIG.replace("EnochRoot", "PeterNeumann")
    note = parse_note(GO_TEXT + "\n" + enoch_as_peter + PETER_SIG)
    assert len(verify_note(note, [parse_verifier_key(PETER_VKEY)])) == 1


def test_two_different_keys_with_one_name_and_hash_are_ambiguous() -> None:
    peter = parse_verifier_key(PETER_VKEY)
    impostor = type(peter)(peter.name, peter.key_hash, peter.kind, _witness().public)
    with pytest.raises(NoteError, match="two different keys"):
        verify_note(parse_note(GO_TEXT + "\n" + PETER_SIG), [peter, impostor])


def test_sign_refuses_text_without_final_newline_and_bad_names() -> None:
    key = _witness()
    with pytest.raises(NoteError, match="newline"):
        sign_note("abc", "log", key)
    with pytest.raises(NoteError, match="no spaces"):
        sign_note("abc\n", "a+b", key)
    with pytest.raises(NoteError):
        sign_note("abc\n", "", key)


# --- notes: round trips ------------------------------------------------------------------------

_line = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], min_codepoint=0x20), max_size=30
)
_text = st.lists(_line, min_size=1, max_size=5).map(lambda lines: "\n".join(lines) + "\n")
_name = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cs", "Zs", "Zl", "Zp", "Cc"], blacklist_characters="+\x85"
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=60, deadline=None)
@given(text=_text, name=_name)
def test_any_signed_text_round_trips_and_verifies(text: str, name: str) -> None:
    key = _witness(3)
    signed = sign_note(text, name, key)
    note = parse_note(signed)
    assert note.text == text
    assert note.encode() == signed
    assert verify_note(note, [make_verifier(name, key.public)])[0].name == name


@settings(max_examples=60, deadline=None)
@given(text=_text, position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_any_changed_byte_of_the_text_breaks_the_signature(
    text: str, position: int, flip: int
) -> None:
    key = _witness(4)
    signed = sign_note(text, "log", key)
    raw = bytearray(text.encode())
    raw[position % len(raw)] ^= flip
    try:
        tampered = raw.decode() + "\n" + signed[len(text) + 1 :]
        note = parse_note(tampered)
    except (UnicodeDecodeError, NoteError):
        return  # no longer a well-formed note at all: also refused
    with pytest.raises(NoteError):
        verify_note(note, [make_verifier("log", key.public)])


# --- checkpoints -------------------------------------------------------------------------------


def test_checkpoint_text_matches_the_spec_example() -> None:
    root = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint_text("example.com/behind-the-sofa", 20852163, root) == SOFA_TEXT


def test_checkpoint_with_extension_lines_round_trips() -> None:
    text = checkpoint_text("truce.local/ledger", 5, ROOT, ["ext one", "two"])
    assert text.endswith("\next one\ntwo\n")
    assert parse_checkpoint(text) == CheckpointBody(
        "truce.local/ledger", 5, ROOT, ("ext one", "two")
    )


@pytest.mark.parametrize(
    "bad",
    [
        "Head\n9944\n",  # too few lines (transparency-dev/formats checkpoint_test.go)
        "\n9944\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # empty origin
        "Log\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  # no final newline
        "Log\nbananas\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "Log\n-34\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "Log\n3438945738945739845734895735\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "Log\n123\nThisIsn'tBase64\n",
        "Log\n0123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
        "Log\n+123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "Log\n123\nYmFuYW5hcw==\n",  # a root hash that is not 32 bytes
        "Log\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",  # empty extension line
        "Log\n123\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nbad\tline\n",
    ],
)
def test_malformed_checkpoints_are_refused(bad: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(bad)


@pytest.mark.parametrize(
    ("origin", "size", "root"),
    [("", 1, ROOT), ("o", -1, ROOT), ("o", 2**64, ROOT), ("o", 1, b"short"), ("a\nb", 1, ROOT)],
)
def test_checkpoint_text_refuses_bad_fields(origin: str, size: int, root: bytes) -> None:
    with pytest.raises(NoteError):
        checkpoint_text(origin, size, root)


@settings(max_examples=80, deadline=None)
@given(
    origin=_name,
    size=st.integers(min_value=0, max_value=2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
)
def test_any_checkpoint_round_trips(origin: str, size: int, root: bytes) -> None:
    text = checkpoint_text(origin, size, root)
    assert parse_checkpoint(text) == CheckpointBody(origin, size, root)


# --- cosignatures ------------------------------------------------------------------------------


def test_cosignature_signs_the_documented_message() -> None:
    w = _witness()
    line = cosignature_line(SOFA_TEXT, "witness.example/w1", w, 1679315147)
    sig = parse_note(SOFA_TEXT + "\n" + line).signatures[0]
    assert sig.key_hash == key_hash("witness.example/w1", w.public, COSIGNATURE_V1)
    assert sig.data[:8] == (1679315147).to_bytes(8, "big")
    message = b"cosignature/v1\ntime 1679315147\n" + SOFA_TEXT.encode()
    nacl.signing.VerifyKey(w.public).verify(message, sig.data[8:])  # raises if not


def test_cosignature_time_verifies_and_returns_the_timestamp() -> None:
    w = _witness()
    verifier = make_verifier("w1", w.public, COSIGNATURE_V1)
    line = cosignature_line(SOFA_TEXT, "w1", w, 1700000000)
    sig = parse_note(SOFA_TEXT + "\n" + line).signatures[0]
    assert cosignature_time(SOFA_TEXT, sig, verifier) == 1700000000
    other_text = SOFA_TEXT.replace("20852163", "20852164")
    with pytest.raises(NoteError, match="invalid cosignature"):
        cosignature_time(other_text, sig, verifier)
    later = NoteSignature(sig.name, sig.key_hash, (1700000001).to_bytes(8, "big") + sig.data[8:])
    with pytest.raises(NoteError, match="invalid cosignature"):
        cosignature_time(SOFA_TEXT, later, verifier)
    with pytest.raises(NoteError, match="not a cosignature/v1 key"):
        cosignature_time(SOFA_TEXT, sig, make_verifier("w1", w.public, ED25519))


def test_operator_and_witness_signatures_verify_together() -> None:
    log, w1, w2 = _witness(1), _witness(2), _witness(3)
    text = checkpoint_text("truce.local/ledger", 10, ROOT)
    signed = sign_note(text, "truce.local/ledger", log)
    signed = add_signatures(
        signed,
        [
            cosignature_line(text, "w1", w1, 100),
            cosignature_line(text, "w2", w2, 200).rstrip("\n"),
        ],
    )
    operator = make_verifier("truce.local/ledger", log.public)
    v1 = make_verifier("w1", w1.public, COSIGNATURE_V1)
    v2 = make_verifier("w2", w2.public, COSIGNATURE_V1)
    note = parse_note(signed)
    assert [s.name for s in verify_note(note, [operator, v1, v2])] == [
        "truce.local/ledger",
        "w1",
        "w2",
    ]
    # A witness key does not verify a plain Ed25519 signature, and the other way around.
    with pytest.raises(NoteError):
        verify_note(note, [make_verifier("w1", w1.public, ED25519)])


def test_add_signatures_replaces_a_key_that_cosigns_again() -> None:
    log, w = _witness(1), _witness(2)
    text = checkpoint_text("o", 1, ROOT)
    signed = add_signatures(sign_note(text, "o", log), [cosignature_line(text, "w", w, 1)])
    again = add_signatures(signed, [cosignature_line(text, "w", w, 2)])
    sigs = parse_note(again).signatures
    assert len(sigs) == 2
    verifier = make_verifier("w", w.public, COSIGNATURE_V1)
    assert cosignature_time(text, sigs[1], verifier) == 2


@pytest.mark.parametrize("line", ["- w AAAA", "— w", "— w !!!", "— a b c", "— w AAAAAAAA\n\n"])
def test_add_signatures_refuses_malformed_lines(line: str) -> None:
    signed = sign_note(checkpoint_text("o", 1, ROOT), "o", _witness())
    with pytest.raises(NoteError):
        add_signatures(signed, [line])


@pytest.mark.parametrize("ts", [-1, 2**63, True])
def test_cosignature_timestamp_range(ts: int) -> None:
    with pytest.raises(NoteError):
        cosignature_line(SOFA_TEXT, "w", _witness(), ts)


def test_cosignature_with_a_timestamp_beyond_2_63_is_refused() -> None:
    w = _witness()
    verifier = make_verifier("w", w.public, COSIGNATURE_V1)
    sig = NoteSignature("w", verifier.key_hash, (2**63).to_bytes(8, "big") + bytes(64))
    with pytest.raises(NoteError, match="out of range"):
        cosignature_time(SOFA_TEXT, sig, verifier)


def test_cosigning_something_that_is_not_a_checkpoint_is_refused() -> None:
    with pytest.raises(NoteError):
        cosignature_line(GO_TEXT, "w", _witness(), 1)
