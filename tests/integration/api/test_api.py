from datetime import UTC, datetime

import pytest
from django.test import Client

from recoup.access.models import User
from recoup.access.operations import api_token_issue
from recoup.portfolio.models import Contract
from recoup.portfolio.operations.modifications import installments_fall_due
from tests.integration.factories import AT, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    user = User.objects.create_user(username="dialer", password="not-used-here", role="agent")
    token, _ = api_token_issue(user=user, name="dialer", at=datetime(2024, 1, 1, tzinfo=UTC))
    return Client(headers={"Authorization": f"Bearer {token}"})


def _contract_body(**changes):
    body = {
        "product": "US-RIC",
        "jurisdiction": "US-TX",
        "customer": {
            "given_name": "Maria",
            "family_name": "Garcia",
            "addresses": [
                {
                    "line1": "12 Maple Ave",
                    "city": "Houston",
                    "region": "TX",
                    "postal_code": "77002",
                    "country": "US",
                }
            ],
            "phones": [{"number": "713-555-0142"}],
        },
        "vehicle": {"vin": "1HGCM82633A004352", "year": 2023, "make": "Honda", "model": "Accord"},
        "cash_price": "15000",
        "amount_financed": "15000",
        "apr": "8",
        "term": 60,
        "origination_date": "2024-01-01",
        "first_due_date": "2024-02-01",
    }
    body.update(changes)
    return body


def test_requests_without_a_token_get_a_problem_document(client):
    response = client.get("/api/v1/accounts")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_openapi_document_is_published(api):
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/accounts/{account_number}/payments" in response.json()["paths"]


def test_an_account_reads_back_with_its_balance(api):
    booked = book()

    response = api.get(f"/api/v1/accounts/{booked.account_number}")

    assert response.status_code == 200
    assert response.json()["balance"] == "15000.00"


def test_an_unknown_account_is_not_found(api):
    response = api.get("/api/v1/accounts/123")

    assert response.status_code == 404
    assert response.json()["field"] == "account_number"


def test_a_quote_pays_304_15_a_month_on_15000_at_8_percent_over_60_months(api):
    response = api.post(
        "/api/v1/schedules/quote",
        {"principal": "15000", "apr": "8", "term": 60, "start": "2024-01-01", "first_due": "2024-02-01"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["payment"] == "304.15"
    assert len(response.json()["installments"]) == 60


def test_booking_a_contract_returns_its_account_number(api):
    response = api.post("/api/v1/contracts", _contract_body(), content_type="application/json")

    assert response.status_code == 201, response.content
    assert Contract.objects.filter(account_number=response.json()["account_number"]).exists()
    assert response.json()["payment"] == "304.15"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"vehicle": {"vin": "1HGCM82633A004353", "year": 2023, "make": "Honda", "model": "Accord"}},
            "vehicle.vin",
        ),
        ({"cash_price": "0", "amount_financed": "0"}, "cash_price"),
        ({"apr": "99"}, "apr"),
        ({"term": 0}, "term"),
        ({"currency": "ZZZ"}, "currency"),
        ({"cash_price": 15000.5}, "cash_price"),
        ({"origination_date": "2024-02-30"}, "origination_date"),
    ],
)
def test_bad_contracts_are_refused_naming_the_field_and_nothing_is_booked(api, changes, field):
    response = api.post("/api/v1/contracts", _contract_body(**changes), content_type="application/json")

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == field
    assert not Contract.objects.exists()


def test_a_payment_replayed_with_the_same_key_is_taken_once(api):
    number = book().account_number
    body = {"amount": "304.15", "received_date": "2024-02-01"}

    first = api.post(
        f"/api/v1/accounts/{number}/payments",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )
    again = api.post(
        f"/api/v1/accounts/{number}/payments",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k1"},
    )

    assert first.status_code == 201, first.content
    assert again.json() == first.json()
    assert first.json()["balance"] == "14695.85"


def test_the_same_key_with_a_different_payment_is_refused(api):
    number = book().account_number
    url = f"/api/v1/accounts/{number}/payments"
    api.post(
        url,
        {"amount": "304.15", "received_date": "2024-02-01"},
        content_type="application/json",
        headers={"Idempotency-Key": "k2"},
    )

    response = api.post(
        url,
        {"amount": "100.00", "received_date": "2024-02-01"},
        content_type="application/json",
        headers={"Idempotency-Key": "k2"},
    )

    assert response.status_code == 422
    assert "idempotency" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    ("amount", "field"), [("0", "amount"), ("-5", "amount"), ("1.234", "amount"), ("abc", "amount")]
)
def test_bad_payment_amounts_are_refused_naming_the_field(api, amount, field):
    number = book().account_number

    response = api.post(
        f"/api/v1/accounts/{number}/payments",
        {"amount": amount, "received_date": "2024-02-01"},
        content_type="application/json",
        headers={"Idempotency-Key": f"bad-{amount}"},
    )

    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.fixture
def head_of_credit_api():
    user = User.objects.create_user(username="hoc", password="not-used-here", role="head_of_credit")
    token, _ = api_token_issue(user=user, name="ops", at=datetime(2024, 1, 1, tzinfo=UTC))
    return Client(headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "adj-1"})


def _adjustment(*lines):
    return {"reason_code": "goodwill_credit", "effective_date": "2024-02-10", "lines": list(lines)}


def test_the_head_of_credit_posts_a_balanced_manual_entry(head_of_credit_api):
    number = book().account_number

    response = head_of_credit_api.post(
        f"/api/v1/accounts/{number}/journal-entries",
        _adjustment(
            {"code": "principal", "amount": "-10.00", "currency": "USD"},
            {"code": "credits", "amount": "10.00", "currency": "USD"},
        ),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["balance"] == "14990.00"


def test_mixed_currencies_in_one_entry_are_refused_naming_the_line(head_of_credit_api):
    number = book().account_number

    response = head_of_credit_api.post(
        f"/api/v1/accounts/{number}/journal-entries",
        _adjustment(
            {"code": "principal", "amount": "-10.00", "currency": "USD"},
            {"code": "credits", "amount": "10.00", "currency": "GBP"},
        ),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["field"] == "lines[1].amount"


def test_an_agent_may_not_post_manual_entries(api):
    number = book().account_number

    response = api.post(
        f"/api/v1/accounts/{number}/journal-entries",
        _adjustment({"code": "principal", "amount": "-1.00", "currency": "USD"}),
        content_type="application/json",
        headers={"Idempotency-Key": "agent-1"},
    )

    assert response.status_code == 403


def test_a_manual_line_on_what_an_installment_owes_names_one_fallen_due(head_of_credit_api):
    contract = book()
    lines = (
        {"code": "principal_due", "amount": "-10.00", "currency": "USD", "installment": 1},
        {"code": "credits", "amount": "10.00", "currency": "USD"},
    )

    refused = head_of_credit_api.post(
        f"/api/v1/accounts/{contract.account_number}/journal-entries",
        _adjustment(*lines),
        content_type="application/json",
        headers={"Idempotency-Key": "before-due"},
    )
    installments_fall_due(
        contract=Contract.objects.get(pk=contract.contract_id), as_of=contract.first_due_date, at=AT
    )
    posted = head_of_credit_api.post(
        f"/api/v1/accounts/{contract.account_number}/journal-entries",
        _adjustment(*lines),
        content_type="application/json",
        headers={"Idempotency-Key": "after-due"},
    )

    assert refused.status_code == 422
    assert refused.json()["field"] == "lines[0].installment"
    assert posted.status_code == 201, posted.content
