"""Applications a test can book, with one thing changed at a time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from recoup.kernel import clock
from recoup.parties.operations import AddressInput, PhoneInput
from recoup.portfolio.operations import Application, CustomerInput, VehicleInput, contract_originate

AT = datetime(2024, 1, 1, 15, 0, tzinfo=UTC)


def us_customer(**changes: Any) -> CustomerInput:
    customer = CustomerInput(
        given_name="Maria",
        family_name="Garcia",
        date_of_birth=date(1985, 4, 12),
        addresses=(
            AddressInput(
                line1="12 Maple Ave", city="Houston", region="TX", postal_code="77002", country="US"
            ),
        ),
        phones=(PhoneInput(number="(713) 555-0142", is_primary=True),),
        emails=("maria.garcia@example.com",),
    )
    return dataclasses.replace(customer, **changes)


def uk_customer(**changes: Any) -> CustomerInput:
    customer = CustomerInput(
        given_name="Callum",
        family_name="Reid",
        addresses=(AddressInput(line1="4 High Street", city="Glasgow", postal_code="G1 1XQ", country="GB"),),
        phones=(PhoneInput(number="0141 496 0123", kind="home", is_primary=True),),
        emails=("callum.reid@example.co.uk",),
    )
    return dataclasses.replace(customer, **changes)


def us_loan(**changes: Any) -> Application:
    application = Application(
        product_code="US-RIC",
        customer=us_customer(),
        vehicle=VehicleInput(
            vin="1HGCM82633A004352", year=2023, make="Honda", model="Accord", registration="ABC1234"
        ),
        jurisdiction="US-TX",
        cash_price=Decimal("15000"),
        amount_financed=Decimal("15000"),
        apr=Decimal("8"),
        term=60,
        origination_date=date(2024, 1, 1),
        first_due_date=date(2024, 2, 1),
    )
    return dataclasses.replace(application, **changes)


def uk_pcp(**changes: Any) -> Application:
    application = Application(
        product_code="UK-PCP",
        customer=uk_customer(),
        vehicle=VehicleInput(
            vin="WVWZZZ1KZAW123456", year=2024, make="Volkswagen", model="Golf", registration="SV24 ABC"
        ),
        jurisdiction="GB-SCT",
        cash_price="24000.00",
        deposit="2400.00",
        amount_financed="21600.00",
        balloon="9000.00",
        apr="7.9",
        term=48,
        origination_date=date(2024, 3, 15),
        first_due_date=date(2024, 4, 15),
    )
    return dataclasses.replace(application, **changes)


def book(application: Application | None = None, **changes: Any):  # type: ignore[no-untyped-def]
    return contract_originate(application=application or us_loan(**changes), at=AT)


def daytime_clock(monkeypatch: Any) -> None:
    """Move the interfaces' clock to 17:00 UTC today, still ticking: daytime in every US and UK time
    zone, where the contact gate allows emails and calls (at night in the customer's zone it does
    not, and a test reading the real clock would pass or fail with the hour it runs at)."""
    real = clock.now
    offset = real().replace(hour=17, minute=0, second=0, microsecond=0) - real()
    monkeypatch.setattr(clock, "now", lambda: real() + offset)
