"""GET /api/v1/accounts/{number}/repossession-permission and POST /api/v1/accounts/{number}/court-orders."""

import json
from datetime import UTC, date, datetime

import pytest
from django.test import Client

from recoup.access.operations import api_token_issue
from recoup.cli.main import main
from recoup.compliance.models import CourtOrder
from recoup.parties.operations import party_flag_set
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
ORDER = {
    "kind": "stay_relief",
    "court": "U.S. Bankruptcy Court for the Southern District of Texas",
    "reference": "26-30001",
    "granted_date": "2026-03-10",
    "expiry_date": "2026-09-30",
    "conditions": "the vehicle only",
}


def client_as(role: str) -> Client:
    token, _ = api_token_issue(user=user_make(role), name="portal", at=AT)
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def bankrupt() -> str:
    contract = Contract.objects.select_related("customer").get(pk=book().contract_id)
    party_flag_set(party=contract.customer, kind="bankruptcy", set_date=date(2026, 2, 1), at=AT, set_by=None)
    return contract.account_number


def test_the_api_gives_the_same_answer_as_the_command(capsys, bankrupt):
    main(["repossession-permission", bankrupt, "--on", "2026-03-16", "--json"])
    from_command = json.loads(capsys.readouterr().out)

    response = client_as("agent").get(
        f"/api/v1/accounts/{bankrupt}/repossession-permission", {"on": "2026-03-16"}
    )

    assert response.status_code == 200
    assert response.json() == from_command
    assert response.json()["allowed"] is False


def test_a_team_leader_records_relief_from_the_stay_and_repossession_is_allowed(bankrupt):
    leader = client_as("team_leader")

    recorded = leader.post(
        f"/api/v1/accounts/{bankrupt}/court-orders", ORDER, content_type="application/json"
    )
    permission = leader.get(f"/api/v1/accounts/{bankrupt}/repossession-permission", {"on": "2026-03-16"})

    assert recorded.status_code == 201
    body = recorded.json()
    assert {key: body[key] for key in ORDER} == ORDER
    assert body["revoked_at"] is None
    assert body["recorded_by"].startswith("team_leader")
    assert permission.json() == {
        "allowed": True,
        "reasons": [
            "Court order 26-30001 of U.S. Bankruptcy Court for the Southern District of Texas, granted "
            "2026-03-10 (in force until 2026-09-30): relief from the automatic stay (11 U.S.C. § 362(d)) "
            "of the bankruptcy since 2026-02-01; conditions: the vehicle only"
        ],
    }


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_other_roles_are_not_permitted_to_record_an_order(bankrupt, role):
    response = client_as(role).post(
        f"/api/v1/accounts/{bankrupt}/court-orders", ORDER, content_type="application/json"
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "by"
    assert not CourtOrder.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "writ"}, "kind"),
        ({"court": ""}, "court"),
        ({"granted_date": "2099-01-01"}, "granted_date"),
        ({"granted_date": "10/03/2026"}, "granted_date"),
        ({"expiry_date": "2026-03-01"}, "expiry_date"),
    ],
)
def test_a_bad_order_is_a_problem_naming_its_field(bankrupt, changes, field):
    response = client_as("head_of_credit").post(
        f"/api/v1/accounts/{bankrupt}/court-orders", {**ORDER, **changes}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == field
    assert not CourtOrder.objects.exists()


def test_an_order_on_a_uk_account_is_refused_and_an_unknown_account_is_not_found():
    uk = book(uk_pcp()).account_number
    admin = client_as("administrator")

    on_uk = admin.post(f"/api/v1/accounts/{uk}/court-orders", ORDER, content_type="application/json")
    unknown = admin.post("/api/v1/accounts/NO-SUCH/court-orders", ORDER, content_type="application/json")
    unknown_permission = admin.get("/api/v1/accounts/NO-SUCH/repossession-permission")

    assert (on_uk.status_code, on_uk.json()["field"]) == (422, "kind")
    assert "is US law" in on_uk.json()["detail"]
    assert unknown.status_code == 404
    assert unknown_permission.status_code == 404


def test_a_bad_day_is_a_problem_naming_on(bankrupt):
    response = client_as("agent").get(
        f"/api/v1/accounts/{bankrupt}/repossession-permission", {"on": "tomorrow"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "on"


def test_a_military_flag_on_a_uk_agreement_leaves_repossession_allowed_in_the_api_and_the_command(capsys):
    contract = Contract.objects.select_related("customer").get(pk=book(uk_pcp()).contract_id)
    party_flag_set(
        party=contract.customer,
        kind="military",
        detail="active duty from 2025-06-01",
        set_date=date(2026, 1, 5),
        at=AT,
        set_by=None,
    )
    main(["repossession-permission", contract.account_number, "--on", "2026-03-16", "--json"])
    from_command = json.loads(capsys.readouterr().out)

    response = client_as("agent").get(
        f"/api/v1/accounts/{contract.account_number}/repossession-permission", {"on": "2026-03-16"}
    )

    assert response.json() == from_command
    assert from_command == {
        "allowed": True,
        "reasons": [
            "Military service since 2026-01-05: SCRA (50 U.S.C. § 3952) does not apply to a UK agreement, "
            "so it does not stop repossession"
        ],
    }
