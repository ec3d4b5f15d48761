"""GET /api/v1/accounts/{number}/repossession-permission, and the court orders of an account:
GET and POST /api/v1/accounts/{number}/court-orders, POST …/court-orders/{id}/revoke."""

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


def recorded_id(account_number: str, **changes: str) -> int:
    response = client_as("team_leader").post(
        f"/api/v1/accounts/{account_number}/court-orders",
        {**ORDER, **changes},
        content_type="application/json",
    )
    assert response.status_code == 201
    return int(response.json()["id"])


def revoke_url(account_number: str, order_id: int) -> str:
    return f"/api/v1/accounts/{account_number}/court-orders/{order_id}/revoke"


def test_a_team_leader_revokes_an_order_and_the_stay_bars_repossession_again(bankrupt):
    order_id = recorded_id(bankrupt)
    leader = client_as("team_leader")

    revoked = leader.post(
        revoke_url(bankrupt, order_id),
        {"reason": "Recorded on the wrong account"},
        content_type="application/json",
    )
    permission = leader.get(f"/api/v1/accounts/{bankrupt}/repossession-permission", {"on": "2026-03-16"})

    assert revoked.status_code == 200
    body = revoked.json()
    assert (body["id"], body["state"], body["revoked_reason"]) == (
        order_id,
        "revoked",
        "Recorded on the wrong account",
    )
    assert body["revoked_by"].startswith("team_leader")
    assert CourtOrder.objects.get().revoked_at is not None
    assert permission.json()["allowed"] is False


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_other_roles_are_not_permitted_to_revoke_an_order(bankrupt, role):
    order_id = recorded_id(bankrupt)

    response = client_as(role).post(
        revoke_url(bankrupt, order_id), {"reason": "Wrong account"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "by"
    assert CourtOrder.objects.get().revoked_at is None


@pytest.mark.parametrize(
    ("payload", "field"), [({"reason": "  "}, "reason"), ({}, "reason"), ({"reason": "x" * 501}, "reason")]
)
def test_a_revocation_without_a_fit_reason_is_a_problem_naming_reason(bankrupt, payload, field):
    order_id = recorded_id(bankrupt)

    response = client_as("head_of_credit").post(
        revoke_url(bankrupt, order_id), payload, content_type="application/json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == field
    assert CourtOrder.objects.get().revoked_at is None


def test_an_unknown_account_or_an_order_of_another_account_is_not_found(bankrupt):
    order_id = recorded_id(bankrupt)
    other = book(uk_pcp()).account_number
    admin = client_as("administrator")

    unknown_account = admin.post(
        revoke_url("NO-SUCH", order_id), {"reason": "Wrong"}, content_type="application/json"
    )
    elsewhere = admin.post(revoke_url(other, order_id), {"reason": "Wrong"}, content_type="application/json")
    unknown_order = admin.post(
        revoke_url(bankrupt, order_id + 1000), {"reason": "Wrong"}, content_type="application/json"
    )

    assert (unknown_account.status_code, unknown_account.json()["field"]) == (404, "account_number")
    assert (elsewhere.status_code, elsewhere.json()["field"]) == (404, "court_order_id")
    assert (unknown_order.status_code, unknown_order.json()["field"]) == (404, "court_order_id")
    assert elsewhere["Content-Type"] == "application/problem+json"
    assert CourtOrder.objects.get().revoked_at is None


def test_revoking_an_order_already_revoked_is_a_problem_naming_the_order(bankrupt):
    order_id = recorded_id(bankrupt)
    leader = client_as("team_leader")
    leader.post(revoke_url(bankrupt, order_id), {"reason": "Wrong account"}, content_type="application/json")

    again = leader.post(revoke_url(bankrupt, order_id), {"reason": "Again"}, content_type="application/json")

    assert again.status_code == 422
    assert again.json()["field"] == "court_order_id"
    assert "already revoked" in again.json()["detail"]
    assert CourtOrder.objects.get().revoked_reason == "Wrong account"


def test_the_orders_are_listed_latest_granted_first_with_their_state_on_the_day(bankrupt):
    older = recorded_id(bankrupt, reference="26-29999", granted_date="2026-03-01", expiry_date="2026-03-05")
    newer = recorded_id(bankrupt)
    client_as("team_leader").post(
        revoke_url(bankrupt, older), {"reason": "Wrong reference"}, content_type="application/json"
    )
    agent = client_as("agent")

    today = agent.get(f"/api/v1/accounts/{bankrupt}/court-orders", {"on": "2026-03-16"})
    before = agent.get(f"/api/v1/accounts/{bankrupt}/court-orders", {"on": "2026-03-09"})
    unknown = agent.get("/api/v1/accounts/NO-SUCH/court-orders")
    bad_day = agent.get(f"/api/v1/accounts/{bankrupt}/court-orders", {"on": "soon"})

    assert today.status_code == 200
    assert [(o["id"], o["state"]) for o in today.json()] == [(newer, "in_force"), (older, "revoked")]
    assert today.json()[1]["revoked_reason"] == "Wrong reference"
    assert [o["state"] for o in before.json()] == ["not_yet", "revoked"]
    assert unknown.status_code == 404
    assert (bad_day.status_code, bad_day.json()["field"]) == (422, "on")
