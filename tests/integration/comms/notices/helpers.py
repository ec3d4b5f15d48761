"""Accounts in the states the notices' rules read: booked loans with their arrears state set."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

from recoup.arrears.models import ArrearsState
from recoup.parties.operations import AddressInput
from recoup.portfolio.vin import vin_with_check_digit
from tests.integration.factories import book as book_one
from tests.integration.factories import uk_customer, uk_pcp, us_customer, us_loan

_vins = itertools.count(200_000)

ADDRESSES = {
    "US-KS": AddressInput(line1="9 Elm St", city="Wichita", region="KS", postal_code="67202", country="US"),
    "US-MA": AddressInput(line1="3 Beacon St", city="Boston", region="MA", postal_code="02108", country="US"),
    "US-CA": AddressInput(line1="5 Pine St", city="Fresno", region="CA", postal_code="93721", country="US"),
    "US-TX": AddressInput(line1="1 Main St", city="Houston", region="TX", postal_code="77002", country="US"),
    "GB-SCT": AddressInput(line1="4 High Street", city="Glasgow", postal_code="G1 1XQ", country="GB"),
    "GB-ENG": AddressInput(line1="8 Park Row", city="Leeds", postal_code="LS1 5HD", country="GB"),
}


def account(jurisdiction: str):
    """A loan booked in `jurisdiction` (US retail installment, or UK PCP), on a vehicle of its own."""
    if jurisdiction.startswith("US-"):
        application = us_loan(
            jurisdiction=jurisdiction, customer=us_customer(addresses=(ADDRESSES[jurisdiction],))
        )
    else:
        application = uk_pcp(
            jurisdiction=jurisdiction, customer=uk_customer(addresses=(ADDRESSES[jurisdiction],))
        )
    vin = vin_with_check_digit(f"1HGCM826{next(_vins):08d}")
    vehicle = dataclasses.replace(application.vehicle, vin=vin)
    return book_one(dataclasses.replace(application, vehicle=vehicle))


def in_arrears(
    booked,
    *,
    oldest_unpaid: date | None,
    arrears_minor: int,
    installment_minor: int = 30_000,
    installments_due: int = 3,
    frequency: str = "monthly",
    on: date | None = None,
) -> None:
    """Set the account's arrears state as the close of business would have left it: changed on `on`,
    by default the day the oldest unpaid payment fell due (the first day of 2026 for none)."""
    on = on or oldest_unpaid or date(2026, 1, 1)
    jurisdiction = booked_jurisdiction(booked)
    ArrearsState.objects.update_or_create(
        contract_id=booked.contract_id,
        defaults={
            "currency": booked.currency,
            "changed_date": on,
            "installments_due": installments_due,
            "due_to_date_minor": installments_due * installment_minor,
            "paid_to_date_minor": installments_due * installment_minor - arrears_minor,
            "arrears_minor": arrears_minor,
            "oldest_unpaid_due_date": oldest_unpaid,
            "installments_missed": arrears_minor // installment_minor if installment_minor else 0,
            "bucket": "1-29" if arrears_minor else "current",
            "bucket_since_date": on,
            "last_installment_minor": installment_minor,
            "frequency": frequency,
            "jurisdiction": jurisdiction,
        },
    )


def booked_jurisdiction(booked) -> str:
    from recoup.portfolio.models import Contract

    return Contract.objects.values_list("jurisdiction", flat=True).get(pk=booked.contract_id)
