"""Late fees on a weekly schedule, whose grace days outlast the period between installments.

A UK hire purchase agreement: £2,600 at 9.9 % over 52 weekly installments, first due Friday
5 April 2024; the product charges £12 (within the lender's £15 cost) on an installment still
unpaid 14 days after it fell due. By then two more installments have fallen due, so the one whose
grace ends is not the account's last installment due.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recoup.arrears.batch import steps
from recoup.arrears.batch.parts import WHOLE, Part
from recoup.arrears.late_fees import LATE_FEE_REASON
from recoup.arrears.models import ArrearsState, CobRun
from recoup.arrears.operations import cob_run
from recoup.kernel.money import Money
from recoup.ledger.models import JournalEntry, LedgerBook, Posting
from recoup.ledger.operations import fee_assess
from recoup.ledger.queries import receivable_totals
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import payment_apply

AT = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)


def _fees(contract: Contract) -> list[tuple[int | None, int]]:
    """(installment, amount) of each late fee charged, in the order charged."""
    return list(
        Posting.objects.filter(
            account__book__contract_id=contract.pk, account__code="fees_due", entry__reason_code="late_fee"
        )
        .order_by("entry_id")
        .values_list("installment", "amount_minor")
    )


def _fee_charged_by_hand(contract: Contract, idempotency_key: str) -> None:
    """Installment 1's late fee, charged account by account on the 19th."""
    fee_assess(
        book=LedgerBook.objects.get(contract_id=contract.pk),
        amount=Money(1200, "GBP"),
        reason_code=LATE_FEE_REASON,
        effective_date=date(2024, 4, 19),
        at=AT,
        idempotency_key=idempotency_key,
        installment=1,
    )


@pytest.mark.django_db
def test_each_unpaid_weekly_installment_is_charged_when_its_own_grace_ends(weekly: Contract) -> None:
    cob_run(as_of=date(2024, 4, 18), at=AT)
    assert _fees(weekly) == []  # installment 1's grace ends on the 19th

    cob_run(as_of=date(2024, 4, 19), at=AT)
    state = ArrearsState.objects.get(contract=weekly)
    assert state.installments_due == 3  # 5, 12 and 19 April
    assert _fees(weekly) == [(1, 1200)]

    cob_run(as_of=date(2024, 4, 26), at=AT)
    assert _fees(weekly) == [(1, 1200), (2, 1200)]


@pytest.mark.django_db
def test_a_weekly_installment_paid_within_its_grace_is_not_charged(weekly: Contract) -> None:
    cob_run(as_of=date(2024, 4, 5), at=AT)
    installment = ArrearsState.objects.get(contract=weekly).last_installment_minor
    payment_apply(
        account_number=weekly.account_number,
        amount=f"{installment / 100:.2f}",
        received_date=date(2024, 4, 10),
        reference="week 1",
        idempotency_key="week-1",
        at=AT,
    )

    cob_run(as_of=date(2024, 4, 26), at=AT)

    # Installment 1 was paid; 2 (due the 12th) is charged on the 26th, 3 not yet.
    assert _fees(weekly) == [(2, 1200)]


@pytest.mark.django_db
def test_a_second_run_of_the_same_date_charges_nothing_more(weekly: Contract) -> None:
    cob_run(as_of=date(2024, 4, 19), at=AT)
    cob_run(as_of=date(2024, 4, 19), at=AT)

    assert _fees(weekly) == [(1, 1200)]


@pytest.mark.django_db
def test_a_fee_already_charged_account_by_account_is_not_charged_again_nor_counted_twice(
    weekly: Contract,
) -> None:
    cob_run(as_of=date(2024, 4, 18), at=AT)
    _fee_charged_by_hand(weekly, f"arrears:{weekly.pk}:late-fee:1")

    cob_run(as_of=date(2024, 4, 19), at=AT)

    assert _fees(weekly) == [(1, 1200)]
    state = ArrearsState.objects.get(contract=weekly)
    assert state.receivable_minor == receivable_totals([weekly.pk])[weekly.pk].minor


@pytest.mark.django_db
def test_the_night_after_a_fee_does_not_work_the_account_out_again(weekly: Contract) -> None:
    cob_run(as_of=date(2024, 4, 19), at=AT)
    charged = CobRun.objects.get(business_date=date(2024, 4, 19)).summary

    cob_run(as_of=date(2024, 4, 20), at=AT)

    # The fee was posted after the refresh read the journal; the night's watermark moved past it.
    assert charged["arrears_refresh"]["watermark"] == JournalEntry.objects.latest("pk").pk
    assert CobRun.objects.get(business_date=date(2024, 4, 20)).summary["arrears_refresh"]["refreshed"] == 0
    state = ArrearsState.objects.get(contract=weekly)
    assert state.receivable_minor == receivable_totals([weekly.pk])[weekly.pk].minor


@pytest.mark.django_db
def test_an_entry_beside_the_fees_keeps_the_watermark_where_the_refresh_left_it(weekly: Contract) -> None:
    cob_run(as_of=date(2024, 4, 18), at=AT)
    worked_out_to = JournalEntry.objects.latest("pk").pk
    _fee_charged_by_hand(weekly, "a fee of the night")

    # One entry above the refresh's watermark: the night's own fee, or something else beside it.
    assert steps._watermark_past_fees(worked_out_to, 1, WHOLE) == {"watermark": worked_out_to + 1}
    assert steps._watermark_past_fees(worked_out_to, 0, WHOLE) == {}
    # In a part that does not hold the contract, the entry is another part's.
    assert steps._watermark_past_fees(worked_out_to, 0, Part(low=weekly.pk + 1)) == {
        "watermark": worked_out_to + 1
    }
    assert steps._watermark_past_fees(worked_out_to, 0, Part(high=weekly.pk + 1)) == {}
