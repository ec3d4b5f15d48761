"""The escalation rules after the close of business, over real loans, promises and contacts."""

import dataclasses
import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.arrears.models import BucketTransition
from recoup.cli.main import main
from recoup.collections.close import collections_after_close
from recoup.collections.contacts import contact_record
from recoup.collections.escalation_queries import inbox_of
from recoup.collections.escalation_rules import escalations_apply
from recoup.collections.models import Escalation, EscalationNotice
from recoup.collections.promise_evaluation import promises_evaluate
from recoup.portfolio.models import Contract
from recoup.portfolio.vin import vin_with_check_digit
from tests.integration.factories import book as book_one
from tests.integration.factories import uk_pcp, us_loan

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)
NIGHT = datetime(2024, 6, 15, 0, 30, tzinfo=UTC)  # the close of the 14th runs just after midnight
_vins = itertools.count(100_000)


def book(application=None):
    """A loan on a vehicle of its own (one VIN is financed once)."""
    application = application or us_loan()
    vin = vin_with_check_digit(f"1HGCM826{next(_vins):08d}")
    vehicle = dataclasses.replace(application.vehicle, vin=vin)
    return book_one(dataclasses.replace(application, vehicle=vehicle))


@pytest.fixture
def agent():
    return user_create(username="sam", password="not-used-here", role=Role.AGENT)


@pytest.fixture
def leaders():
    tay = user_create(username="tay", password="not-used-here", role=Role.TEAM_LEADER)
    cas = user_create(username="cas", password="not-used-here", role=Role.HEAD_OF_CREDIT)
    tay.email, cas.email = "tay@example.com", "cas@example.com"
    tay.save(update_fields=["email"])
    cas.save(update_fields=["email"])
    return tay, cas


def rolled(account_number, *, receivable_minor, on=AS_OF, kind="roll_forward", to_bucket="30-59"):
    """The bucket transition the close writes when an account moves between buckets."""
    BucketTransition.objects.create(
        contract=Contract.objects.get(account_number=account_number),
        business_date=on,
        from_bucket="1-29" if kind == "roll_forward" else "60-89",
        to_bucket=to_bucket,
        kind=kind,
        days_past_due=30,
        arrears_minor=45_000,
        receivable_minor=receivable_minor,
    )


def promise_broken(account_number, agent, due: date) -> None:
    """A promise made the week before `due` and nothing paid: the evaluation of `due` breaks it."""
    made = due - timedelta(days=7)
    contact_record(
        account_number=account_number,
        channel="call",
        direction="outbound",
        outcome="promise",
        agent=agent,
        at=datetime(made.year, made.month, made.day, 15, tzinfo=UTC),
        next_action_date=None,
        notes="",
        promise=[(due, "100.00")],
        as_of=made,
    )
    promises_evaluate(as_of=due, at=datetime(due.year, due.month, due.day, 23, tzinfo=UTC))


def bankruptcy_mentioned(account_number, agent, at: datetime) -> None:
    contact_record(
        account_number=account_number,
        channel="call",
        direction="inbound",
        outcome="bankruptcy",
        agent=agent,
        at=at,
        next_action_date=None,
        notes="Said they are seeing an insolvency practitioner",
        promise=None,
        as_of=at.date(),
    )


def raised() -> set[tuple[str, str]]:
    return set(Escalation.objects.values_list("contract__account_number", "kind"))


def test_a_large_balance_rolling_forward_is_escalated(leaders):
    large, at_threshold, small = book(), book(), book()
    rolled(large.account_number, receivable_minor=1_450_000)
    rolled(at_threshold.account_number, receivable_minor=1_000_000)
    rolled(small.account_number, receivable_minor=999_999)

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["large_balance_rolling"] == 2
    assert raised() == {
        (large.account_number, "large_balance_rolling"),
        (at_threshold.account_number, "large_balance_rolling"),
    }
    detail = Escalation.objects.get(contract_id=large.contract_id).detail
    assert detail == "Rolled from 1-29 to 30-59 owing USD 14500.00"


def test_rolling_back_another_day_or_under_the_currencys_threshold_is_not(leaders, settings):
    settings.RECOUP_ESCALATION_LARGE_BALANCE = {"USD": 1_000_000, "GBP": 2_000_000}
    back, yesterday, uk = book(), book(), book(uk_pcp())
    rolled(back.account_number, receivable_minor=1_500_000, kind="roll_back")
    rolled(yesterday.account_number, receivable_minor=1_500_000, on=AS_OF - timedelta(days=1))
    rolled(uk.account_number, receivable_minor=1_999_999)

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["raised"] == 0
    assert not Escalation.objects.exists()


def test_a_second_promise_broken_within_ninety_days_is_escalated(agent, leaders):
    twice, once, long_ago = book(), book(), book()
    promise_broken(twice.account_number, agent, AS_OF - timedelta(days=89))
    promise_broken(twice.account_number, agent, AS_OF)
    promise_broken(once.account_number, agent, AS_OF)
    promise_broken(long_ago.account_number, agent, AS_OF - timedelta(days=90))
    promise_broken(long_ago.account_number, agent, AS_OF)

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["repeated_broken_promises"] == 1
    assert raised() == {(twice.account_number, "repeated_broken_promises")}
    assert Escalation.objects.get().detail == "2 promises broken in the last 90 days"


def test_promises_broken_before_but_none_today_are_not_escalated_again(agent, leaders):
    account = book()
    promise_broken(account.account_number, agent, AS_OF - timedelta(days=20))
    promise_broken(account.account_number, agent, AS_OF - timedelta(days=10))

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["repeated_broken_promises"] == 0


