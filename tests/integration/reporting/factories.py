"""Rows the reports read, made directly: contracts without a ledger, bucket history, stored totals."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from recoup.arrears.models import AgedDebtTotal, ArrearsState, BucketTransition
from recoup.parties.models import Party
from recoup.portfolio.models import Contract, Product, Vehicle

AT = datetime(2024, 1, 1, 12, tzinfo=UTC)
_numbers = itertools.count(1)
ORDER = ["current", "1-29", "30-59", "60-89", "90-119", "120-179", "180+"]


def contract_make(
    *,
    product: str = "US-RIC",
    jurisdiction: str = "US-TX",
    originated: date = date(2024, 1, 1),
    receivable_minor: int | None = None,
) -> Contract:
    """A contract of `product`; with `receivable_minor`, also its arrears state after the last close."""
    n = next(_numbers)
    chosen = Product.objects.get(code=product)
    customer = Party.objects.create(
        kind="individual", family_name=f"Test{n}", search_name=f"test{n}", created_at=AT
    )
    vehicle = Vehicle.objects.create(vin=f"1HGCM8263{n:08d}", year=2023, make="Honda", model="Accord")
    contract = Contract.objects.create(
        account_number=f"9{n:09d}",
        product=chosen,
        customer=customer,
        vehicle=vehicle,
        currency=chosen.currency,
        country=chosen.country,
        jurisdiction=jurisdiction,
        cash_price_minor=15_000_00,
        amount_financed_minor=15_000_00,
        apr=Decimal("8"),
        term=60,
        frequency="monthly",
        origination_date=originated,
        first_due_date=date(originated.year + (originated.month == 12), originated.month % 12 + 1, 1),
        created_at=AT,
    )
    if receivable_minor is not None:
        ArrearsState.objects.create(
            contract=contract,
            currency=contract.currency,
            changed_date=originated,
            bucket_since_date=originated,
            receivable_minor=receivable_minor,
        )
    return contract


def transition_make(contract: Contract, on: date, from_bucket: str, to_bucket: str) -> BucketTransition:
    kind = (
        "cure"
        if to_bucket == "current"
        else ("roll_forward" if ORDER.index(to_bucket) > ORDER.index(from_bucket) else "roll_back")
    )
    return BucketTransition.objects.create(
        contract=contract,
        business_date=on,
        from_bucket=from_bucket,
        to_bucket=to_bucket,
        kind=kind,
        days_past_due=0,
        arrears_minor=0,
        receivable_minor=0,
    )


def total_make(
    on: date,
    bucket: str,
    accounts: int,
    balance_minor: int,
    arrears_minor: int = 0,
    *,
    product: str = "US-RIC",
    jurisdiction: str = "US-TX",
    currency: str = "USD",
) -> AgedDebtTotal:
    return AgedDebtTotal.objects.create(
        business_date=on,
        product_code=product,
        jurisdiction=jurisdiction,
        currency=currency,
        bucket=bucket,
        accounts=accounts,
        balance_minor=balance_minor,
        arrears_minor=arrears_minor,
    )
