"""Get next and the queue board in the workbench, and the same through the API."""

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from recoup.access.models import AuditEvent
from recoup.collections.models import Queue, WorkItem
from recoup.collections.strategy_batch import strategies_apply
from tests.integration.collections.work_builders import (
    AS_OF,
    AT,
    account_in_arrears,
    item_of,
    strategy_make,
    user_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_ten_in_texas():
    with mock.patch("recoup.kernel.clock.now", return_value=AT):
        yield


@pytest.fixture
def account():
    strategy_make("all", "all", rules={})
    contract = account_in_arrears()
    strategies_apply(as_of=AS_OF, at=AT)
    return contract


def client_for(role: str) -> tuple[Client, object]:
    user = user_make(role)
    client = Client()
    client.force_login(user)
    return client, user


def test_get_next_opens_the_account_with_a_message(account):
    client, agent = client_for("agent")

    response = client.post("/work/next/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account.account_number}/"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert told == [f"Next: account {account.account_number}, from All: call the customer."]
    assert item_of(account).held_by == agent


def test_get_next_with_nothing_to_work_says_so_on_my_work(db):
    client, _ = client_for("agent")

    response = client.post("/work/next/", follow=True)

    assert response.redirect_chain[-1][0] == "/work/"
    assert "Nothing to work" in response.content.decode()


def test_get_next_is_a_post(account):
    client, _ = client_for("agent")

    assert client.get("/work/next/").status_code == 405


def test_the_top_bar_offers_get_next_to_agents_but_not_auditors(db):
    agent, _ = client_for("agent")
    auditor, _ = client_for("auditor")

    assert "Get next" in agent.get("/work/").content.decode()
    assert "Get next" not in auditor.get("/work/").content.decode()


def test_releasing_from_my_work_puts_the_account_back(account):
    client, _ = client_for("agent")
    client.post("/work/next/")

    client.post(f"/work/{item_of(account).pk}/release/")

    assert item_of(account).held_by is None


def test_the_board_is_for_leaders_and_auditors_not_agents(account):
    leader, _ = client_for("team_leader")
    auditor, _ = client_for("auditor")
    agent, _ = client_for("agent")

    page = leader.get("/work/queues/")

    assert page.status_code == 200
    assert "Pause all" in page.content.decode()
    assert auditor.get("/work/queues/").status_code == 200
    assert "Pause all" not in auditor.get("/work/queues/").content.decode()
    assert agent.get("/work/queues/").status_code == 403


def test_a_leader_pauses_and_reprioritises_from_the_board(account):
    leader, user = client_for("team_leader")

    leader.post("/work/queues/all/", {"action": "pause"})
    leader.post("/work/queues/all/", {"action": "priority", "priority": "7"})

    queue = Queue.objects.get(code="all")
    assert (queue.paused, queue.priority) == (True, 7)
    assert AuditEvent.objects.filter(actor=user, object_type="queue").count() == 2


def test_an_auditor_posting_a_pause_is_refused_with_a_message(account):
    auditor, _ = client_for("auditor")

    response = auditor.post("/work/queues/all/", {"action": "pause"}, follow=True)

    assert not Queue.objects.get(code="all").paused
    assert "team leaders" in response.content.decode()


def test_a_leader_assigns_an_account_to_an_agent_by_its_number(account):
    leader, _ = client_for("team_leader")
    agent = user_make("agent")

    leader.post("/work/assign/", {"account_number": account.account_number, "agent": str(agent.pk)})

    assert item_of(account).assigned_to == agent


def test_the_api_hands_out_the_next_account_then_nothing(account):
    client, _ = client_for("agent")

    first = client.post("/api/v1/work/next")
    second = client.post("/api/v1/work/next", headers={})
    other, _ = client_for("agent")
    third = other.post("/api/v1/work/next")

    assert first.status_code == 200
    assert first.json()["account_number"] == account.account_number
    assert second.json()["how"] == "held"
    assert third.status_code == 204


def test_the_api_releases_and_refuses_what_you_do_not_hold(account):
    client, _ = client_for("agent")
    item_id = client.post("/api/v1/work/next").json()["item_id"]
    other, _ = client_for("agent")

    refused = other.post(f"/api/v1/work/{item_id}/release")
    released = client.post(f"/api/v1/work/{item_id}/release")

    assert refused.status_code == 422
    assert refused.json()["field"] == "item_id"
    assert released.json() == {"released": item_id}
    assert WorkItem.objects.get(pk=item_id).held_by is None


def test_the_api_lists_queues_for_leaders_only(account):
    leader, _ = client_for("team_leader")
    agent, _ = client_for("agent")

    listed = leader.get("/api/v1/queues")

    assert listed.status_code == 200
    assert listed.json()["queues"][0]["code"] == "all"
    assert listed.json()["queues"][0]["items"] == 1
    assert agent.get("/api/v1/queues").status_code == 403


def test_an_auditor_cannot_take_work_through_the_api(account):
    auditor, _ = client_for("auditor")

    response = auditor.post("/api/v1/work/next")

    assert response.status_code == 403
