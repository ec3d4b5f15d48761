"""Worked examples of the close of business over the calendar's awkward nights, as an operations
manual would state them: due dates on the 29th, 30th and 31st, leap years, daylight-saving nights
and a contract modified while the account is in arrears.

The loans are the US retail installment contract of test_worked_examples ($15,000 at 8 % over
60 months) and the UK PCP of the factories, with only their dates changed. Days past due are the
business date less the oldest unpaid due date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from recoup.arrears.models import ArrearsState, CobRun
from recoup.arrears.operations import cob_run
from recoup.ledger.models import JournalEntry
from recoup.ledger.queries import ledger_verify
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import payment_apply, schedule_modify
from tests.integration.arrears import snapshots
from tests.integration.arrears.reference import reference_module
from tests.integration.factories import book, uk_pcp

AT = datetime(2024, 1, 1, 23, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def _contract(**changes: object) -> Contract:
    return Contract.objects.get(pk=book(**changes).contract_id)


def _state(contract: Contract) -> ArrearsState:
    return ArrearsState.objects.get(contract=contract)


def _days_past_due(contract: Contract, night: date) -> int:
    oldest = _state(contract).oldest_unpaid_due_date
    return 0 if oldest is None else (night - oldest).days


def _fell_due_on(contract: Contract) -> list[date]:
    """The effective dates of the contract's installments, as the ledger holds them."""
    return list(
        JournalEntry.objects.filter(book__contract_id=contract.pk, reason_code="installment_fell_due")
        .order_by("effective_date")
        .values_list("effective_date", flat=True)
    )


def _pay_installment(contract: Contract, day: date, key: str) -> None:
    payment_apply(
        account_number=contract.account_number,
        amount=f"{_state(contract).last_installment_minor / 100:.2f}",
        received_date=day,
        reference=key,
        idempotency_key=key,
        at=AT,
    )


@pytest.fixture
def due_on_the_31st() -> Contract:
    contract = _contract(first_due_date=date(2024, 1, 31))
    cob_run(as_of=date(2024, 1, 30), at=AT)
    return contract


# Night, then: installments due, last due date, next due date, oldest unpaid, days past due, missed.
# The 31 January installment is paid that day; nothing after it is.
MONTH_ENDS = [
    (date(2024, 2, 28), 1, date(2024, 1, 31), date(2024, 2, 29), None, 0, 0),
    (date(2024, 2, 29), 2, date(2024, 2, 29), date(2024, 3, 31), date(2024, 2, 29), 0, 1),
    (date(2024, 3, 1), 2, date(2024, 2, 29), date(2024, 3, 31), date(2024, 2, 29), 1, 1),
    (date(2024, 3, 30), 2, date(2024, 2, 29), date(2024, 3, 31), date(2024, 2, 29), 30, 1),
    (date(2024, 3, 31), 3, date(2024, 3, 31), date(2024, 4, 30), date(2024, 2, 29), 31, 2),
    (date(2024, 4, 29), 3, date(2024, 3, 31), date(2024, 4, 30), date(2024, 2, 29), 60, 2),
    (date(2024, 4, 30), 4, date(2024, 4, 30), date(2024, 5, 31), date(2024, 2, 29), 61, 3),
    (date(2024, 5, 1), 4, date(2024, 4, 30), date(2024, 5, 31), date(2024, 2, 29), 62, 3),
]


@pytest.mark.django_db
def test_installments_due_on_the_31st_fall_due_on_each_month_end_exactly(due_on_the_31st: Contract) -> None:
    loan = due_on_the_31st
    cob_run(as_of=date(2024, 1, 31), at=AT)
    _pay_installment(loan, date(2024, 1, 31), "paid-31-jan")

    seen = []
    for night, *_ in MONTH_ENDS:
        cob_run(as_of=night, at=AT)
        state = _state(loan)
        seen.append(
            (
                night,
                state.installments_due,
                state.last_due_date,
                state.next_due_date,
                state.oldest_unpaid_due_date,
                _days_past_due(loan, night),
                state.installments_missed,
            )
        )

    assert seen == MONTH_ENDS
    assert _fell_due_on(loan) == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert _state(loan).bucket == "60-89"
    assert ledger_verify() == []


