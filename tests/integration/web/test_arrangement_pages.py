"""The arrangement calculator and the approvals inbox, through Django's test client."""

from datetime import date, timedelta

import pytest
from django.test import Client

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.collections.models import ApprovalRequest
from recoup.kernel import clock
from recoup.portfolio import queries
from tests.integration.factories import book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(role: str) -> Client:
    user_create(username=role, password="a-long-password-1", role=role)
    client = Client()
    assert client.login(username=role, password="a-long-password-1")
    return client


@pytest.fixture
def account() -> str:
    today = clock.today()
    return book(origination_date=today, first_due_date=today + timedelta(days=20)).account_number


def _first_due(account: str) -> date:
    versions = queries.schedule_version_view(account, 1).versions
    return queries.schedule_version_view(account, versions[-1].version).installments[0].due_date


def test_the_calculator_shows_the_schedule_before_and_after_and_says_it_is_within_authority(account) -> None:
    agent = _client(Role.AGENT)

    page = agent.get(
        f"/accounts/{account}/arrangements/", {"kind": "deferral", "periods": "1"}
    ).content.decode()

    assert "Within your authority" in page
    assert 'id="arrangement-make"' in page
    assert _first_due(account) == clock.today() + timedelta(days=20)


def test_an_arrangement_beyond_authority_is_sent_and_a_team_leader_approves_it(account) -> None:
    agent, leader = _client(Role.AGENT), _client(Role.TEAM_LEADER)
    before = _first_due(account)

    sent = agent.post(f"/accounts/{account}/arrangements/", {"kind": "deferral", "periods": "9"}, follow=True)
    inbox_for_agent = agent.get("/approvals/").content.decode()
    inbox = leader.get("/approvals/").content.decode()
    approval_id = ApprovalRequest.objects.get().pk
    decided = leader.post(
        f"/approvals/{approval_id}/decide/", {"decision": "approve", "note": ""}, follow=True
    )

    assert "sent for approval" in sent.content.decode()
    assert "their own request" in inbox_for_agent
    assert "Approve" in inbox
    assert "is in effect" in decided.content.decode()
    assert _first_due(account) > before


def test_bad_terms_are_shown_beside_the_field_and_nothing_is_made(account) -> None:
    agent = _client(Role.AGENT)

    response = agent.post(f"/accounts/{account}/arrangements/", {"kind": "due_date_change"})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert _first_due(account) == clock.today() + timedelta(days=20)


def test_an_auditor_sees_the_calculator_but_makes_nothing(account) -> None:
    auditor = _client(Role.AUDITOR)

    page = auditor.get(f"/accounts/{account}/arrangements/", {"kind": "deferral", "periods": "1"})
    made = auditor.post(f"/accounts/{account}/arrangements/", {"kind": "deferral", "periods": "1"})

    assert 'id="arrangement-make"' not in page.content.decode()
    assert made.status_code == 403


def test_an_unknown_account_is_not_found() -> None:
    agent = _client(Role.AGENT)

    assert agent.get("/accounts/NOPE/arrangements/").status_code == 404
