"""Accounts for the inbox tests, booked through origination so that customers have their emails."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

from recoup.portfolio.operations import Booked
from recoup.portfolio.vin import vin_with_check_digit
from tests.integration.factories import book, uk_customer, uk_pcp, us_customer, us_loan

_vins = itertools.count(200_000)


def us_account(
    *, email: str = "maria.garcia@example.com", jurisdiction: str = "US-TX", **changes: Any
) -> Booked:
    application = us_loan(customer=us_customer(emails=(email,)), jurisdiction=jurisdiction, **changes)
    vehicle = dataclasses.replace(application.vehicle, vin=vin_with_check_digit(f"1HGCM826{next(_vins):08d}"))
    return book(dataclasses.replace(application, vehicle=vehicle))


def uk_account(*, email: str = "callum.reid@example.co.uk", jurisdiction: str = "GB-SCT") -> Booked:
    application = uk_pcp(customer=uk_customer(emails=(email,)), jurisdiction=jurisdiction)
    vehicle = dataclasses.replace(application.vehicle, vin=vin_with_check_digit(f"WVWZZZ1K{next(_vins):08d}"))
    return book(dataclasses.replace(application, vehicle=vehicle))
