"""Whether a promise to pay was kept, as a collections manual would state it."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.collections.promises import (
    BROKEN,
    KEPT,
    OPEN,
    PARTLY_KEPT,
    Paid,
    PromisedPayment,
    promise_assess,
)

MARCH_1, MARCH_15, MARCH_31 = date(2024, 3, 1), date(2024, 3, 15), date(2024, 3, 31)
# 200.00 on 15 March and 300.00 on 31 March (2024 is a leap year: 29 February exists).
TWO_PAYMENTS = [PromisedPayment(MARCH_15, 20000), PromisedPayment(MARCH_31, 30000)]


def statuses(outcome):
    return [(p.paid_minor, p.status) for p in outcome.payments]


def test_a_single_payment_paid_in_full_on_its_due_date_is_kept():
    outcome = promise_assess(
        payments=[PromisedPayment(MARCH_15, 20000)], received=[Paid(MARCH_15, 20000)], as_of=MARCH_15
    )

    assert statuses(outcome) == [(20000, KEPT)]
    assert outcome.status == KEPT


def test_a_payment_paid_in_part_is_partly_kept_and_nothing_paid_is_broken():
    part = promise_assess(
        payments=[PromisedPayment(MARCH_15, 20000)], received=[Paid(MARCH_1, 5000)], as_of=MARCH_15
    )
    none = promise_assess(payments=[PromisedPayment(MARCH_15, 20000)], received=[], as_of=MARCH_15)

    assert (part.status, statuses(part)) == (PARTLY_KEPT, [(5000, PARTLY_KEPT)])
    assert (none.status, statuses(none)) == (BROKEN, [(0, BROKEN)])


def test_a_promise_stays_open_until_the_close_of_business_of_its_last_date():
    outcome = promise_assess(payments=TWO_PAYMENTS, received=[Paid(MARCH_1, 20000)], as_of=MARCH_15)

    assert statuses(outcome) == [(20000, KEPT), (0, OPEN)]
    assert outcome.status == OPEN
    assert not outcome.decided


def test_money_paid_before_the_first_date_beyond_its_amount_counts_toward_the_second():
    outcome = promise_assess(payments=TWO_PAYMENTS, received=[Paid(MARCH_1, 50000)], as_of=MARCH_31)

    assert statuses(outcome) == [(20000, KEPT), (30000, KEPT)]
    assert outcome.status == KEPT


def test_money_paid_late_cannot_mend_the_first_payment_but_counts_toward_the_second():
    # 100.00 by 15 March, then 400.00 on 20 March: the first payment was short on its day.
    received = [Paid(MARCH_1, 10000), Paid(date(2024, 3, 20), 40000)]

    outcome = promise_assess(payments=TWO_PAYMENTS, received=received, as_of=MARCH_31)

    assert statuses(outcome) == [(10000, PARTLY_KEPT), (30000, KEPT)]
    assert outcome.status == PARTLY_KEPT


def test_nothing_paid_by_the_last_date_breaks_the_promise_even_if_money_comes_the_day_after():
    outcome = promise_assess(
        payments=TWO_PAYMENTS, received=[Paid(MARCH_31 + timedelta(days=1), 50000)], as_of=date(2024, 4, 1)
    )

    assert statuses(outcome) == [(0, BROKEN), (0, BROKEN)]
    assert outcome.status == BROKEN


def test_a_broken_first_payment_and_a_kept_second_make_a_partly_kept_promise():
    outcome = promise_assess(payments=TWO_PAYMENTS, received=[Paid(MARCH_31, 30000)], as_of=MARCH_31)

    assert statuses(outcome) == [(0, BROKEN), (30000, KEPT)]
    assert outcome.status == PARTLY_KEPT


def test_money_received_after_the_business_date_is_not_yet_known():
    outcome = promise_assess(payments=TWO_PAYMENTS, received=[Paid(MARCH_31, 50000)], as_of=MARCH_15)

    assert statuses(outcome) == [(0, BROKEN), (0, OPEN)]


def test_a_payment_decided_earlier_keeps_its_outcome():
    # The first payment was judged kept; the money behind it has since been returned.
    decided = [PromisedPayment(MARCH_15, 20000, paid_minor=20000, status=KEPT), TWO_PAYMENTS[1]]

    outcome = promise_assess(payments=decided, received=[Paid(MARCH_31, 30000)], as_of=MARCH_31)

    assert statuses(outcome) == [(20000, KEPT), (30000, KEPT)]
    assert outcome.status == KEPT


def test_payments_given_out_of_order_are_assessed_in_date_order():
    outcome = promise_assess(payments=TWO_PAYMENTS[::-1], received=[Paid(MARCH_1, 20000)], as_of=MARCH_31)

    assert [p.due_date for p in outcome.payments] == [MARCH_15, MARCH_31]
    assert statuses(outcome) == [(20000, KEPT), (0, BROKEN)]


def test_a_promise_without_payments_is_refused():
    with pytest.raises(ValueError):
        promise_assess(payments=[], received=[], as_of=MARCH_1)


START = date(2024, 1, 31)
days = st.integers(min_value=0, max_value=120)
promised = st.lists(
    st.tuples(days, st.integers(min_value=1, max_value=10**9)),
    min_size=1,
    max_size=12,
    unique_by=lambda t: t[0],
).map(lambda rows: [PromisedPayment(START + timedelta(days=d), amount) for d, amount in rows])
receipts = st.lists(st.tuples(days, st.integers(min_value=1, max_value=10**9)), max_size=20).map(
    lambda rows: [Paid(START + timedelta(days=d), amount) for d, amount in rows]
)


@given(payments=promised, received=receipts, as_of_day=st.integers(min_value=0, max_value=130))
def test_paid_never_exceeds_what_was_promised_nor_what_was_received(payments, received, as_of_day):
    as_of = START + timedelta(days=as_of_day)

    outcome = promise_assess(payments=payments, received=received, as_of=as_of)

    for payment in outcome.payments:
        assert 0 <= payment.paid_minor <= payment.amount_minor
    last_due = max(p.due_date for p in payments)
    known = sum(r.amount_minor for r in received if r.received_date <= min(as_of, last_due))
    assert outcome.paid_minor <= known
    assert outcome.paid_minor <= sum(p.amount_minor for p in payments)


@given(payments=promised, received=receipts, as_of_day=st.integers(min_value=0, max_value=130))
def test_every_status_agrees_with_what_was_paid_and_the_date(payments, received, as_of_day):
    as_of = START + timedelta(days=as_of_day)

    outcome = promise_assess(payments=payments, received=received, as_of=as_of)

    for payment in outcome.payments:
        if payment.due_date > as_of:
            assert payment.status == OPEN
        elif payment.paid_minor == payment.amount_minor:
            assert payment.status == KEPT
        elif payment.paid_minor:
            assert payment.status == PARTLY_KEPT
        else:
            assert payment.status == BROKEN
    assert outcome.decided == all(p.due_date <= as_of for p in payments)


@given(payments=promised, received=receipts, more=receipts)
def test_more_money_never_pays_any_payment_less_and_order_of_receipts_does_not_matter(
    payments, received, more
):
    as_of = START + timedelta(days=130)

    before = promise_assess(payments=payments, received=received, as_of=as_of)
    after = promise_assess(payments=payments, received=received + more, as_of=as_of)
    shuffled = promise_assess(payments=payments, received=list(reversed(received)), as_of=as_of)

    assert all(a.paid_minor >= b.paid_minor for a, b in zip(after.payments, before.payments, strict=True))
    assert shuffled == before


@given(payments=promised)
def test_paying_the_whole_promise_before_the_first_date_keeps_it(payments):
    first = min(p.due_date for p in payments)
    total = sum(p.amount_minor for p in payments)

    outcome = promise_assess(
        payments=payments, received=[Paid(first, total)], as_of=START + timedelta(days=130)
    )

    assert outcome.status == KEPT
    assert outcome.paid_minor == total
