"""GET and POST /api/v1/accounts/{number}/placements, POST …/placements/{id}/recall: an account placed
with an outside agency and taken back, with the web's role rules; the contact gate follows."""

import pytest
from django.test import Client

from recoup.access.operations import api_token_issue
from recoup.compliance.models import Placement
from recoup.kernel import clock
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

PLACEMENT = {"kind": "collection_agency", "agency": "Lone Star Recoveries LLC", "placed_date": "2026-03-02"}
GATE_AT = "2026-03-16T10:00:00-05:00"


def client_as(role: str) -> Client:
    token, _ = api_token_issue(user=user_make(role), name="portal", at=clock.now())
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def account() -> str:
    return Contract.objects.get(pk=book().contract_id).account_number


def _policy(client: Client, account: str) -> str:
    response = client.get(
        f"/api/v1/accounts/{account}/contact-permission", {"channel": "letter", "at": GATE_AT}
    )
    return response.json()["reasons"][-1]


def test_a_team_leader_places_the_account_and_the_gate_applies_the_third_party_pack(account):
    leader = client_as("team_leader")

    recorded = leader.post(
        f"/api/v1/accounts/{account}/placements", PLACEMENT, content_type="application/json"
    )
    listed = client_as("agent").get(f"/api/v1/accounts/{account}/placements", {"on": "2026-03-16"})

    assert recorded.status_code == 201
    body = recorded.json()
    assert {key: body[key] for key in PLACEMENT} == PLACEMENT
    assert (body["state"], body["collects"], body["recalled_date"]) == ("placed", True, None)
    assert body["placed_by"].startswith("team_leader")
    assert listed.status_code == 200
    assert [(p["id"], p["state"]) for p in listed.json()] == [(body["id"], "placed")]
    assert _policy(leader, account) == (
        "Policy us-federal-third-party: US, placed with a third-party collector: FDCPA and Regulation F "
        "(12 CFR 1006); placed with a third party: Lone Star Recoveries LLC (debt collection agency) "
        "since 2026-03-02"
    )


def test_recalling_keeps_the_placement_on_record_and_gives_the_account_back_to_the_lender(account):
    head = client_as("head_of_credit")
    placement_id = head.post(
        f"/api/v1/accounts/{account}/placements", PLACEMENT, content_type="application/json"
    ).json()["id"]

    recalled = head.post(
        f"/api/v1/accounts/{account}/placements/{placement_id}/recall",
        {"reason": "Agency contract ended", "recalled_date": "2026-03-10"},
        content_type="application/json",
    )
    again = head.post(
        f"/api/v1/accounts/{account}/placements/{placement_id}/recall",
        {"reason": "Again"},
        content_type="application/json",
    )

    assert recalled.status_code == 200
    body = recalled.json()
    assert (body["id"], body["state"], body["recalled_date"], body["recall_reason"]) == (
        placement_id,
        "recalled",
        "2026-03-10",
        "Agency contract ended",
    )
    assert (again.status_code, again.json()["field"]) == (422, "placement_id")
    assert _policy(head, account).startswith("Policy us-federal: ")


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_other_roles_may_not_place_nor_recall(account, role):
    placement_id = (
        client_as("team_leader")
        .post(f"/api/v1/accounts/{account}/placements", PLACEMENT, content_type="application/json")
        .json()["id"]
    )
    other = client_as(role)

    placing = other.post(
        f"/api/v1/accounts/{account}/placements",
        {**PLACEMENT, "kind": "solicitor"},
        content_type="application/json",
    )
    recalling = other.post(
        f"/api/v1/accounts/{account}/placements/{placement_id}/recall",
        {"reason": "No"},
        content_type="application/json",
    )

    assert (placing.status_code, placing.json()["field"]) == (403, "by")
    assert (recalling.status_code, recalling.json()["field"]) == (403, "by")
    assert placing["Content-Type"] == "application/problem+json"
    assert list(Placement.objects.values_list("kind", "recalled_date")) == [("collection_agency", None)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "bailiff"}, "kind"),
        ({"agency": ""}, "agency"),
        ({"placed_date": "2999-01-01"}, "placed_date"),
        ({"placed_date": "02/03/2026"}, "placed_date"),
    ],
)
def test_a_bad_placement_is_a_problem_naming_its_field(account, changes, field):
    response = client_as("administrator").post(
        f"/api/v1/accounts/{account}/placements", {**PLACEMENT, **changes}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == field
    assert not Placement.objects.exists()


def test_a_second_open_placement_of_a_kind_is_refused_naming_the_kind(account):
    leader = client_as("team_leader")
    leader.post(f"/api/v1/accounts/{account}/placements", PLACEMENT, content_type="application/json")

    twice = leader.post(
        f"/api/v1/accounts/{account}/placements",
        {**PLACEMENT, "agency": "Another"},
        content_type="application/json",
    )

    assert (twice.status_code, twice.json()["field"]) == (422, "kind")
    assert "already placed with Lone Star Recoveries LLC" in twice.json()["detail"]


def test_an_unknown_account_or_placement_is_not_found(account):
    leader = client_as("team_leader")

    unknown_account = leader.post(
        "/api/v1/accounts/NO-SUCH/placements", PLACEMENT, content_type="application/json"
    )
    unknown_list = leader.get("/api/v1/accounts/NO-SUCH/placements")
    unknown_placement = leader.post(
        f"/api/v1/accounts/{account}/placements/999999/recall",
        {"reason": "R"},
        content_type="application/json",
    )

    assert unknown_account.status_code == 404
    assert unknown_list.status_code == 404
    assert (unknown_placement.status_code, unknown_placement.json()["field"]) == (404, "placement_id")
    assert unknown_placement["Content-Type"] == "application/problem+json"
