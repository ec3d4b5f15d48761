"""Template versions: published, superseded but never edited, refused with the field named; and
rendered for an account with its money in dollars or pounds."""

from datetime import UTC, datetime

import pytest

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.comms.errors import (
    InvalidTemplate,
    MissingMergeField,
    NoAddress,
    SendNotAllowed,
    TemplateNotFound,
)
from recoup.comms.models import TemplateVersion
from recoup.comms.publishing import template_version_publish
from recoup.comms.queries import template_current, templates_current
from recoup.comms.rendering import communication_render
from recoup.kernel.money import Money
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db

AT = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
LATER = datetime(2024, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def head():
    return user_create(username="hana", password="not-used-here", role=Role.HEAD_OF_CREDIT)


def test_a_new_version_supersedes_the_old_which_stays_as_it_was(head):
    first = template_version_publish(
        code="test.hello",
        channel="email",
        subject="Hi",
        body="<p>Hello {{ customer_name }}</p>",
        by=head,
        at=AT,
    )

    second = template_version_publish(
        code="test.hello",
        channel="email",
        subject="Hello",
        body="<p>Dear {{ customer_name }}</p>",
        by=head,
        at=LATER,
    )

    assert (first, second) == (1, 2)
    assert template_current(code="test.hello", channel="email").body == "<p>Dear {{ customer_name }}</p>"
    old = TemplateVersion.objects.get(template__code="test.hello", number=1)
    assert (old.subject, old.body, old.created_at) == ("Hi", "<p>Hello {{ customer_name }}</p>", AT)
    assert AuditEvent.objects.filter(action="template.publish", actor=head).count() == 2


def test_a_version_with_an_unknown_field_is_refused_naming_it_and_nothing_is_written(head):
    with pytest.raises(InvalidTemplate, match="unknown merge field 'amount_owed'") as refused:
        template_version_publish(
            code="test.bad", channel="letter", subject="", body="<p>{{ amount_owed }}</p>", by=head, at=AT
        )

    assert refused.value.field == "body"
    assert not TemplateVersion.objects.filter(template__code="test.bad").exists()


def test_an_email_without_a_subject_and_an_agent_publishing_are_refused(head):
    agent = user_create(username="sam", password="not-used-here", role=Role.AGENT)

    with pytest.raises(InvalidTemplate, match="subject"):
        template_version_publish(code="test.x", channel="email", subject=" ", body="x", by=head, at=AT)
    with pytest.raises(SendNotAllowed):
        template_version_publish(code="test.x", channel="sms", subject="", body="x", by=agent, at=AT)
    with pytest.raises(InvalidTemplate, match="channel"):
        template_version_publish(code="test.x", channel="fax", subject="", body="x", by=head, at=AT)


def test_the_demo_templates_are_published():
    codes = {(t.code, t.channel) for t in templates_current()}

    assert {
        ("arrears.reminder", "letter"),
        ("arrears.reminder", "email"),
        ("arrears.reminder", "sms"),
        ("promise.confirmation", "email"),
        ("promise.confirmation", "sms"),
    } <= codes


def test_a_us_reminder_prints_dollars_and_a_month_first_date():
    contract = book()

    rendered = communication_render(
        contract_id=contract.contract_id, channel="email", template_code="arrears.reminder", at=AT
    )

    assert rendered.subject == f"Your account {contract.account_number} is overdue"
    assert rendered.address == "maria.garcia@example.com"
    assert "Dear Maria Garcia," in rendered.body
    assert "<strong>$0.00</strong>" in rendered.body
    assert "is due on February 1, 2024" in rendered.body
    assert "$304.15" in rendered.body  # the loan's level installment
    assert "Recoup Auto Finance, Inc." in rendered.body


def test_a_uk_promise_confirmation_prints_pounds_and_a_day_first_date_from_the_senders_context():
    contract = book(uk_pcp())

    rendered = communication_render(
        contract_id=contract.contract_id,
        channel="email",
        template_code="promise.confirmation",
        context={
            "promise_amount": Money(123456, "GBP"),
            "promise_date": datetime(2024, 3, 29, tzinfo=UTC).date(),
        },
        at=AT,
    )

    assert "<strong>£1,234.56</strong> on 29 March 2024" in rendered.body
    assert "0800 555 0199" in rendered.body


def test_a_send_missing_a_declared_field_is_refused_naming_it():
    contract = book()

    with pytest.raises(MissingMergeField, match="'promise_amount'"):
        communication_render(
            contract_id=contract.contract_id,
            channel="sms",
            template_code="promise.confirmation",
            context={},
            at=AT,
        )


def test_an_sms_ends_with_the_opt_out_and_needs_a_mobile():
    us, uk = book(), book(uk_pcp())

    rendered = communication_render(
        contract_id=us.contract_id, channel="sms", template_code="arrears.reminder", at=AT
    )

    assert rendered.body.endswith("Please pay or call (800) 555-0199. Reply STOP to opt out")
    assert rendered.address == "+17135550142"
    with pytest.raises(NoAddress, match="mobile"):
        communication_render(
            contract_id=uk.contract_id, channel="sms", template_code="arrears.reminder", at=AT
        )


def test_an_unpublished_template_is_refused():
    contract = book()

    with pytest.raises(TemplateNotFound) as refused:
        communication_render(
            contract_id=contract.contract_id, channel="letter", template_code="nothing.here", at=AT
        )

    assert refused.value.field == "template_code"
