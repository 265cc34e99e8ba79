"""Ledger entries carry no free text (issue 11, item 3): an act that would put a file name, a
reason or any other text in the signed, member-readable log is refused when it is made; the
texts go in as salted commitments (truce.domain.commitments), which confirm nothing to a
guesser and which the analysts can open by disclosing one salt."""

from __future__ import annotations

import hashlib

import pytest

from truce.domain.commitments import (
    document_salt,
    keyed_document_id,
    opens_document,
    opens_text,
    text_commitment,
    text_salt,
)
from truce.ledger.entries import Act, FreeTextInLedger, committed

KEY = bytes(range(32))
HEX = "ab" * 32


@pytest.mark.parametrize(
    "details",
    [
        {"filename": "WB-1.txt"},  # one token, but a file name: free text
        {"reason": "WB-1 confirmed it"},
        {"text": "short"},
        {"reasons": ["one", HEX]},
        {"anything": "two words"},
        {"nested": {"note": "WB-1"}},
        {"object": object()},
    ],
)
def test_free_text_in_details_is_refused(details: dict[str, object]) -> None:
    with pytest.raises(FreeTextInLedger):
        Act("report.accept", "un", "analyst", objects=("rep_1",), details=details)


def test_free_text_in_objects_and_hashes_is_refused() -> None:
    with pytest.raises(FreeTextInLedger):
        Act("document.receive", "un", objects=("WB-1 statement.txt",))
    with pytest.raises(FreeTextInLedger):
        Act("document.receive", "un", hashes={"document": "a file name.txt"})


def test_ids_enums_numbers_dates_and_commitments_pass() -> None:
    act = Act(
        "case.reply",
        "russia",
        "ru-officer",
        objects=("case_1", "inc_2", "doc_" + HEX),
        hashes={"case": HEX},
        details={
            "from": "awaiting_reply",
            "to": None,
            "late": False,
            "round": 2,
            "reply_due": "2017-01-12T08:00:00+00:00",
            "reason": HEX,
            "reasons": [HEX, HEX],
            "answerable": ["russia", "iran"],
        },
    )
    # Accepted as given: the guard checks, it does not rewrite.
    assert act.objects == ("case_1", "inc_2", "doc_" + HEX)
    assert act.details["reasons"] == [HEX, HEX] and act.details["round"] == 2


def test_committed_replaces_every_free_text() -> None:
    details = {
        "kind": "disputed",
        "text": "WB-1",
        "question": "Where was WB-1?",
        "reasons": ["one", "two"],
        "where": "case page",
        "round": 1,
    }
    out = committed(details, lambda t: text_commitment(KEY, t))
    assert out["kind"] == "disputed" and out["round"] == 1
    assert out["text"] == text_commitment(KEY, "WB-1")
    assert out["reasons"] == [text_commitment(KEY, "one"), text_commitment(KEY, "two")]
    Act("case.reply", "russia", details=out)  # passes the guard


def test_a_commitment_confirms_nothing_without_the_salt_and_opens_with_it() -> None:
    text = "WB-1 statement.txt"
    commitment = text_commitment(KEY, text)
    assert commitment != hashlib.sha256(text.encode()).hexdigest()
    assert commitment != text_commitment(bytes(32), text)  # another installation: unrelated
    assert opens_text(text_salt(KEY, text), text, commitment)
    assert not opens_text(text_salt(KEY, text), "WB-2 statement.txt", commitment)


def test_a_keyed_document_id_hides_the_raw_hash_and_opens_with_its_salt() -> None:
    content = b"Witness WB-1 said ..."
    raw = hashlib.sha256(content).hexdigest()
    keyed = keyed_document_id(KEY, raw)
    assert keyed.startswith("doc_") and raw not in keyed
    assert keyed_document_id(KEY, keyed) == keyed  # idempotent
    assert opens_document(document_salt(KEY, raw), content, keyed)
    assert not opens_document(document_salt(KEY, raw), b"another statement", keyed)
