"""Booking contracts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from recoup.kernel import clock
from recoup.kernel.plain import plain
from recoup.portfolio.applications import application_from_data
from recoup.portfolio.operations import contract_originate
from recoup.portfolio.quotes import Quote, schedule_plain

router = Router(tags=["contracts"])


class AddressIn(Schema):
    line1: str
    line2: str = ""
    city: str
    region: str = Field("", description="US state code; UK county (optional)")
    postal_code: str
    country: str = Field(..., pattern="^(US|GB)$")
    uk_nation: str = ""


class PhoneIn(Schema):
    number: str
    kind: str = "mobile"


class CustomerIn(Schema):
    kind: str = Field("individual", pattern="^(individual|business)$")
    given_name: str = ""
    family_name: str = ""
    business_name: str = ""
    date_of_birth: date | None = None
    preferred_language: str = "en"
    addresses: list[AddressIn] = Field(default_factory=list)
    phones: list[PhoneIn] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)


class VehicleIn(Schema):
    vin: str
    year: int
    make: str
    model: str
    trim: str = ""
    colour: str = ""
    registration: str = ""
    odometer: int | None = Field(None, ge=0)
    odometer_unit: str = Field("mi", pattern="^(mi|km)$")


class ContractIn(Schema):
    product: str = Field(..., description="product code, e.g. US-RIC, UK-PCP")
    currency: str | None = None
    jurisdiction: str = Field(..., description="US-TX, GB-SCT, …")
    customer: CustomerIn
    co_borrowers: list[CustomerIn] = Field(default_factory=list)
    guarantors: list[CustomerIn] = Field(default_factory=list)
    vehicle: VehicleIn
    cash_price: str
    deposit: str = "0"
    fees: str = "0"
    amount_financed: str
    apr: str = "0"
    money_factor: str | None = None
    term: int
    frequency: str = "monthly"
    origination_date: date
    first_due_date: date
    balloon: str = "0"
    mileage_allowance: int | None = None
    dealer_name: str = ""


@router.post("/contracts", response={201: dict[str, Any]}, summary="Book a contract")
def contract_book(request: HttpRequest, payload: ContractIn) -> Status[dict[str, Any]]:
    application = application_from_data(payload.dict(exclude_none=True))
    user = request.user if request.user.is_authenticated else None
    return Status(201, plain(contract_originate(application=application, at=clock.now(), created_by=user)))


class QuoteIn(Schema):
    principal: str = Field(..., description='amount financed (a lease\'s capitalised cost), e.g. "15000"')
    apr: str | None = Field(None, description='annual percentage rate, e.g. "8" (not for a lease)')
    term: int = Field(..., description="number of installments")
    start: str = Field(..., description="date interest runs from, YYYY-MM-DD")
    first_due: str = Field(..., description="first due date, YYYY-MM-DD")
    day_count: str = "30/360"
    rounding: str = "half-up"
    balloon: str = "0"
    frequency: str = "monthly"
    currency: str = "USD"
    lease: bool = False
    residual: str | None = None
    money_factor: str | None = None


@router.post("/schedules/quote", summary="Quote a schedule from terms (nothing is stored)")
def schedule_quote(request: HttpRequest, payload: QuoteIn) -> dict[str, Any]:
    quote = Quote.parse(**payload.dict())
    return schedule_plain(quote.build(), quote.currency)