@pytest.mark.django_db
def test_a_catch_up_over_the_month_ends_posts_each_installment_on_its_own_date(
    due_on_the_31st: Contract,
) -> None:
    result = cob_run(as_of=date(2024, 5, 1), at=AT)

    assert result.dates[0] == date(2024, 1, 31)
    assert _fell_due_on(due_on_the_31st) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    state = _state(due_on_the_31st)
    assert (state.installments_due, state.installments_missed) == (4, 4)
    assert (state.oldest_unpaid_due_date, state.next_due_date) == (date(2024, 1, 31), date(2024, 5, 31))
    assert _days_past_due(due_on_the_31st, date(2024, 5, 1)) == 91


@pytest.mark.django_db
def test_a_loan_first_due_on_leap_day_falls_due_on_28_february_the_next_year() -> None:
    loan = _contract(origination_date=date(2024, 1, 29), first_due_date=date(2024, 2, 29))
    # The first close takes up the twelve installments from 29 February 2024 to 29 January 2025.
    cob_run(as_of=date(2025, 2, 27), at=AT)
    assert (_state(loan).installments_due, _state(loan).next_due_date) == (12, date(2025, 2, 28))

    cob_run(as_of=date(2025, 2, 28), at=AT)
    on_the_28th = _state(loan)
    cob_run(as_of=date(2025, 3, 1), at=AT)

    assert (on_the_28th.installments_due, on_the_28th.last_due_date) == (13, date(2025, 2, 28))
    assert on_the_28th.next_due_date == date(2025, 3, 29)
    assert _fell_due_on(loan)[0] == date(2024, 2, 29)
    assert _fell_due_on(loan)[-2:] == [date(2025, 1, 29), date(2025, 2, 28)]
    state = _state(loan)
    assert (state.installments_due, state.oldest_unpaid_due_date) == (13, date(2024, 2, 29))
    assert _days_past_due(loan, date(2025, 3, 1)) == 366


@pytest.mark.django_db
def test_a_daylight_saving_night_closes_like_any_other_and_records_utc() -> None:
    us_loan = _contract(first_due_date=date(2024, 2, 10))  # the second installment is due 10 March
    uk_loan = _contract(
        application=uk_pcp(origination_date=date(2024, 2, 29), first_due_date=date(2024, 3, 31))
    )
    cob_run(as_of=date(2024, 3, 9), at=datetime(2024, 3, 9, 23, 30, tzinfo=NEW_YORK))
    # New York springs forward at 2 a.m. on 10 March: the night's close runs at 23:30 EDT, 03:30 UTC.
    spring_forward_at = datetime(2024, 3, 10, 23, 30, tzinfo=NEW_YORK)

    cob_run(as_of=date(2024, 3, 10), at=spring_forward_at)
    cob_run(as_of=date(2024, 3, 11), at=datetime(2024, 3, 11, 23, 30, tzinfo=NEW_YORK))
    # London springs forward at 1 a.m. on 31 March: 23:30 BST is 22:30 UTC the same day.
    cob_run(as_of=date(2024, 3, 30), at=datetime(2024, 3, 30, 23, 30, tzinfo=LONDON))
    british_summer_at = datetime(2024, 3, 31, 23, 30, tzinfo=LONDON)
    cob_run(as_of=date(2024, 3, 31), at=british_summer_at)
    cob_run(as_of=date(2024, 4, 1), at=datetime(2024, 4, 1, 23, 30, tzinfo=LONDON))

    assert _fell_due_on(us_loan)[:2] == [date(2024, 2, 10), date(2024, 3, 10)]
    assert _fell_due_on(uk_loan) == [date(2024, 3, 31)]
    assert (_state(us_loan).last_due_date, _days_past_due(us_loan, date(2024, 3, 11))) == (
        date(2024, 3, 10),
        30,  # the February installment, unpaid, still sets the age
    )
    uk = _state(uk_loan)
    assert (uk.last_due_date, uk.oldest_unpaid_due_date, uk.bucket) == (
        date(2024, 3, 31),
        date(2024, 3, 31),
        "1-29",
    )
    assert _days_past_due(uk_loan, date(2024, 4, 1)) == 1
    posted = JournalEntry.objects.get(book__contract_id=us_loan.pk, effective_date=date(2024, 3, 10))
    assert posted.posted_at == datetime(2024, 3, 11, 3, 30, tzinfo=UTC)
    assert posted.posted_at.utcoffset() == timedelta(0)
    posted = JournalEntry.objects.get(book__contract_id=uk_loan.pk, effective_date=date(2024, 3, 31))
    assert posted.posted_at == datetime(2024, 3, 31, 22, 30, tzinfo=UTC)
    assert posted.posted_at.utcoffset() == timedelta(0)
    run = CobRun.objects.get(business_date=date(2024, 3, 10))
    assert (run.started_at, run.finished_at) == (spring_forward_at, spring_forward_at)
    assert run.started_at.utcoffset() == timedelta(0)


