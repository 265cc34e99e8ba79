"""The mechanism's own rules over HTTP (issue 11, items 6 and 7), on a copy of the demo store:
who reads an unpublished case, and how a published finding is reopened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import NewStore, Serve, Served, Store
from truce.domain.access import OPERATIONS_CENTRE
from truce.domain.cases import CaseState
from truce.services.check import check_cases

COUNTER_CLAIM = "a munitions depot of the armed groups exploded"
REPLY_TEXT = "our aircraft were grounded that day"
DISSENT = "the crater does not match an air-dropped bomb"


@pytest.fixture
def served(new_store: NewStore, serve: Serve, demo_store: Store) -> Iterator[Served]:
    with new_store("case-rules", copy_of=demo_store) as store, serve(store) as app:
        yield app


def call(app: Served, user: str | None, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return app.client.request(method, path, headers=app.auth(user), **kwargs)


def ok(app: Served, user: str | None, method: str, path: str, **kwargs: Any) -> Any:
    answer = call(app, user, method, path, **kwargs)
    assert answer.status_code < 300, answer.text
    return answer.json()


def disputed_case(app: Served) -> tuple[str, str]:
    """A government-side case the guarantors replied to (one disputing, with a counter-claim)
    and one dissented from: (case ID, incident ID), disputed and not published."""
    items = ok(app, "analyst", "GET", "/api/cases", params={"state": "awaiting_reply"})["items"]
    case = next(c for c in items if c["accused_side"] == "government" and not c["replies"])
    path = f"/api/cases/{case['id']}"
    ok(
        app,
        "ru-officer",
        "POST",
        f"{path}/reply",
        json={"kind": "disputed", "text": REPLY_TEXT, "counter_claim": COUNTER_CLAIM},
    )
    ok(app, "ir-officer", "POST", f"{path}/reply", json={"kind": "acknowledged", "text": "Seen."})
    ok(app, "analyst", "POST", f"{path}/propose")
    voted = ok(
        app, "ru-officer", "POST", f"{path}/review", json={"vote": "dissent", "reason": DISSENT}
    )
    assert voted["state"] == CaseState.DISPUTED.value
    return case["id"], case["incident_id"]


SECRETS = (COUNTER_CLAIM, REPLY_TEXT, DISSENT)


def assert_state_only(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_an_unpublished_case_shows_the_public_and_the_other_side_only_its_state(
    served: Served,
) -> None:
    case_id, incident_id = disputed_case(served)
    for user in (None, "visitor", "opp-liaison"):
        shown = ok(served, user, "GET", f"/api/cases/{case_id}")
        assert shown["case"]["state"] == "disputed" and shown["case"]["whole"] is False
        assert (shown["case"]["replies"], shown["case"]["ballots"]) == ([], [])
        assert (shown["case"]["reasons"], shown["timeline"]) == ([], [])
        assert_state_only(str(shown))
        listed = ok(served, user, "GET", "/api/cases")["items"]
        (mine,) = [c for c in listed if c["id"] == case_id]
        assert mine["state"] == "disputed" and mine["whole"] is False
        assert_state_only(str(listed))
        incident = ok(served, user, "GET", f"/api/incidents/{incident_id}")
        assert incident["case"]["state"] == "disputed" and incident["case_whole"] is False
        assert_state_only(str(incident))
    page = served.client.get(f"/incidents/{incident_id}")
    assert page.status_code == 200
    assert f"Case {case_id}: disputed" in page.text
    assert "shown once the case is published" in page.text
    assert_state_only(page.text)
    assert "dissent" not in page.text.split(f"Case {case_id}")[1]


@pytest.mark.parametrize("user", ["gov-liaison", "us-observer", "chair", "analyst", "tr-officer"])
def test_the_accused_sides_liaison_observers_and_the_mechanism_see_it_whole(
    served: Served, user: str
) -> None:
    case_id, incident_id = disputed_case(served)
    shown = ok(served, user, "GET", f"/api/cases/{case_id}")
    assert shown["case"]["whole"] is True
    assert shown["case"]["replies"][0]["counter_claim"] == COUNTER_CLAIM
    assert shown["case"]["ballots"][0]["reason"] == DISSENT
    assert [e["action"] for e in shown["timeline"]][-1] == "review"
    assert ok(served, user, "GET", f"/api/incidents/{incident_id}")["case_whole"] is True


def test_once_published_the_public_sees_the_published_record(served: Served) -> None:
    case_id, incident_id = disputed_case(served)
    ok(served, "chair", "POST", f"/api/cases/{case_id}/publish")
    shown = ok(served, None, "GET", f"/api/cases/{case_id}")
    assert shown["case"]["whole"] is True and shown["case"]["state"] == "published"
    assert shown["case"]["replies"][0]["counter_claim"] == COUNTER_CLAIM
    assert shown["case"]["ballots"][0]["reason"] == DISSENT
    page = served.client.get(f"/incidents/{incident_id}").text
    assert COUNTER_CLAIM in page and DISSENT in page

    # Reopened, the new round is the mechanism's again; the published record stays public.
    report_id = ok(served, "analyst", "GET", f"/api/incidents/{incident_id}")["reports"][0]["id"]
    reopen = {"text": "new footage of the strike", "report_id": report_id}
    ok(served, "ru-officer", "POST", f"/api/cases/{case_id}/reopen", json=reopen)
    shown = ok(served, None, "GET", f"/api/cases/{case_id}")
    assert shown["case"]["state"] == "reopened" and shown["case"]["whole"] is False
    assert [e["action"] for e in shown["timeline"]][-1] == "publish"
    assert shown["case"]["ballots"] == []


def test_a_liaisons_reopening_is_a_request_the_analyst_decides_and_requests_are_limited(
    served: Served,
) -> None:
    case_id, incident_id = disputed_case(served)
    ok(served, "chair", "POST", f"/api/cases/{case_id}/publish")
    path = f"/api/cases/{case_id}"
    before = ok(served, "analyst", "GET", path)["case"]
    report_id = ok(served, "analyst", "GET", f"/api/incidents/{incident_id}")["reports"][0]["id"]

    # No new evidence in the store, no reopening.
    bare = call(served, "gov-liaison", "POST", f"{path}/reopen", json={"text": "it was not us"})
    assert bare.status_code == 422 and "document_id" in bare.text
    # A document must be one the liaison's member submitted: another's copy is not confirmed.
    sample = ok(served, "analyst", "GET", "/api/reports/" + report_id)
    someone_elses = {"text": "this document", "document_id": sample["document_id"]}
    refused = call(served, "gov-liaison", "POST", f"{path}/reopen", json=someone_elses)
    assert refused.status_code == 422 and "submitted by syria-gov" in refused.text

    # The liaison's own new evidence: submitted, then cited. The reopening becomes a request.
    text = "Syrian Arab News Agency, 10 January 2017: footage shows armed groups' depot."
    document_id = ok(served, "gov-liaison", "POST", "/api/reports/text", json={"text": text})[
        "document_id"
    ]
    evidence = {"text": "footage of the depot", "document_id": document_id}
    asked = call(served, "gov-liaison", "POST", f"{path}/reopen", json=evidence)
    assert asked.status_code == 202, asked.text
    body = asked.json()
    assert body["request"]["number"] == 1 and body["request"]["status"] == "pending"
    assert body["case"]["state"] == "published"
    after = ok(served, "analyst", "GET", path)["case"]
    assert (after["ballots"], after["round"]) == (before["ballots"], before["round"])
    assert after["reopen_requests"][0]["evidence"]["document_id"] == document_id
    pending = ok(served, "analyst", "GET", "/api/cases/requests")["items"]
    assert [(c, n["number"]) for c, _, n in pending] == [(case_id, 1)]

    # One waits at a time; only an analyst decides, and gives reasons.
    again = call(
        served,
        "opp-liaison",
        "POST",
        f"{path}/reopen",
        json=evidence | {"document_id": None, "report_id": report_id},
    )
    assert again.status_code == 409 and "still awaits" in again.text
    assert (
        call(
            served, "gov-liaison", "POST", f"{path}/requests/1/accept", json={"text": "x"}
        ).status_code
        == 403
    )
    declined = ok(
        served,
        "analyst",
        "POST",
        f"{path}/requests/1/decline",
        json={"text": "the footage was examined before the finding"},
    )
    assert declined["state"] == "published"
    assert declined["reopen_requests"][0]["status"] == "declined"
    assert declined["ballots"] == before["ballots"]

    # A second request (the other party's), declined; the third is refused: 2 per case.
    second = {"text": "a witness came forward", "report_id": report_id}
    assert call(served, "opp-liaison", "POST", f"{path}/reopen", json=second).status_code == 202
    ok(served, "analyst", "POST", f"{path}/requests/2/decline", json={"text": "not new"})
    third = call(served, "gov-liaison", "POST", f"{path}/reopen", json=evidence)
    assert third.status_code == 409
    assert "2 request(s) to reopen, the most astana-2016 allows per case (2)" in third.text
    assert ok(served, "analyst", "GET", path)["case"]["ballots"] == before["ballots"]

    # A guarantor still reopens directly, with evidence: a new round, the ballots wiped.
    reopened = call(served, "tr-officer", "POST", f"{path}/reopen", json=second)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["request"] is None
    case = reopened.json()["case"]
    assert (case["state"], case["round"], case["ballots"]) == ("reopened", 2, [])

    # Every step is in the ledger, and the ledger and the cases agree.
    timeline = ok(served, "analyst", "GET", path)["timeline"]
    assert [e["action"] for e in timeline][-5:] == [
        "request_reopen",
        "decline_reopen",
        "request_reopen",
        "decline_reopen",
        "reopen",
    ]
    with served.store.uow() as unit:
        acts = [e["act"] for e in unit.ledger.entries_for(case_id)]
        assert acts[-5:] == [f"case.{e['action']}" for e in timeline[-5:]]
        assert check_cases(uow=unit, who=OPERATIONS_CENTRE)[2] == []
