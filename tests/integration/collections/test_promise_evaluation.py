"""The evaluation after the close of business: promises kept, partly kept and broken by the money
the ledger actually received."""

from datetime import UTC, date, datetime, timedelta

import pytest

from recoup.access.models import AuditEvent
from recoup.access.operations import user_create
from recoup.collections.contact_queries import contact_history
from recoup.collections.contacts import contact_record
from recoup.collections.promise_evaluation import promises_evaluate
from recoup.ledger.models import Receipt
from recoup.ledger.operations import receipt_reverse
from recoup.portfolio.operations import payment_apply
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db

MADE = date(2024, 6, 14)
FIRST, SECOND = date(2024, 6, 21), date(2024, 6, 28)
AT = datetime(2024, 6, 14, 15, 30, tzinfo=UTC)


def night(as_of: date) -> datetime:
    return datetime(as_of.year, as_of.month, as_of.day, 23, 0, tzinfo=UTC) + timedelta(hours=1)


@pytest.fixture
def agent():
    return user_create(username="sam", password="not-used-here", role="agent")


def promised(agent, amounts=((FIRST, "100.00"), (SECOND, "150.00")), application=None) -> str:
    """A loan whose customer promised 100.00 on 21 June and 150.00 on 28 June."""
    account_number = book(application).account_number
    contact_record(
        account_number=account_number,
        channel="call",
        direction="outbound",
        outcome="promise",
        agent=agent,
        at=AT,
        next_action_date=None,
        notes="",
        promise=list(amounts),
        as_of=MADE,
    )
    return account_number


def pay(account_number: str, amount: str, received_date: date) -> int:
    taken = payment_apply(
        account_number=account_number,
        amount=amount,
        received_date=received_date,
        reference="card",
        idempotency_key=f"test:{account_number}:{received_date}:{amount}",
        at=night(received_date),
    )
    return taken.receipt_id


def promise_of(account_number: str):
    return contact_history(account_number=account_number).promises[0]


def shape(promise):
    return (
        promise.status,
        promise.settled_date,
        [(str(p.paid), p.status) for p in promise.payments],
    )


def test_a_promise_paid_in_full_on_both_dates_is_kept(agent):
    account_number = promised(agent)
    pay(account_number, "100.00", FIRST)
    pay(account_number, "150.00", date(2024, 6, 27))

    first = promises_evaluate(as_of=FIRST, at=night(FIRST))
    assert shape(promise_of(account_number)) == ("open", None, [("100.00", "kept"), ("0.00", "open")])
    second = promises_evaluate(as_of=SECOND, at=night(SECOND))

    assert shape(promise_of(account_number)) == ("kept", SECOND, [("100.00", "kept"), ("150.00", "kept")])
    assert (first["payments_kept"], first["promises_decided"]) == (1, 0)
    assert second == {
        "payments_decided": 1,
        "payments_kept": 1,
        "payments_partly_kept": 0,
        "payments_broken": 0,
        "promises_decided": 1,
        "promises_kept": 1,
        "promises_partly_kept": 0,
        "promises_broken": 0,
    }


def test_a_short_payment_makes_the_promise_partly_kept(agent):
    account_number = promised(agent)
    pay(account_number, "100.00", FIRST)
    pay(account_number, "50.00", SECOND)

    promises_evaluate(as_of=FIRST, at=night(FIRST))
    promises_evaluate(as_of=SECOND, at=night(SECOND))

    assert shape(promise_of(account_number)) == (
        "partly_kept",
        SECOND,
        [("100.00", "kept"), ("50.00", "partly_kept")],
    )


def test_nothing_paid_breaks_the_promise_and_money_before_it_was_made_does_not_count(agent):
    account_number = promised(agent)
    pay(account_number, "250.00", MADE - timedelta(days=1))
    pay(account_number, "250.00", SECOND + timedelta(days=1))

    # One night evaluating both dates at once, as after a close of business that caught up.
    counts = promises_evaluate(as_of=SECOND, at=night(SECOND))

    assert shape(promise_of(account_number)) == ("broken", SECOND, [("0.00", "broken"), ("0.00", "broken")])
    assert (counts["payments_broken"], counts["promises_broken"]) == (2, 1)


def test_a_reversed_receipt_does_not_count(agent):
    account_number = promised(agent, amounts=((FIRST, "100.00"),))
    receipt_id = pay(account_number, "100.00", FIRST)
    receipt_reverse(
        receipt=Receipt.objects.get(pk=receipt_id),
        at=night(FIRST),
        effective_date=FIRST,
        reason_code="returned_unpaid",
    )

    promises_evaluate(as_of=FIRST, at=night(FIRST))

    assert shape(promise_of(account_number)) == ("broken", FIRST, [("0.00", "broken")])


def test_a_promise_not_yet_due_is_left_open(agent):
    account_number = promised(agent)
    pay(account_number, "250.00", MADE)

    counts = promises_evaluate(as_of=FIRST - timedelta(days=1), at=night(FIRST))

    assert shape(promise_of(account_number)) == ("open", None, [("0.00", "open"), ("0.00", "open")])
    assert counts["payments_decided"] == 0
    assert not AuditEvent.objects.filter(action="promise.evaluate").exists()


def test_evaluating_the_same_night_twice_changes_nothing_the_second_time(agent):
    account_number = promised(agent)
    pay(account_number, "40.00", FIRST)
    promises_evaluate(as_of=SECOND, at=night(SECOND))
    before = shape(promise_of(account_number))

    again = promises_evaluate(as_of=SECOND, at=night(SECOND))

    assert shape(promise_of(account_number)) == before
    assert again["payments_decided"] == again["promises_decided"] == 0
    assert AuditEvent.objects.filter(action="promise.evaluate").count() == 1


def test_the_promises_of_many_accounts_in_both_currencies_are_decided_in_one_pass(agent):
    kept, broken = promised(agent), promised(agent, application=uk_pcp())
    pay(kept, "250.00", FIRST)

    counts = promises_evaluate(as_of=SECOND, at=night(SECOND))

    assert promise_of(kept).status == "kept"
    assert promise_of(broken).status == "broken"
    assert (counts["promises_kept"], counts["promises_broken"]) == (1, 1)
