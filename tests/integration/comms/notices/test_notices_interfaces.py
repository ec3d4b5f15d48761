"""The notices from the command line and the API: issue after a close, list an account's, and the
event-triggered notices posted as problem documents when refused."""

import json
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from recoup.access.models import Role, User
from recoup.access.operations import api_token_issue
from recoup.cli.main import main
from recoup.kernel import clock
from tests.integration.comms.notices.helpers import account, in_arrears

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 3, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    monkeypatch.setattr(clock, "now", lambda: NOW)


def api_client(role: str = Role.TEAM_LEADER) -> Client:
    user = User.objects.create_user(username=f"api-{role}", password="not-used-here", role=role)
    token, _ = api_token_issue(user=user, name="workflow", at=NOW)
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_recoup_notices_issue_prints_the_counts_and_list_shows_the_notice(capsys):
    uk = account("GB-SCT")
    in_arrears(uk, oldest_unpaid=date(2026, 4, 15), arrears_minor=60_000)

    assert main(["notices", "issue", "--as-of", "2026-05-15", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert main(["notices", "list", uk.account_number, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)

    assert (counts["as_of"], counts["uk.arrears_s86b"], counts["recorded"]) == ("2026-05-15", 1, 1)
    assert [(n["kind"], n["trigger_date"]) for n in listed] == [("uk.arrears_s86b", "2026-05-15")]


def test_recoup_notices_list_of_an_unknown_account_is_refused(capsys):
    assert main(["notices", "list", "NOPE"]) == 2
    assert "no account NOPE" in capsys.readouterr().err


def test_the_api_posts_a_private_sale_notice_and_lists_it():
    loan = account("US-TX")
    client = api_client()

    posted = client.post(
        f"/api/v1/accounts/{loan.account_number}/notices/disposition",
        data={
            "method": "private",
            "repossessed_date": "2026-03-02",
            "earliest_private_sale_date": "2026-03-13",
            "redemption_phone": "(800) 555-0123",
            "accounting_charge": "25.00",
        },
        content_type="application/json",
    )
    listed = client.get(f"/api/v1/accounts/{loan.account_number}/notices")

    assert posted.status_code == 201
    assert posted.json()["merge_data"]["accounting_charge"] == "$25.00"
    assert [n["kind"] for n in listed.json()] == ["us.disposition"]


def test_the_api_refuses_a_sale_too_soon_naming_the_field():
    loan = account("US-TX")

    response = api_client().post(
        f"/api/v1/accounts/{loan.account_number}/notices/disposition",
        data={
            "method": "private",
            "repossessed_date": "2026-03-02",
            "earliest_private_sale_date": "2026-03-10",
            "redemption_phone": "(800) 555-0123",
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "earliest_private_sale_date"


def test_the_api_answers_404_for_an_unknown_account():
    response = api_client().get("/api/v1/accounts/NOPE/notices")

    assert response.status_code == 404
