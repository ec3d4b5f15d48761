"""recoup contact-permission and GET /api/v1/accounts/{number}/contact-permission: the same answer."""

import json
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from recoup.access.operations import api_token_issue
from recoup.cli.main import main
from recoup.parties.operations import party_flag_set
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
POLICY = "Policy us-federal: US federal default: Regulation F call frequency, first and third party"


@pytest.fixture
def account_number() -> str:
    return book().account_number


@pytest.fixture
def api() -> Client:
    token, _ = api_token_issue(user=user_make(), name="dialer", at=AT)
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_the_command_prints_exactly_allowed_and_reasons_as_json(capsys, account_number):
    code = main(
        [
            "contact-permission",
            account_number,
            "--channel",
            "call",
            "--at",
            "2026-03-16T10:00:00-05:00",
            "--json",
        ]
    )

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {
        "allowed": True,
        "reasons": ["May call (713) 555-0142", POLICY],
    }


def test_the_command_cites_the_refusal_and_the_policy_in_readable_lines(capsys, account_number):
    contract = Contract.objects.get(account_number=account_number)
    party_flag_set(
        party=contract.customer, kind="cease_communication", set_date=date(2026, 3, 1), at=AT, set_by=None
    )

    main(["contact-permission", account_number, "--channel", "email", "--at", "2026-03-16T15:00:00Z"])

    assert capsys.readouterr().out.splitlines() == [
        f"{account_number}: email at 2026-03-16T15:00:00+00:00 refused",
        "  - Cease communication since 2026-03-01 (FDCPA § 805(c), 15 U.S.C. § 1692c(c)): only a letter "
        "saying collection stops or naming a remedy",
        f"  - {POLICY}",
    ]


def test_the_command_names_a_bad_channel_or_moment(capsys, account_number):
    bad_channel = main(["contact-permission", account_number, "--channel", "fax", "--json"])
    channel_out = json.loads(capsys.readouterr().out)
    bad_at = main(
        ["contact-permission", account_number, "--channel", "call", "--at", "2026-03-16T10:00", "--json"]
    )
    at_out = json.loads(capsys.readouterr().out)

    assert (bad_channel, channel_out["field"]) == (2, "channel")
    assert (bad_at, at_out["field"]) == (2, "at")
    assert "needs its UTC offset" in at_out["error"]


def test_the_api_gives_the_same_answer_as_the_command(capsys, api, account_number):
    main(
        [
            "contact-permission",
            account_number,
            "--channel",
            "sms",
            "--at",
            "2026-03-16T23:30:00-05:00",
            "--json",
        ]
    )
    from_command = json.loads(capsys.readouterr().out)

    response = api.get(
        f"/api/v1/accounts/{account_number}/contact-permission",
        {"channel": "sms", "at": "2026-03-16T23:30:00-05:00"},
    )

    assert response.status_code == 200
    assert response.json() == from_command
    assert response.json()["allowed"] is False


@pytest.mark.parametrize(
    ("query", "field"),
    [({"channel": "pigeon"}, "channel"), ({"channel": "call", "at": "yesterday"}, "at"), ({}, "channel")],
)
def test_the_api_answers_a_bad_channel_or_moment_with_a_problem_naming_the_field(
    api, account_number, query, field
):
    response = api.get(f"/api/v1/accounts/{account_number}/contact-permission", query)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_the_api_answers_an_unknown_account_with_not_found(api):
    response = api.get("/api/v1/accounts/NOPE/contact-permission", {"channel": "call"})

    assert response.status_code == 404
    assert response.json()["field"] == "account_number"