def test_bankruptcy_mentioned_on_the_business_date_by_its_utc_day_is_escalated(agent, leaders):
    late, early, before, after = book(), book(), book(), book()
    bankruptcy_mentioned(late.account_number, agent, datetime(2024, 6, 14, 23, 59, 59, tzinfo=UTC))
    bankruptcy_mentioned(late.account_number, agent, datetime(2024, 6, 14, 12, 0, tzinfo=UTC))
    bankruptcy_mentioned(early.account_number, agent, datetime(2024, 6, 14, 0, 0, tzinfo=UTC))
    bankruptcy_mentioned(before.account_number, agent, datetime(2024, 6, 13, 23, 59, 59, tzinfo=UTC))
    bankruptcy_mentioned(after.account_number, agent, datetime(2024, 6, 15, 0, 0, tzinfo=UTC))

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["bankruptcy_mentioned"] == 2
    assert raised() == {
        (late.account_number, "bankruptcy_mentioned"),
        (early.account_number, "bankruptcy_mentioned"),
    }
    assert Escalation.objects.get(contract_id=late.contract_id).detail == (
        "The customer mentioned bankruptcy (2 contact(s) that day)"
    )


def test_the_rules_escalations_reach_every_leaders_inbox_and_one_audit_row(agent, leaders):
    tay, cas = leaders
    account = book()
    rolled(account.account_number, receivable_minor=1_450_000)
    bankruptcy_mentioned(account.account_number, agent, datetime(2024, 6, 14, 16, tzinfo=UTC))

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts == {
        "large_balance_rolling": 1,
        "repeated_broken_promises": 0,
        "bankruptcy_mentioned": 1,
        "raised": 2,
        "notices": 4,
        "emailed": 0,
    }
    for leader in (tay, cas):
        inbox = inbox_of(reader=leader)
        assert inbox.unread == 2
        assert {i.escalation.raised_by for i in inbox.items} == {"rule"}
    stored = Escalation.objects.first()
    assert (stored.by_rule, stored.raised_by, stored.raised_at, stored.raised_date, stored.status) == (
        True,
        None,
        NIGHT,
        AS_OF,
        "open",
    )
    audit = AuditEvent.objects.get(action="escalation.rules_apply")
    assert (audit.actor, audit.object_id, audit.after["raised"]) == (None, "2024-06-14", 2)


def test_running_the_rules_again_for_the_same_date_raises_nothing_new(agent, leaders):
    account = book()
    rolled(account.account_number, receivable_minor=1_450_000)
    first = escalations_apply(as_of=AS_OF, at=NIGHT)
    Escalation.objects.update(status="closed")  # handled since: still not raised again that day

    again = escalations_apply(as_of=AS_OF, at=NIGHT + timedelta(hours=2))

    assert first["raised"] == 1
    assert (again["raised"], again["notices"]) == (0, 0)
    assert Escalation.objects.count() == 1
    assert EscalationNotice.objects.count() == 2
    assert AuditEvent.objects.filter(action="escalation.rules_apply").count() == 2


def test_a_hand_raised_escalation_does_not_stop_the_rule(agent, leaders):
    from recoup.collections.escalations import escalation_raise

    account = book()
    escalation_raise(
        account_number=account.account_number,
        kind="large_balance_rolling",
        detail="",
        raised_by=agent,
        at=datetime(2024, 6, 14, 10, tzinfo=UTC),
    )
    rolled(account.account_number, receivable_minor=1_450_000)

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["raised"] == 1
    assert Escalation.objects.filter(by_rule=True).count() == 1


def test_with_emails_on_each_leader_gets_one_email_for_the_night(agent, leaders, settings):
    settings.RECOUP_ESCALATION_EMAILS = True
    for _ in range(3):
        rolled(book().account_number, receivable_minor=1_450_000)

    counts = escalations_apply(as_of=AS_OF, at=NIGHT)

    assert counts["emailed"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["cas@example.com", "tay@example.com"]
    assert mail.outbox[0].subject == "Recoup: 3 escalations"
    assert mail.outbox[0].body.count("Large balance rolling") == 3
    assert not EscalationNotice.objects.filter(emailed_at__isnull=True).exists()


def test_the_command_prints_the_counts_as_json(leaders, capsys):
    rolled(book().account_number, receivable_minor=1_450_000)

    status = main(["escalations", "apply", "--as-of", "2024-06-14", "--json"])

    printed = json.loads(capsys.readouterr().out)
    assert status == 0
    assert (printed["as_of"], printed["large_balance_rolling"], printed["raised"]) == ("2024-06-14", 1, 1)


def test_the_close_of_business_raises_the_rules_escalations(agent, leaders, capsys):
    account = book()
    bankruptcy_mentioned(account.account_number, agent, datetime(2024, 6, 14, 16, tzinfo=UTC))

    status = main(["cob", "--as-of", "2024-06-14", "--json"])

    printed = json.loads(capsys.readouterr().out)
    assert status == 0
    assert printed["escalations"]["bankruptcy_mentioned"] == 1
    assert raised() == {(account.account_number, "bankruptcy_mentioned")}


def test_a_catch_up_night_escalates_a_roll_forward_on_each_date_it_closes(leaders):
    earlier, last = book(), book()
    rolled(earlier.account_number, receivable_minor=1_450_000, on=AS_OF - timedelta(days=1))
    rolled(last.account_number, receivable_minor=1_450_000)

    done = collections_after_close(as_of=AS_OF, dates=(AS_OF - timedelta(days=1), AS_OF), at=NIGHT)

    assert done["escalations"]["large_balance_rolling"] == 2
    assert raised() == {
        (earlier.account_number, "large_balance_rolling"),
        (last.account_number, "large_balance_rolling"),
    }
