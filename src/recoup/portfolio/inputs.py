"""What a caller gives to book a contract. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recoup.parties.inputs import AddressInput, PhoneInput


@dataclass(frozen=True)
class CustomerInput:
    kind: str = "individual"
    given_name: str = ""
    family_name: str = ""
    business_name: str = ""
    date_of_birth: date | None = None
    preferred_language: str = "en"
    addresses: tuple[AddressInput, ...] = ()
    phones: tuple[PhoneInput, ...] = ()
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class VehicleInput:
    vin: str
    year: int
    make: str
    model: str
    trim: str = ""
    colour: str = ""
    registration: str = ""
    odometer: int | None = None
    odometer_unit: str = "mi"


@dataclass(frozen=True)
class Application:
    """A contract to book. Amounts are decimal text or Decimal in the product's currency, never float."""

    product_code: str
    customer: CustomerInput
    vehicle: VehicleInput
    jurisdiction: str
    cash_price: str | Decimal
    amount_financed: str | Decimal
    term: int
    origination_date: date
    first_due_date: date
    apr: str | Decimal = "0"
    deposit: str | Decimal = "0"
    fees: str | Decimal = "0"
    balloon: str | Decimal = "0"
    money_factor: str | Decimal | None = None
    frequency: str = "monthly"
    currency: str | None = None
    mileage_allowance: int | None = None
    dealer_name: str = ""
    co_borrowers: tuple[CustomerInput, ...] = ()
    guarantors: tuple[CustomerInput, ...] = ()
    account_number: str | None = None
