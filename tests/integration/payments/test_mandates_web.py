"""Bank debits on the Payments tab: an agent records the customer's ACH authorization; the account
number is kept sealed and shown by its last four digits; a bad routing number is refused beside its
input and nothing is kept; an auditor reads but may not record."""

import pytest
from django.test import Client

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.payments.debits.models import Mandate
from tests.fixtures.debits.builders import ach_originator

pytestmark = pytest.mark.django_db

ACCOUNT = "000123456789"


def signed_in(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"user-{role}", password="not-used-here", role=role))
    return client


def form(**changes: str) -> dict[str, str]:
    return {
        "originator": "US-AUTOPAY",
        "holder_name": "Maria Garcia",
        "bank_account_number": ACCOUNT,
        "routing_number": "021000021",
        "account_type": "checking",
        "authorization_form": "telephone",
        "sort_code": "",
        "reference": "",
        "authorized_date": "2024-03-01",
        **changes,
    }


def test_an_agent_records_an_ach_authorization_and_sees_only_the_last_four(contract):
    ach_originator()
    agent = signed_in(Role.AGENT)
    url = f"/accounts/{contract.account_number}/mandates/"

    empty = agent.get(url, headers={"HX-Request": "true"}).content.decode()
    answer = agent.post(f"{url}new/", form(), headers={"HX-Request": "true"})

    assert "No debit mandates." in empty
    assert "Record a debit mandate" in empty
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Mandate recorded: account ending 6789" in page
    assert "•••• 6789" in page
    assert ACCOUNT not in page
    mandate = Mandate.objects.get()
    assert (mandate.account_last4, mandate.routing_number, mandate.status) == ("6789", "021000021", "active")
    assert ACCOUNT not in mandate.account_sealed
    assert AuditEvent.objects.filter(action="debit_mandate.create").exclude(actor=None).count() == 1


def test_a_routing_number_failing_its_checksum_is_refused_beside_it_and_the_number_is_asked_again(contract):
    ach_originator()
    agent = signed_in(Role.AGENT)

    answer = agent.post(
        f"/accounts/{contract.account_number}/mandates/new/",
        form(routing_number="021000022"),
        headers={"HX-Request": "true"},
    )

    page = answer.content.decode()
    assert "The mandate was not recorded, and nothing was saved." in page
    assert 'id="id_routing_number_error"' in page
    assert ACCOUNT not in page
    assert not Mandate.objects.exists()


def test_an_auditor_reads_the_mandates_but_may_not_record_one(contract):
    ach_originator()
    auditor = signed_in(Role.AUDITOR)

    panel = auditor.get(f"/accounts/{contract.account_number}/mandates/", headers={"HX-Request": "true"})
    refused = auditor.post(f"/accounts/{contract.account_number}/mandates/new/", form())

    assert panel.status_code == 200
    assert "Record a debit mandate" not in panel.content.decode()
    assert refused.status_code == 403
    assert not Mandate.objects.exists()


def test_with_no_originator_the_page_says_who_sets_one_up(contract):
    page = signed_in(Role.AGENT).get(f"/accounts/{contract.account_number}/mandates/").content.decode()

    assert "recoup debits originator" in page
    assert "Record a debit mandate" not in page
