"""Reading a contract application from plain data (a JSON body or file) into an Application.

Pure: no Django. Shared by the API and `recoup contract book`, so both read the same shape and
name the same fields when something is missing or of the wrong type.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from recoup.kernel.errors import DomainError
from recoup.parties.inputs import AddressInput, PhoneInput
from recoup.portfolio.inputs import Application, CustomerInput, VehicleInput

CUSTOMER_TEXT = frozenset(
    "kind given_name family_name business_name date_of_birth preferred_language "
    "addresses phones emails".split()
)
VEHICLE_TEXT = frozenset("vin year make model trim colour registration odometer odometer_unit".split())
APPLICATION_TEXT = frozenset(
    "product currency jurisdiction customer co_borrowers guarantors vehicle cash_price deposit fees "
    "amount_financed apr money_factor balloon term frequency origination_date first_due_date "
    "mileage_allowance dealer_name account_number".split()
)


class InvalidApplicationData(DomainError):
    pass


def _refuse(field: str, message: str) -> InvalidApplicationData:
    return InvalidApplicationData(f"{field}: {message}", field=field)


def _text(
    data: Mapping[str, Any], name: str, prefix: str, *, required: bool = False, default: str = ""
) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise _refuse(prefix + name, "is required")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int):
        # Amounts arrive as decimal strings: a JSON number would pass through a float.
        raise _refuse(prefix + name, f"must be text, not {type(value).__name__}")
    return str(value)


def _whole(data: Mapping[str, Any], name: str, prefix: str, *, required: bool = False) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise _refuse(prefix + name, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _refuse(prefix + name, "must be a whole number")
    try:
        return int(value)
    except ValueError:
        raise _refuse(prefix + name, f"{value!r} is not a whole number") from None


def _day(data: Mapping[str, Any], name: str, prefix: str, *, required: bool = False) -> date | None:
    value = data.get(name)
    if value is None:
        if required:
            raise _refuse(prefix + name, "is required")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _refuse(prefix + name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _object(data: Mapping[str, Any], name: str, prefix: str) -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, Mapping):
        raise _refuse(prefix + name, "is required (an object)")
    return value


def _objects(data: Mapping[str, Any], name: str, prefix: str) -> list[Mapping[str, Any]]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise _refuse(prefix + name, "must be a list of objects")
    return value


def _unknown(data: Mapping[str, Any], known: frozenset[str], prefix: str) -> None:
    extra = sorted(set(data) - known)
    if extra:
        raise _refuse(prefix + extra[0], "is not a field of this object")


def customer_from_data(data: Mapping[str, Any], *, prefix: str = "customer.") -> CustomerInput:
    _unknown(data, CUSTOMER_TEXT, prefix)
    addresses = []
    for i, address in enumerate(_objects(data, "addresses", prefix)):
        at = f"{prefix}addresses[{i}]."
        addresses.append(
            AddressInput(
                line1=_text(address, "line1", at, required=True),
                line2=_text(address, "line2", at),
                city=_text(address, "city", at, required=True),
                region=_text(address, "region", at),
                postal_code=_text(address, "postal_code", at, required=True),
                country=_text(address, "country", at, required=True),
                uk_nation=_text(address, "uk_nation", at),
                purpose=_text(address, "purpose", at, default="home"),
                is_primary=i == 0,
            )
        )
    phones = tuple(
        PhoneInput(
            number=_text(phone, "number", f"{prefix}phones[{i}].", required=True),
            kind=_text(phone, "kind", f"{prefix}phones[{i}].", default="mobile"),
            is_primary=i == 0,
        )
        for i, phone in enumerate(_objects(data, "phones", prefix))
    )
    emails = data.get("emails") or []
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise _refuse(prefix + "emails", "must be a list of email addresses")
    return CustomerInput(
        kind=_text(data, "kind", prefix, default="individual"),
        given_name=_text(data, "given_name", prefix),
        family_name=_text(data, "family_name", prefix),
        business_name=_text(data, "business_name", prefix),
        date_of_birth=_day(data, "date_of_birth", prefix),
        preferred_language=_text(data, "preferred_language", prefix, default="en"),
        addresses=tuple(addresses),
        phones=phones,
        emails=tuple(emails),
    )


def application_from_data(data: Mapping[str, Any], *, prefix: str = "") -> Application:
    """An Application from plain data; raises InvalidApplicationData naming the field."""
    if not isinstance(data, Mapping):
        raise _refuse(prefix.rstrip(".") or "application", "must be an object")
    _unknown(data, APPLICATION_TEXT, prefix)
    vehicle = _object(data, "vehicle", prefix)
    _unknown(vehicle, VEHICLE_TEXT, prefix + "vehicle.")
    at = prefix + "vehicle."
    odometer = _whole(vehicle, "odometer", at)
    return Application(
        product_code=_text(data, "product", prefix, required=True),
        currency=data.get("currency") and _text(data, "currency", prefix),
        jurisdiction=_text(data, "jurisdiction", prefix, required=True),
        customer=customer_from_data(_object(data, "customer", prefix), prefix=prefix + "customer."),
        co_borrowers=tuple(
            customer_from_data(c, prefix=f"{prefix}co_borrowers[{i}].")
            for i, c in enumerate(_objects(data, "co_borrowers", prefix))
        ),
        guarantors=tuple(
            customer_from_data(c, prefix=f"{prefix}guarantors[{i}].")
            for i, c in enumerate(_objects(data, "guarantors", prefix))
        ),
        vehicle=VehicleInput(
            vin=_text(vehicle, "vin", at, required=True),
            year=_whole(vehicle, "year", at, required=True) or 0,
            make=_text(vehicle, "make", at, required=True),
            model=_text(vehicle, "model", at, required=True),
            trim=_text(vehicle, "trim", at),
            colour=_text(vehicle, "colour", at),
            registration=_text(vehicle, "registration", at),
            odometer=odometer,
            odometer_unit=_text(vehicle, "odometer_unit", at, default="mi"),
        ),
        cash_price=_text(data, "cash_price", prefix, required=True),
        deposit=_text(data, "deposit", prefix, default="0"),
        fees=_text(data, "fees", prefix, default="0"),
        amount_financed=_text(data, "amount_financed", prefix, required=True),
        apr=_text(data, "apr", prefix, default="0"),
        money_factor=data.get("money_factor") and _text(data, "money_factor", prefix),
        balloon=_text(data, "balloon", prefix, default="0"),
        term=_whole(data, "term", prefix, required=True) or 0,
        frequency=_text(data, "frequency", prefix, default="monthly"),
        origination_date=_day(data, "origination_date", prefix, required=True) or date.min,
        first_due_date=_day(data, "first_due_date", prefix, required=True) or date.min,
        mileage_allowance=_whole(data, "mileage_allowance", prefix),
        dealer_name=_text(data, "dealer_name", prefix),
        account_number=data.get("account_number") and _text(data, "account_number", prefix),
    )
