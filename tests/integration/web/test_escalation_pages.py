"""The Escalate page of an account and the team leaders' inbox, as the browser sees them."""

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from recoup.access.models import AuditEvent, User
from recoup.collections.models import Escalation, EscalationNotice
from recoup.portfolio.queries import AccountSummary


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def account(us_account: AccountSummary) -> str:
    return us_account.account_number


def escalate(client: Client, account: str, **data: str):
    return client.post(f"/accounts/{account}/escalate/", {"kind": "suspected_fraud", "detail": "", **data})


def test_the_account_page_links_to_escalate(signed_in, account):
    page = signed_in.get(f"/accounts/{account}/").content.decode()

    assert f'id="account-escalate" href="/accounts/{account}/escalate/"' in page


def test_the_escalate_page_offers_the_risks_with_the_first_field_focused(signed_in, account):
    response = signed_in.get(f"/accounts/{account}/escalate/")
    page = response.content.decode()

    assert response.status_code == 200
    assert re.search(r'<select name="kind"[^>]*autofocus', page)
    assert '<option value="suspected_fraud">Suspected fraud</option>' in page
    assert "No escalations yet." in page


def test_fraud_without_detail_is_refused_beside_the_detail(signed_in, account):
    response = escalate(signed_in, account, detail="  ")
    page = response.content.decode()

    assert response.status_code == 400
    assert 'id="id_detail_error"' in page
    assert "Say what makes you think of suspected fraud." in page
    assert re.search(r'<textarea name="detail"[^>]*autofocus', page)
    assert not Escalation.objects.exists()


def test_an_agent_escalates_and_the_leaders_are_told(signed_in, account):
    response = escalate(signed_in, account, detail="Licence photo does not match")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/{account}/escalate/"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert told == ["Escalated: Suspected fraud. The team leaders and the head of credit are told."]
    assert set(EscalationNotice.objects.values_list("recipient__username", flat=True)) == {"leader", "credit"}
    listed = signed_in.get(f"/accounts/{account}/escalate/").content.decode()
    assert "Licence photo does not match" in listed


def test_an_auditor_may_not_escalate_and_sees_no_form(book, account):
    auditor = client_of("auditor")

    refused = escalate(auditor, account, detail="Looks wrong")
    page = auditor.get(f"/accounts/{account}/escalate/").content.decode()

    assert refused.status_code == 403
    assert 'id="escalation-form"' not in page
    assert not Escalation.objects.exists()


def test_an_unknown_account_is_not_found(signed_in):
    assert signed_in.get("/accounts/NOPE/escalate/").status_code == 404


def test_the_top_bar_shows_leaders_their_unread_count_and_agents_no_inbox(signed_in, account):
    escalate(signed_in, account, detail="Licence photo does not match")

    leader_page = client_of("leader").get("/").content.decode()
    agent_page = signed_in.get("/").content.decode()

    assert re.search(r'<a href="/inbox/" id="inbox-link"[^>]*>Inbox \(1 unread\)</a>', leader_page)
    assert 'id="inbox-link"' not in agent_page
    assert signed_in.get("/inbox/").status_code == 403


def test_a_leader_acknowledges_then_closes_from_the_inbox(signed_in, account):
    escalate(signed_in, account, detail="Licence photo does not match")
    escalation = Escalation.objects.get()
    leader = client_of("leader")

    inbox = leader.get("/inbox/").content.decode()
    acknowledged = leader.post(f"/escalations/{escalation.pk}/acknowledge/", {"note": "Calling the dealer"})
    closed = leader.post(f"/escalations/{escalation.pk}/close/", {"note": "Identity confirmed"})
    again = leader.post(f"/escalations/{escalation.pk}/close/", {"note": ""}, follow=True)

    assert "Licence photo does not match" in inbox
    assert f'formaction="/escalations/{escalation.pk}/acknowledge/"' in inbox
    assert acknowledged.status_code == closed.status_code == 302
    escalation.refresh_from_db()
    assert (escalation.status, escalation.handled_note) == ("closed", "Identity confirmed")
    assert "The escalation is closed; it cannot be closed." in again.content.decode()
    assert "Inbox (0 unread)" in again.content.decode()


def test_an_agent_may_not_acknowledge(signed_in, account):
    escalate(signed_in, account, detail="Licence photo does not match")
    escalation = Escalation.objects.get()

    response = signed_in.post(f"/escalations/{escalation.pk}/acknowledge/", {"note": ""})

    assert response.status_code == 403
    assert Escalation.objects.get().status == "open"


def test_marking_read_lowers_the_count_and_is_audited(signed_in, account):
    escalate(signed_in, account, detail="Licence photo does not match")
    notice = EscalationNotice.objects.get(recipient__username="credit")
    head_of_credit = client_of("credit")

    response = head_of_credit.post(f"/inbox/{notice.pk}/read/", follow=True)

    assert "Inbox (0 unread)" in response.content.decode()
    assert AuditEvent.objects.filter(action="escalation.notice_read").count() == 1
