"""Reduced-payment plans and settlements over the JSON API: amounts as decimal strings, errors as
RFC 7807 naming the term."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from recoup.access.models import Role
from recoup.access.operations import api_token_issue, user_create
from recoup.kernel import clock
from tests.integration.factories import book

pytestmark = pytest.mark.django_db


def _api(role: str) -> Client:
    user = user_create(username=role, password="a-long-password-1", role=role)
    token, _ = api_token_issue(user=user, name="dialer", at=datetime(2024, 1, 1, tzinfo=UTC))
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def account() -> str:
    today = clock.today()
    return book(
        origination_date=today,
        first_due_date=today + timedelta(days=20),
        apr=Decimal("0"),
        amount_financed=Decimal("18000"),
        cash_price=Decimal("18000"),
    ).account_number


def _day(days: int) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def test_a_plan_quote_gives_its_dated_amounts_against_the_scheduled_payments(account) -> None:
    agent = _api(Role.AGENT)

    quote = agent.post(
        f"/api/v1/accounts/{account}/arrangements/quote",
        {"kind": "reduced_payment", "amount": "150.00", "periods": 3, "first_date": _day(20)},
        content_type="application/json",
    ).json()

    assert [(p["amount"], p["scheduled"]) for p in quote["payments"]] == [("150.00", "300.00")] * 3
    assert quote["reduction_percent"] == "50.00"
    assert quote["within_authority"] is False
    assert quote["exceeded"] == ["payment_reduction_percent"]


def test_a_settlement_beyond_the_agent_is_approved_by_the_head_of_credit_and_listed_active(account) -> None:
    agent, head = _api(Role.AGENT), _api(Role.HEAD_OF_CREDIT)

    made = agent.post(
        f"/api/v1/accounts/{account}/arrangements",
        {"kind": "settlement", "payments": [{"date": _day(10), "amount": "12600.00"}]},
        content_type="application/json",
    )
    pending = head.get("/api/v1/approvals").json()
    approved = head.post(
        f"/api/v1/approvals/{pending[0]['id']}/decision", {"approve": True}, content_type="application/json"
    )
    listed = agent.get(f"/api/v1/accounts/{account}/arrangements").json()

    assert made.status_code == 201
    assert (made.json()["status"], made.json()["discount_percent"]) == ("pending_approval", "30.00")
    assert approved.status_code == 200
    assert listed[0]["status"] == "active"
    assert listed[0]["payments"] == [
        {"due_date": _day(10), "amount": "12600.00", "paid": "0.00", "status": "open"}
    ]


def test_a_settlement_for_the_whole_balance_is_refused_naming_its_payments(account) -> None:
    agent = _api(Role.AGENT)

    refused = agent.post(
        f"/api/v1/accounts/{account}/arrangements",
        {"kind": "settlement", "payments": [{"date": _day(10), "amount": "18000.00"}]},
        content_type="application/json",
    )

    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["field"] == "payments"
