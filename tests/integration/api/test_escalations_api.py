"""Escalations over the JSON API: the same rules as the web app, as JSON and RFC 7807."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from recoup.access.models import Role
from recoup.access.operations import api_token_issue, user_create
from tests.integration.factories import book

pytestmark = pytest.mark.django_db


def _api(role: str) -> Client:
    user = user_create(username=role, password="a-long-password-1", role=role)
    token, _ = api_token_issue(user=user, name="portal", at=datetime(2024, 1, 1, tzinfo=UTC))
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def account() -> str:
    return book().account_number


def raise_on(client: Client, account: str, **body: str):
    payload = {"kind": "vehicle_export", "detail": "Listed for sale abroad", **body}
    return client.post(f"/api/v1/accounts/{account}/escalations", payload, content_type="application/json")


def test_an_agent_escalates_and_the_leader_reads_acknowledges_and_closes(account) -> None:
    agent, leader = _api(Role.AGENT), _api(Role.TEAM_LEADER)

    raised = raise_on(agent, account)
    inbox = leader.get("/api/v1/inbox").json()
    escalation_id = raised.json()["id"]
    read = leader.post(f"/api/v1/inbox/{inbox['items'][0]['notice_id']}/read")
    acknowledged = leader.post(
        f"/api/v1/escalations/{escalation_id}/acknowledge", {"note": "On it"}, content_type="application/json"
    )
    closed = leader.post(f"/api/v1/escalations/{escalation_id}/close", {}, content_type="application/json")
    listed = agent.get(f"/api/v1/accounts/{account}/escalations").json()

    assert raised.status_code == 201
    assert raised.json()["kind_label"] == "Vehicle at risk: export"
    assert inbox["unread"] == 1
    assert inbox["items"][0]["escalation"]["account_number"] == account
    assert read.status_code == 204
    assert acknowledged.json()["status"] == "acknowledged"
    assert closed.json()["status"] == "closed"
    assert [(e["id"], e["status"], e["handled_note"]) for e in listed] == [(escalation_id, "closed", "On it")]


def test_bad_input_is_a_problem_document_naming_the_field(account) -> None:
    response = raise_on(_api(Role.AGENT), account, kind="other", detail="")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "detail"


def test_roles_that_may_not_act_are_refused_with_403(account) -> None:
    agent, auditor = _api(Role.AGENT), _api(Role.AUDITOR)
    escalation_id = raise_on(agent, account).json()["id"]

    raised = raise_on(auditor, account)
    inbox = agent.get("/api/v1/inbox")
    acknowledged = agent.post(
        f"/api/v1/escalations/{escalation_id}/acknowledge", {}, content_type="application/json"
    )

    assert [raised.status_code, inbox.status_code, acknowledged.status_code] == [403, 403, 403]
    assert raised.json()["field"] == "role"


def test_a_move_the_state_machine_does_not_make_is_refused(account) -> None:
    leader = _api(Role.HEAD_OF_CREDIT)
    escalation_id = raise_on(_api(Role.AGENT), account).json()["id"]
    leader.post(f"/api/v1/escalations/{escalation_id}/close", {}, content_type="application/json")

    response = leader.post(
        f"/api/v1/escalations/{escalation_id}/acknowledge", {}, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "status"


def test_unknown_escalations_and_accounts_are_not_found(account) -> None:
    leader = _api(Role.TEAM_LEADER)

    missing = leader.post("/api/v1/escalations/999/close", {}, content_type="application/json")
    no_account = leader.get("/api/v1/accounts/NOPE/escalations")
    no_notice = leader.post("/api/v1/inbox/999/read")

    assert [missing.status_code, no_account.status_code, no_notice.status_code] == [404, 404, 404]
    assert missing.json()["field"] == "escalation_id"
