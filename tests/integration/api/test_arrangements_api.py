"""Arrangements and approvals over the JSON API: the same rules as the web app, as JSON and RFC 7807."""

from datetime import UTC, datetime, timedelta

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
    return book(origination_date=today, first_due_date=today + timedelta(days=20)).account_number


def test_a_quote_says_what_moves_and_stores_nothing(account) -> None:
    agent = _api(Role.AGENT)

    quote = agent.post(
        f"/api/v1/accounts/{account}/arrangements/quote",
        {"kind": "deferral", "periods": 2},
        content_type="application/json",
    ).json()
    listed = agent.get(f"/api/v1/accounts/{account}/arrangements").json()

    assert quote["months"] == 2
    assert quote["within_authority"] is True
    assert quote["changes"][0]["number"] == 1
    assert listed == []


def test_a_request_beyond_authority_waits_and_its_maker_may_not_decide_it(account) -> None:
    agent, leader = _api(Role.AGENT), _api(Role.TEAM_LEADER)

    made = agent.post(
        f"/api/v1/accounts/{account}/arrangements",
        {"kind": "deferral", "periods": 9},
        content_type="application/json",
    )
    pending = leader.get("/api/v1/approvals").json()
    own = agent.post(
        f"/api/v1/approvals/{pending[0]['id']}/decision", {"approve": True}, content_type="application/json"
    )
    approved = leader.post(
        f"/api/v1/approvals/{pending[0]['id']}/decision", {"approve": True}, content_type="application/json"
    )

    assert made.status_code == 201
    assert made.json()["status"] == "pending_approval"
    assert pending[0]["may_decide"] is True
    assert own.status_code == 422
    assert own.json()["field"] == "decided_by"
    assert approved.json()["arrangement"]["status"] == "active"


def test_bad_terms_are_a_problem_document_naming_the_field(account) -> None:
    response = _api(Role.AGENT).post(
        f"/api/v1/accounts/{account}/arrangements",
        {"kind": "deferral", "periods": 0},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "periods"


def test_an_unknown_approval_is_not_found() -> None:
    response = _api(Role.TEAM_LEADER).post(
        "/api/v1/approvals/999/decision", {"approve": False}, content_type="application/json"
    )

    assert response.status_code == 404
