"""Breathing Space in the close of business: no late fees, and no interest for the days frozen.

The weekly UK hire purchase agreement of the late-fee examples: £2,600 at 9.9 % over 52 weekly
installments, first due Friday 5 April 2024, £12 charged on an installment unpaid 14 days after it
fell due. The customer enters a standard Breathing Space on Wednesday 10 April 2024 and nothing is
paid. Installment 2 (period 6–12 April) has 3 of its 7 days in Breathing Space (10, 11, 12 April);
installment 3 (13–19 April) has all 7.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recoup.arrears.batch.breathing_space import INTEREST_FROZEN_REASON
from recoup.arrears.models import ArrearsState
from recoup.arrears.operations import cob_run
from recoup.ledger.models import Posting
from recoup.parties.models import PartyFlag
from recoup.parties.operations import party_flag_clear, party_flag_set
from recoup.portfolio.models import Contract

AT = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)
SET_AT = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)


def _amounts(contract: Contract, reason: str, code: str) -> dict[int | None, int]:
    return dict(
        Posting.objects.filter(
            account__book__contract_id=contract.pk, account__code=code, entry__reason_code=reason
        ).values_list("installment", "amount_minor")
    )


def _breathing_space(contract: Contract) -> PartyFlag:
    return party_flag_set(
        party=contract.customer,
        kind="breathing_space",
        detail="standard",
        set_date=date(2024, 4, 10),
        at=SET_AT,
        set_by=None,
    )


def _half_even(numerator: int, denominator: int) -> int:
    quotient, rest = divmod(numerator, denominator)
    return quotient + (1 if rest * 2 > denominator or (rest * 2 == denominator and quotient % 2) else 0)


@pytest.mark.django_db
def test_no_late_fee_is_charged_while_the_customer_is_in_breathing_space(weekly: Contract) -> None:
    _breathing_space(weekly)

    cob_run(as_of=date(2024, 4, 26), at=AT)

    assert _amounts(weekly, "late_fee", "fees_due") == {}


@pytest.mark.django_db
def test_the_interest_of_the_days_in_breathing_space_is_taken_off_each_installment(weekly: Contract) -> None:
    _breathing_space(weekly)

    cob_run(as_of=date(2024, 4, 19), at=AT)

    billed = _amounts(weekly, "installment_fell_due", "interest_due")
    frozen = _amounts(weekly, INTEREST_FROZEN_REASON, "interest_due")
    assert frozen == {2: -_half_even(billed[2] * 3, 7), 3: -billed[3]}
    state = ArrearsState.objects.get(contract=weekly)
    principal = _amounts(weekly, "installment_fell_due", "principal_due")
    assert state.arrears_minor == sum(principal.values()) + sum(billed.values()) + sum(frozen.values())


@pytest.mark.django_db
def test_fees_and_interest_resume_the_day_breathing_space_ends(weekly: Contract) -> None:
    flag = _breathing_space(weekly)
    cob_run(as_of=date(2024, 4, 19), at=AT)
    party_flag_clear(flag=flag, cleared_date=date(2024, 4, 20), at=SET_AT, cleared_by=None)

    cob_run(as_of=date(2024, 4, 26), at=AT)

    # Installment 2's grace ends on the 26th, after the moratorium: charged; 4 (20–26 April) has
    # no day in Breathing Space, so none of its interest is frozen.
    assert _amounts(weekly, "late_fee", "fees_due") == {2: 1200}
    assert 4 not in _amounts(weekly, INTEREST_FROZEN_REASON, "interest_due")


@pytest.mark.django_db
def test_a_second_close_of_the_same_dates_freezes_nothing_twice(weekly: Contract) -> None:
    _breathing_space(weekly)
    cob_run(as_of=date(2024, 4, 19), at=AT)
    before = Posting.objects.filter(entry__reason_code=INTEREST_FROZEN_REASON).count()

    cob_run(as_of=date(2024, 4, 19), at=AT)

    assert Posting.objects.filter(entry__reason_code=INTEREST_FROZEN_REASON).count() == before == 4
