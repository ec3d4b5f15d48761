"""The contacts API: GET and POST /api/v1/accounts/{account_number}/contacts."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from recoup.access.models import AuditEvent, User
from recoup.access.operations import api_token_issue
from recoup.collections.models import Contact
from recoup.kernel import clock
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 6, 14, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def api_client(role: str) -> Client:
    user = User.objects.create_user(username=f"api-{role}", password="not-used-here", role=role)
    token, _ = api_token_issue(user=user, name="dialer", at=NOW)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def account_number() -> str:
    return book().account_number


def body(**changes):
    payload = {
        "channel": "call",
        "direction": "inbound",
        "outcome": "promise",
        "next_action_date": "2024-06-21",
        "notes": "Customer rang in after the letter.",
        "promise": [
            {"due_date": "2024-06-21", "amount": "100.00"},
            {"due_date": "2024-07-05", "amount": "1,250.50"},
        ],
    }
    payload.update(changes)
    return payload


def test_a_dialer_records_a_call_with_a_promise_and_reads_it_back(account_number):
    api = api_client("agent")

    created = api.post(f"/api/v1/accounts/{account_number}/contacts", body(), content_type="application/json")
    listed = api.get(f"/api/v1/accounts/{account_number}/contacts")

    assert created.status_code == 201
    contact = created.json()
    assert contact["outcome"] == "promise"
    assert contact["at"] == NOW.isoformat()
    assert contact["promise"]["total"] == "1350.50"
    assert [(p["due_date"], p["amount"], p["status"]) for p in contact["promise"]["payments"]] == [
        ("2024-06-21", "100.00", "open"),
        ("2024-07-05", "1250.50", "open"),
    ]
    assert listed.status_code == 200
    assert listed.json()["currency"] == "USD"
    assert listed.json()["contacts"] == [contact]
    assert listed.json()["promises"] == [contact["promise"]]


def test_a_bad_amount_is_a_problem_document_naming_the_line(account_number):
    api = api_client("agent")
    payload = body(
        promise=[{"due_date": "2024-06-21", "amount": "100.00"}, {"due_date": "2024-06-28", "amount": "0"}]
    )

    response = api.post(
        f"/api/v1/accounts/{account_number}/contacts", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "promise.1.amount"
    assert not Contact.objects.exists()


def test_a_promise_dated_before_today_is_refused(account_number):
    payload = body(promise=[{"due_date": "2024-06-13", "amount": "100.00"}])

    response = api_client("agent").post(
        f"/api/v1/accounts/{account_number}/contacts", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "promise.0.date"


def test_an_amount_sent_as_a_json_number_is_refused(account_number):
    payload = body(promise=[{"due_date": "2024-06-21", "amount": 100.5}])

    response = api_client("agent").post(
        f"/api/v1/accounts/{account_number}/contacts", payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "promise.0.amount"


def test_an_auditor_may_read_contacts_but_not_record_them(account_number):
    api = api_client("auditor")

    read = api.get(f"/api/v1/accounts/{account_number}/contacts")
    refused = api.post(f"/api/v1/accounts/{account_number}/contacts", body(), content_type="application/json")

    assert read.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["field"] == "agent"
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.filter(action="contact.record").exists()


def test_an_unknown_account_is_not_found():
    api = api_client("agent")

    assert api.get("/api/v1/accounts/NO-SUCH-1/contacts").status_code == 404
    posted = api.post("/api/v1/accounts/NO-SUCH-1/contacts", body(), content_type="application/json")
    assert posted.status_code == 404


def test_the_contacts_endpoints_are_in_the_openapi_document():
    response = api_client("agent").get("/api/v1/openapi.json")

    assert "/api/v1/accounts/{account_number}/contacts" in response.json()["paths"]
