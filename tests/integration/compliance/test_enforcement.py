"""The gate enforced: Get next skips the accounts it refuses a call to; logging a contact it refuses
needs the agent's acknowledgement, recorded; every contact logged is an attempt it counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from recoup.access.models import AuditEvent
from recoup.access.operations import api_token_issue
from recoup.collections import work
from recoup.collections.contacts import contact_record
from recoup.collections.errors import NothingToWork
from recoup.collections.models import Contact
from recoup.collections.strategy_batch import strategies_apply
from recoup.collections.work import work_next
from recoup.compliance.errors import ContactNotPermitted
from recoup.compliance.models import ContactAttempt
from recoup.kernel import clock
from recoup.parties.operations import party_flag_set
from recoup.portfolio.models import Contract
from tests.integration.collections import work_builders
from tests.integration.collections.work_builders import account_in_arrears, item_of, strategy_make, user_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 10:00 in Houston.
AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
BREATHING_SPACE = (
    "Breathing Space (standard) from 2026-03-02 until 2026-04-30: no contact demanding payment "
    "(Debt Respite Scheme Regulations 2020, reg. 7)"
)
POLICY = "Policy us-federal: US federal default: Regulation F call frequency, first and third party"


def in_breathing_space(contract, set_date=date(2026, 3, 2)):
    party_flag_set(
        party=contract.customer,
        kind="breathing_space",
        detail="standard",
        set_date=set_date,
        at=AT,
        set_by=None,
    )


def booked():
    return Contract.objects.select_related("customer").get(pk=book().contract_id)


def log(contract, agent, *, channel="call", direction="outbound", outcome="no_answer", at=AT, **more):
    return contact_record(
        account_number=contract.account_number,
        channel=channel,
        direction=direction,
        outcome=outcome,
        agent=agent,
        at=at,
        next_action_date=None,
        notes=more.pop("notes", ""),
        promise=more.pop("promise", None),
        as_of=at.date(),
        **more,
    )


class TestGetNext:
    at = work_builders.AT

    def test_get_next_skips_a_customer_flagged_since_the_night_s_placement_and_hands_out_the_next(self):
        strategy_make("all", "all")
        first = account_in_arrears(arrears_minor=90_000)
        second = account_in_arrears(arrears_minor=10_000)
        strategies_apply(as_of=work_builders.AS_OF, at=self.at)
        party_flag_set(
            party=first.customer, kind="bankruptcy", set_date=date(2024, 6, 14), at=self.at, set_by=None
        )
        assert item_of(first).rank > item_of(second).rank

        taken = work_next(agent=user_make(), at=self.at)

        assert taken.contract_id == second.pk
        assert item_of(first).held_by is None

    def test_get_next_says_the_gate_refused_every_account_left(self):
        strategy_make("all", "all")
        only = account_in_arrears()
        strategies_apply(as_of=work_builders.AS_OF, at=self.at)
        party_flag_set(
            party=only.customer, kind="deceased", set_date=date(2024, 6, 1), at=self.at, set_by=None
        )

        with pytest.raises(NothingToWork) as nothing:
            work_next(agent=user_make(), at=self.at)

        assert str(nothing.value) == (
            f"nothing to work now: the contact gate refused a call now to 1 account — {only.account_number}: "
            "Deceased since 2024-06-01: no contact with the customer; only statutory notices, by letter "
            "to the estate"
        )

    def test_get_next_stops_asking_the_gate_after_its_limit(self, monkeypatch):
        monkeypatch.setattr(work, "GATE_TRIES", 2)
        strategy_make("all", "all")
        for _ in range(3):
            refused = account_in_arrears()
            party_flag_set(
                party=refused.customer, kind="dispute", set_date=date(2024, 6, 1), at=self.at, set_by=None
            )
        strategies_apply(as_of=work_builders.AS_OF, at=self.at)

        with pytest.raises(NothingToWork, match=r"refused a call now to 2 accounts \(stopped after 2\)"):
            work_next(agent=user_make(), at=self.at)


def test_a_contact_the_gate_refuses_is_not_recorded_without_the_agent_s_acknowledgement():
    contract = booked()
    in_breathing_space(contract)
    agent = user_make()

    with pytest.raises(ContactNotPermitted) as refused:
        log(contract, agent)

    assert refused.value.field == "acknowledged_reasons"
    assert refused.value.reasons == (BREATHING_SPACE, POLICY)
    assert not Contact.objects.filter(contract_id=contract.pk).exists()
    assert not ContactAttempt.objects.filter(contract_id=contract.pk).exists()


def test_an_acknowledged_warning_is_recorded_on_the_contact_its_attempt_and_the_audit_row():
    contract = booked()
    in_breathing_space(contract)
    agent = user_make()

    line = log(contract, agent, notes="Customer rang off.", acknowledged_reasons=(BREATHING_SPACE, POLICY))

    attempt = ContactAttempt.objects.get(contract_id=contract.pk)
    audit = AuditEvent.objects.get(action="contact.record", object_id=str(line.contact_id))
    assert line.notes == "Customer rang off."
    assert line.acknowledged_reasons == (BREATHING_SPACE, POLICY)
    assert Contact.objects.get(pk=line.contact_id).acknowledged_reasons == [BREATHING_SPACE, POLICY]
    assert attempt.acknowledged_reasons == [BREATHING_SPACE, POLICY]
    assert (attempt.channel, attempt.direction, attempt.source) == ("call", "outbound", "agent")
    assert audit.after["contact_gate"] == {"refused": [BREATHING_SPACE, POLICY], "acknowledged": True}


def test_the_contact_history_shows_the_acknowledged_warning_apart_from_the_notes():
    contract = booked()
    in_breathing_space(contract)
    agent = user_make()
    log(contract, agent, notes="Customer rang off.", acknowledged_reasons=(BREATHING_SPACE, POLICY))
    log(contract, agent, direction="inbound", outcome="right_party", at=AT + timedelta(hours=1))
    client = Client()
    client.force_login(agent)

    page = client.get(f"/accounts/{contract.account_number}/contacts/").content.decode()

    assert page.count('class="sub gate-acknowledged"') == 1
    assert f"<strong>Gate warning acknowledged:</strong> {BREATHING_SPACE}; {POLICY}</p>" in page
    assert "Customer rang off.<p" in page
    assert "Contact gate warning acknowledged" not in page


def test_an_acknowledgement_of_only_some_reasons_is_not_enough():
    contract = booked()
    in_breathing_space(contract)

    with pytest.raises(ContactNotPermitted):
        log(contract, user_make(), acknowledged_reasons=(POLICY,))


def test_every_call_logged_is_an_attempt_a_right_party_call_a_conversation_and_a_visit_none():
    contract = booked()
    agent = user_make()

    log(contract, agent, outcome="no_answer", at=AT - timedelta(days=3))
    log(contract, agent, direction="inbound", outcome="right_party", at=AT - timedelta(days=2))
    log(contract, agent, channel="visit", outcome="no_answer", at=AT - timedelta(days=1))

    attempts = list(
        ContactAttempt.objects.filter(contract_id=contract.pk)
        .order_by("at")
        .values_list("channel", "direction", "conversation")
    )
    assert attempts == [("call", "outbound", False), ("call", "inbound", True)]
    with pytest.raises(ContactNotPermitted, match="a telephone conversation on 2026-03-14"):
        log(contract, agent)


def test_the_call_back_the_customer_asked_for_goes_within_seven_days_and_does_not_count():
    contract = booked()
    agent = user_make()
    log(contract, agent, outcome="callback", at=AT - timedelta(days=1))

    log(contract, agent, outcome="right_party")

    callback = ContactAttempt.objects.get(contract_id=contract.pk, at=AT)
    assert callback.at_customer_request
    with pytest.raises(ContactNotPermitted):
        log(contract, agent, at=AT + timedelta(hours=1))


def test_the_api_refuses_an_unacknowledged_contact_naming_the_field_and_records_an_acknowledged_one(
    monkeypatch,
):
    monkeypatch.setattr(clock, "now", lambda: AT)
    contract = booked()
    in_breathing_space(contract)
    token, _ = api_token_issue(user=user_make(), name="dialer", at=AT)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/api/v1/accounts/{contract.account_number}/contacts"
    body = {"channel": "call", "direction": "outbound", "outcome": "no_answer"}

    refused = api.post(url, body, content_type="application/json")
    reasons = api.get(f"/api/v1/accounts/{contract.account_number}/contact-permission?channel=call").json()[
        "reasons"
    ]
    recorded = api.post(url, {**body, "acknowledged_reasons": reasons}, content_type="application/json")

    assert refused.status_code == 422
    assert refused.json()["field"] == "acknowledged_reasons"
    assert BREATHING_SPACE in refused.json()["detail"]
    assert recorded.status_code == 201
    assert recorded.json()["notes"] == ""
    assert recorded.json()["acknowledged_reasons"] == reasons
