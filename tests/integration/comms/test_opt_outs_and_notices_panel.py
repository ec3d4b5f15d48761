"""An account's opt-outs and statutory notices on its letters panel: an agent records an opt-out the
customer asks for and withdraws it when they ask to hear from us again (an SMS START does the same),
and a team leader cancels a notice still due; each change audited, the rows kept as history."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.comms.notices.models import Notice
from recoup.comms.operations import communication_send, sms_inbound_record
from recoup.compliance import operations as compliance_operations
from recoup.compliance.errors import OptOutNotFound
from recoup.compliance.models import ChannelOptOut
from recoup.compliance.queries import contact_permission, customer_id_of, opt_outs_in_force
from recoup.kernel import clock
from tests.integration.comms.notices.helpers import account, in_arrears
from tests.integration.factories import book, daytime_clock

pytestmark = pytest.mark.django_db

AT = datetime(2024, 3, 1, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    settings.RECOUP_BASE_URL = "https://recoup.example"


def signed_in(role: str) -> Client:
    user = user_create(username=f"user-{role}", password="not-used-here", role=role)
    client = Client()
    client.force_login(user)
    return client


def panel(client: Client, number: str) -> str:
    return client.get(f"/accounts/{number}/communications/", headers={"HX-Request": "true"}).content.decode()


def test_an_agent_records_an_email_opt_out_and_withdraws_it_when_the_customer_asks_again(monkeypatch):
    daytime_clock(monkeypatch)
    contract = book()
    agent = signed_in(Role.AGENT)
    number = contract.account_number

    recorded = agent.post(
        f"/accounts/{number}/communications/opt-outs/", {"channel": "email"}, headers={"HX-Request": "true"}
    )

    assert recorded.status_code == 200
    assert "Email opt-out recorded." in recorded.content.decode()
    (opt_out,) = ChannelOptOut.objects.all()
    assert (opt_out.channel, opt_out.address, opt_out.source) == ("email", "", "agent")
    assert f'data-opt-out="{opt_out.pk}"' in panel(agent, number)
    later = clock.now() + timedelta(seconds=1)
    refused = contact_permission(
        contract_id=contract.contract_id, channel="email", at=later, purpose="collection"
    )
    assert not refused.allowed

    missing_note = agent.post(
        f"/accounts/{number}/communications/opt-outs/{opt_out.pk}/withdraw/",
        {"note": " "},
        headers={"HX-Request": "true"},
    )
    assert missing_note.status_code == 400
    assert "Say how the customer asked" in missing_note.content.decode()

    withdrawn = agent.post(
        f"/accounts/{number}/communications/opt-outs/{opt_out.pk}/withdraw/",
        {"note": "Customer rang and asked for emails again"},
        headers={"HX-Request": "true"},
    )

    assert withdrawn.status_code == 200
    assert "Opt-out withdrawn" in withdrawn.content.decode()
    opt_out.refresh_from_db()
    assert opt_out.withdrawn_at is not None
    assert opt_out.withdrawn_note == "Customer rang and asked for emails again"
    assert f'data-opt-out="{opt_out.pk}"' not in panel(agent, number)
    after = clock.now() + timedelta(seconds=1)
    assert contact_permission(
        contract_id=contract.contract_id, channel="email", at=after, purpose="collection"
    ).allowed
    actions = list(
        AuditEvent.objects.filter(action__startswith="compliance.opt_out").values_list("action", "actor")
    )
    assert [a for a, _ in actions] == ["compliance.opt_out", "compliance.opt_out_withdrawn"]
    assert all(actor is not None for _, actor in actions)


def test_an_opt_out_is_honoured_up_to_its_withdrawal_and_not_after():
    contract = book()
    party = customer_id_of(account_number=contract.account_number)
    compliance_operations.opt_out_record(party_id=party, channel="email", at=AT, source="unsubscribe_link")
    compliance_operations.opt_out_withdraw(
        party_id=party, channel="email", at=AT + timedelta(days=2), source="customer_request"
    )

    def allowed(at: datetime) -> bool:
        return contact_permission(
            contract_id=contract.contract_id, channel="email", at=at, purpose="collection"
        ).allowed

    assert not allowed(AT + timedelta(days=1))
    assert allowed(AT + timedelta(days=3))
    assert opt_outs_in_force(party_id=party, at=AT + timedelta(days=1))
    assert opt_outs_in_force(party_id=party, at=AT + timedelta(days=3)) == []
    with pytest.raises(OptOutNotFound) as missing:
        compliance_operations.opt_out_withdraw(
            party_id=party,
            opt_out_id=ChannelOptOut.objects.get().pk,
            at=AT + timedelta(days=4),
            source="agent",
        )
    assert missing.value.field == "opt_out_id"


def test_an_sms_start_opts_the_number_back_in_and_sms_may_be_sent_again():
    contract = book()
    sms_inbound_record(from_phone="+17135550142", body="STOP", at=AT)

    answer = sms_inbound_record(from_phone="+17135550142", body="Start", at=AT + timedelta(hours=1))

    assert answer == {"opted_out": 0, "opted_in": 1}
    sent = communication_send(
        contract_id=contract.contract_id,
        channel="sms",
        template_code="arrears.reminder",
        at=AT + timedelta(hours=2),
        sent_by=None,
    )
    assert sent.channel == "sms"
    assert ChannelOptOut.objects.get().withdrawn_source == "sms_start"


def test_an_auditor_reads_opt_outs_but_may_not_change_them():
    contract = book()
    auditor = signed_in(Role.AUDITOR)

    answer = auditor.post(f"/accounts/{contract.account_number}/communications/opt-outs/", {"channel": "sms"})

    assert answer.status_code == 403
    assert not ChannelOptOut.objects.exists()


def test_a_team_leader_cancels_a_notice_still_due_and_an_agent_may_not():
    from recoup.comms.notices.operations import notices_record

    loan = account("US-KS")
    in_arrears(loan, oldest_unpaid=date(2026, 4, 10), arrears_minor=30_000)
    notices_record(as_of=date(2026, 4, 20), at=datetime(2026, 4, 20, 23, tzinfo=UTC))
    notice = Notice.objects.get()
    number = loan.account_number
    leader = signed_in(Role.TEAM_LEADER)

    shown = panel(leader, number)
    assert f'data-notice="{notice.pk}"' in shown
    assert "Cancel notice" in shown
    assert "Cancel notice" not in panel(signed_in(Role.AGENT), number)
    no_reason = leader.post(
        f"/accounts/{number}/communications/notices/{notice.pk}/cancel/",
        {"reason": ""},
        headers={"HX-Request": "true"},
    )
    assert no_reason.status_code == 400
    assert Notice.objects.get().status == "due"

    cancelled = leader.post(
        f"/accounts/{number}/communications/notices/{notice.pk}/cancel/",
        {"reason": "Paid in full by phone"},
        headers={"HX-Request": "true"},
    )

    assert cancelled.status_code == 200
    assert "Notice cancelled" in cancelled.content.decode()
    assert (Notice.objects.get().status, Notice.objects.get().hold_reason) == (
        "cancelled",
        "Paid in full by phone",
    )
    again = leader.post(
        f"/accounts/{number}/communications/notices/{notice.pk}/cancel/",
        {"reason": "twice"},
        headers={"HX-Request": "true"},
    )
    assert again.status_code == 400
    assert "not due" in again.content.decode()
