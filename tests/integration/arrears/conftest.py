"""Fixtures shared by the arrears worked examples."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from recoup.arrears.operations import cob_run
from recoup.portfolio.models import Contract
from tests.integration.factories import book, uk_pcp

AT = datetime(2024, 3, 1, 23, 0, tzinfo=UTC)


@pytest.fixture
def weekly() -> Contract:
    """A UK hire purchase agreement: £2,600 at 9.9 % over 52 weekly installments, first due Friday
    5 April 2024, its product charging £12 on an installment unpaid 14 days after it fell due;
    closed up to the day before the first installment."""
    booked = book(
        uk_pcp(
            product_code="UK-HP",
            cash_price="2600.00",
            deposit="0",
            amount_financed="2600.00",
            balloon="0",
            apr="9.9",
            term=52,
            frequency="weekly",
            origination_date=date(2024, 3, 29),
            first_due_date=date(2024, 4, 5),
        )
    )
    contract = Contract.objects.get(pk=booked.contract_id)
    cob_run(as_of=date(2024, 4, 4), at=AT)
    return contract
