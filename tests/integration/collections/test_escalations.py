"""Escalations raised by hand: who may raise and handle them, who is told, and how."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.collections.errors import (
    EscalationNotAllowed,
    EscalationNotFound,
    EscalationTransitionNotAllowed,
)
from recoup.collections.escalation_queries import escalations_of, inbox_of, unread_count
from recoup.collections.escalations import (
    escalation_acknowledge,
    escalation_close,
    escalation_raise,
    notice_read,
)
from recoup.collections.models import Escalation, EscalationNotice
from recoup.portfolio.errors import AccountNotFound
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AT = datetime(2024, 6, 14, 23, 59, 30, tzinfo=UTC)  # just before midnight: the date is still the 14th
LATER = datetime(2024, 6, 15, 9, 0, tzinfo=UTC)


def person(username: str, role: str, email: str = "", active: bool = True):
    user = user_create(username=username, password="not-used-here", role=role)
    user.email, user.is_active = email, active
    user.save(update_fields=["email", "is_active"])
    return user


@pytest.fixture
def account() -> str:
    return book().account_number


@pytest.fixture
def agent():
    return person("sam", Role.AGENT, "sam@example.com")


@pytest.fixture
def leaders():
    """Two team leaders (one without an email address), the head of credit, and one who has left."""
    return (
        person("tay", Role.TEAM_LEADER, "tay@example.com"),
        person("lee", Role.TEAM_LEADER),
        person("cas", Role.HEAD_OF_CREDIT, "cas@example.com"),
        person("gone", Role.TEAM_LEADER, "gone@example.com", active=False),
    )


def raise_fraud(account, by, detail="Two customers, one driving licence"):
    return escalation_raise(
        account_number=account, kind="suspected_fraud", detail=detail, raised_by=by, at=AT
    )


def test_an_agent_escalates_suspected_fraud_and_every_active_leader_is_told(account, agent, leaders):
    tay, lee, cas, _gone = leaders

    raised = raise_fraud(account, agent)

    assert raised.account_number == account
    assert (raised.kind, raised.kind_label) == ("suspected_fraud", "Suspected fraud")
    assert (raised.status, raised.by_rule, raised.raised_by) == ("open", False, "sam")
    assert raised.raised_date == date(2024, 6, 14)
    told = set(EscalationNotice.objects.values_list("recipient__username", flat=True))
    assert told == {"tay", "lee", "cas"}
    assert [unread_count(reader_id=u.pk) for u in (tay, lee, cas)] == [1, 1, 1]
    assert escalations_of(account) == [raised]


def test_a_leader_who_raises_one_has_their_own_notice_already_read(account, leaders):
    tay, lee, _, _ = leaders

    escalation_raise(account_number=account, kind="vehicle_export", detail="", raised_by=tay, at=AT)

    assert unread_count(reader_id=tay.pk) == 0
    assert unread_count(reader_id=lee.pk) == 1
    assert inbox_of(reader=tay).items[0].read_at == AT


def test_with_emails_off_nobody_is_emailed(account, agent, leaders, settings):
    settings.RECOUP_ESCALATION_EMAILS = False

    raise_fraud(account, agent)

    assert mail.outbox == []
    assert not EscalationNotice.objects.filter(emailed_at__isnull=False).exists()


def test_with_emails_on_each_leader_with_an_address_gets_one_email(account, agent, leaders, settings):
    settings.RECOUP_ESCALATION_EMAILS = True
    settings.DEFAULT_FROM_EMAIL = "Recoup <recoup@lender.example>"

    raise_fraud(account, agent)

    assert sorted(m.to[0] for m in mail.outbox) == ["cas@example.com", "tay@example.com"]
    first = mail.outbox[0]
    assert first.from_email == "Recoup <recoup@lender.example>"
    assert first.subject == f"Recoup escalation: {account}: Suspected fraud"
    assert "Two customers, one driving licence" in first.body
    emailed = dict(EscalationNotice.objects.values_list("recipient__username", "emailed_at"))
    assert emailed == {"tay": AT, "cas": AT, "lee": None}


def test_an_email_the_server_refuses_leaves_the_notice_in_the_inbox(account, agent, leaders, settings):
    settings.RECOUP_ESCALATION_EMAILS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port

    raised = raise_fraud(account, agent)

    assert Escalation.objects.get().pk == raised.id
    assert EscalationNotice.objects.count() == 3
    assert not EscalationNotice.objects.filter(emailed_at__isnull=False).exists()


def test_raising_and_handling_are_audited(account, agent, leaders):
    tay = leaders[0]

    raised = raise_fraud(account, agent)
    escalation_acknowledge(escalation_id=raised.id, by=tay, note="Calling the dealer", at=LATER)
    escalation_close(escalation_id=raised.id, by=tay, note="Identity confirmed", at=LATER)

    rows = AuditEvent.objects.filter(object_type="escalation").order_by("pk")
    assert [(r.action, r.actor.username) for r in rows] == [
        ("escalation.raise", "sam"),
        ("escalation.acknowledge", "tay"),
        ("escalation.close", "tay"),
    ]
    assert rows[0].after["notified"] == 3
    assert rows[0].after["account_number"] == account
    assert (rows[2].before["status"], rows[2].after["status"]) == ("acknowledged", "closed")


def test_open_acknowledged_closed_and_the_handlers_notice_is_read(account, agent, leaders):
    tay, lee, _, _ = leaders
    raised = raise_fraud(account, agent)

    acknowledged = escalation_acknowledge(escalation_id=raised.id, by=tay, note=" On it ", at=LATER)
    closed = escalation_close(escalation_id=raised.id, by=lee, note="", at=LATER)

    assert acknowledged.status == "acknowledged"
    assert (acknowledged.handled_by, acknowledged.handled_note) == ("tay", "On it")
    assert (closed.status, closed.handled_by, closed.handled_at) == ("closed", "lee", LATER)
    assert closed.handled_note == "On it"  # an empty note keeps the one before
    assert unread_count(reader_id=tay.pk) == 0
    assert unread_count(reader_id=lee.pk) == 0


def test_an_open_escalation_may_be_closed_at_once(account, agent, leaders):
    raised = raise_fraud(account, agent)

    closed = escalation_close(escalation_id=raised.id, by=leaders[2], note="Known to us", at=LATER)

    assert closed.status == "closed"


@pytest.mark.parametrize(
    ("moves", "refused"),
    [
        (["close"], "acknowledge"),
        (["close"], "close"),
        (["acknowledge"], "acknowledge"),
    ],
)
def test_moves_the_state_machine_does_not_make_are_refused(account, agent, leaders, moves, refused):
    raised = raise_fraud(account, agent)
    operations = {"acknowledge": escalation_acknowledge, "close": escalation_close}
    for move in moves:
        operations[move](escalation_id=raised.id, by=leaders[0], note="", at=LATER)
    audited = AuditEvent.objects.count()

    with pytest.raises(EscalationTransitionNotAllowed) as error:
        operations[refused](escalation_id=raised.id, by=leaders[0], note="again", at=LATER)

    assert error.value.field == "status"
    assert AuditEvent.objects.count() == audited
    assert Escalation.objects.get().handled_note != "again"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REMARKETING, Role.ADMINISTRATOR])
def test_auditors_remarketing_and_administrators_may_not_raise(account, leaders, role):
    outsider = person("out", role)

    with pytest.raises(EscalationNotAllowed) as error:
        raise_fraud(account, outsider)

    assert error.value.field == "role"
    assert not Escalation.objects.exists()
    assert not AuditEvent.objects.filter(object_type="escalation").exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.AUDITOR, Role.REMARKETING, Role.ADMINISTRATOR])
def test_only_team_leaders_and_the_head_of_credit_handle_escalations(account, agent, leaders, role):
    raised = raise_fraud(account, agent)
    other = person("other", role)

    with pytest.raises(EscalationNotAllowed) as acknowledging:
        escalation_acknowledge(escalation_id=raised.id, by=other, note="", at=LATER)
    with pytest.raises(EscalationNotAllowed) as closing:
        escalation_close(escalation_id=raised.id, by=other, note="", at=LATER)
    with pytest.raises(EscalationNotAllowed) as reading:
        inbox_of(reader=other)

    assert {acknowledging.value.field, closing.value.field, reading.value.field} == {"role"}
    assert Escalation.objects.get().status == "open"


@pytest.mark.parametrize(
    ("kind", "detail", "field"),
    [
        ("suspected_fraud", "   ", "detail"),
        ("other", "", "detail"),
        ("other", "x" * 2001, "detail"),
        ("stolen", "gone", "kind"),
    ],
)
def test_bad_input_is_named_by_field_and_nothing_is_written(account, agent, leaders, kind, detail, field):
    with pytest.raises(EscalationNotAllowed) as error:
        escalation_raise(account_number=account, kind=kind, detail=detail, raised_by=agent, at=AT)

    assert error.value.field == field
    assert not Escalation.objects.exists()
    assert not EscalationNotice.objects.exists()
    assert not AuditEvent.objects.filter(object_type="escalation").exists()


def test_an_unknown_account_is_named(agent, leaders):
    with pytest.raises(AccountNotFound) as error:
        escalation_raise(account_number="NOPE", kind="vehicle_damage", detail="", raised_by=agent, at=AT)

    assert error.value.field == "account_number"
    assert not Escalation.objects.exists()


def test_an_unknown_escalation_and_a_long_note_are_named(account, agent, leaders):
    raised = raise_fraud(account, agent)

    with pytest.raises(EscalationNotFound) as missing:
        escalation_close(escalation_id=raised.id + 99, by=leaders[0], note="", at=LATER)
    with pytest.raises(EscalationNotAllowed) as long_note:
        escalation_close(escalation_id=raised.id, by=leaders[0], note="n" * 501, at=LATER)

    assert missing.value.field == "escalation_id"
    assert long_note.value.field == "note"
    assert Escalation.objects.get().status == "open"


def test_the_inbox_lists_unread_first_then_newest_first(account, agent, leaders):
    tay = leaders[0]
    first = raise_fraud(account, agent, detail="first")
    second = escalation_raise(
        account_number=account, kind="vehicle_damage", detail="second", raised_by=agent, at=LATER
    )
    third = escalation_raise(
        account_number=account, kind="insurance_lapse", detail="third", raised_by=agent, at=LATER
    )
    second_notice = EscalationNotice.objects.get(escalation_id=second.id, recipient=tay)

    notice_read(notice_id=second_notice.pk, reader=tay, at=LATER)
    notice_read(notice_id=second_notice.pk, reader=tay, at=LATER)  # again: nothing changes
    inbox = inbox_of(reader=tay)

    assert inbox.unread == 2
    assert [i.escalation.id for i in inbox.items] == [third.id, first.id, second.id]
    assert [i.escalation.kind_label for i in inbox.items] == [
        "Vehicle at risk: insurance lapsed",
        "Suspected fraud",
        "Vehicle at risk: damage",
    ]
    assert inbox.items[0].escalation.account_number == account
    assert AuditEvent.objects.filter(action="escalation.notice_read").count() == 1


def test_nobody_reads_someone_elses_notice(account, agent, leaders):
    tay, lee, _, _ = leaders
    raise_fraud(account, agent)
    notice = EscalationNotice.objects.get(recipient=tay)

    with pytest.raises(EscalationNotFound) as error:
        notice_read(notice_id=notice.pk, reader=lee, at=LATER)

    assert error.value.field == "notice_id"
    assert unread_count(reader_id=tay.pk) == 1