class _Rollback(Exception):
    pass


def _deferred_mid_arrears(close: object, loan: Contract) -> dict[str, object]:
    """Close nights to 5 March, defer the installments from 1 April by two months, close to 2 June.

    Nothing is paid, so the 1 February and 1 March installments are in arrears when the
    deferral is agreed. Everything is rolled back afterwards, so each close starts from the same book.
    """
    captured: dict[str, object] = {}
    nights: dict[date, tuple[object, ...]] = {}
    try:
        with transaction.atomic():
            day = date(2024, 1, 31)
            while day <= date(2024, 6, 2):
                if day == date(2024, 3, 6):
                    schedule_modify(
                        contract=loan,
                        kind="deferral",
                        from_installment=3,
                        periods=2,
                        effective_date=date(2024, 3, 6),
                        at=AT,
                    )
                close(day)  # type: ignore[operator]
                state = _state(loan)
                nights[day] = (
                    state.installments_due,
                    state.next_due_date,
                    state.arrears_minor,
                    state.oldest_unpaid_due_date,
                    state.bucket,
                )
                day += timedelta(days=1)
            captured = {
                "nights": nights,
                "fell_due_on": _fell_due_on(loan),
                "states": snapshots.states(),
                "transitions": snapshots.transitions(),
            }
            raise _Rollback
    except _Rollback:
        pass
    return captured


@pytest.mark.django_db
def test_a_deferral_mid_arrears_moves_the_next_installment_and_the_arrears_keep_ageing() -> None:
    loan = _contract()
    reference = reference_module()

    expected = _deferred_mid_arrears(lambda day: reference.reference_close(day, at=AT), loan)
    actual = _deferred_mid_arrears(lambda day: cob_run(as_of=day, at=AT), loan)

    nights = actual["nights"]
    two_owed = nights[date(2024, 3, 6)][2]
    # The old schedule's 1 April and 1 May come and go: nothing falls due, the arrears stay owed.
    assert nights[date(2024, 4, 1)] == (2, date(2024, 6, 1), two_owed, date(2024, 2, 1), "60-89")
    assert nights[date(2024, 5, 1)] == (2, date(2024, 6, 1), two_owed, date(2024, 2, 1), "90-119")
    assert nights[date(2024, 5, 31)][:2] == (2, date(2024, 6, 1))
    # The deferred installment falls due on its new date, on top of what was owed.
    installments_due, next_due, arrears, oldest, bucket = nights[date(2024, 6, 1)]
    assert (installments_due, next_due, oldest, bucket) == (3, date(2024, 7, 1), date(2024, 2, 1), "120-179")
    assert arrears > two_owed
    assert actual["fell_due_on"] == [date(2024, 2, 1), date(2024, 3, 1), date(2024, 6, 1)]
    assert actual["nights"] == expected["nights"]
    assert actual["states"] == expected["states"]
    assert actual["transitions"] == expected["transitions"]
