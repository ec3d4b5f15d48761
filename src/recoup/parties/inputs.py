"""What a caller gives to create or change a customer, and its checking.

Pure: no Django. Checking comes before any write, so an operation either writes all of
a customer or nothing, and an import can check a whole file before loading any of it.
Every refusal names its field ("family_name", "addresses[0].postal_code", "phones[1].number").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from recoup.parties.errors import InvalidAddress, InvalidEmail, InvalidParty, InvalidPhone
from recoup.parties.phones import phone_normalise
from recoup.parties.timezones import (
    UK_NATIONS,
    postal_code_normalise,
    region_normalise,
    uk_nation_for_postcode,
    zones_for_address,
)

PARTY_KINDS = ("individual", "business")
ADDRESS_PURPOSES = ("home", "mailing", "work", "garaging")
PHONE_KINDS = ("mobile", "home", "work")
COUNTRIES = ("US", "GB")

_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.][^@\s]*\.[^@\s.]+$")
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class AddressInput:
    line1: str
    city: str
    postal_code: str
    country: str
    region: str = ""
    line2: str = ""
    uk_nation: str = ""  # ENG, SCT, WLS or NIR; found from the postcode when not given
    purpose: str = "home"  # home, mailing, work, garaging
    is_primary: bool = True


@dataclass(frozen=True)
class PhoneInput:
    number: str
    kind: str = "mobile"  # mobile, home, work
    is_primary: bool = False


@dataclass(frozen=True)
class ValidAddress:
    """An address with its text trimmed, its codes normalised and its zones and nation derived."""

    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    uk_nation: str
    time_zones: str  # space separated, as stored
    purpose: str
    is_primary: bool


@dataclass(frozen=True)
class ValidPhone:
    e164: str
    kind: str
    is_primary: bool


@dataclass(frozen=True)
class ValidCustomer:
    kind: str
    given_name: str
    family_name: str
    business_name: str
    date_of_birth: date | None
    preferred_language: str
    addresses: tuple[ValidAddress, ...]
    phones: tuple[ValidPhone, ...]
    emails: tuple[str, ...]  # lower-cased, the primary first


def moment_check(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidParty("at: the moment must carry its time zone", field="at")


def text_clean(value: str, *, field: str, max_length: int, required: bool = False, what: str = "") -> str:
    """Spaces collapsed; refused when required and empty, or longer than `max_length`."""
    text = " ".join(value.split())
    if required and not text:
        raise InvalidParty(f"{field}: {what or field.replace('_', ' ')} is required", field=field)
    if len(text) > max_length:
        raise InvalidParty(f"{field}: at most {max_length} characters, {len(text)} given", field=field)
    return text


def address_validated(address: AddressInput, *, prefix: str = "") -> ValidAddress:
    """Check one address; fields are named under `prefix` ("addresses[0]" → "addresses[0].city")."""

    def name(attribute: str) -> str:
        return f"{prefix}.{attribute}" if prefix else attribute

    def text(attribute: str, value: str, max_length: int, *, required: bool = False) -> str:
        try:
            return text_clean(value, field=name(attribute), max_length=max_length, required=required)
        except InvalidParty as error:
            raise InvalidAddress(error.message, field=error.field) from None

    country = address.country.strip().upper()
    if country not in COUNTRIES:
        raise InvalidAddress(
            f"{name('country')}: {address.country!r} is not served (US or GB)", field=name("country")
        )
    purpose = address.purpose.strip().lower()
    if purpose not in ADDRESS_PURPOSES:
        raise InvalidAddress(
            f"{name('purpose')}: {address.purpose!r} is not one of {', '.join(ADDRESS_PURPOSES)}",
            field=name("purpose"),
        )
    line1 = text("line1", address.line1, 200, required=True)
    line2 = text("line2", address.line2, 200)
    city = text("city", address.city, 100, required=True)
    region = text(
        "region", region_normalise(country=country, region=address.region, field=name("region")), 100
    )
    postal_code = postal_code_normalise(
        country=country, postal_code=address.postal_code, field=name("postal_code")
    )
    uk_nation = address.uk_nation.strip().upper()
    if country == "GB":
        if not uk_nation:
            uk_nation = uk_nation_for_postcode(postal_code)
        elif uk_nation not in UK_NATIONS:
            raise InvalidAddress(
                f"{name('uk_nation')}: {address.uk_nation!r} is not one of {', '.join(UK_NATIONS)}",
                field=name("uk_nation"),
            )
    elif uk_nation:
        raise InvalidAddress(f"{name('uk_nation')}: only UK addresses have a nation", field=name("uk_nation"))
    zones = zones_for_address(country=country, region=region, postal_code=postal_code)
    return ValidAddress(
        line1=line1,
        line2=line2,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country,
        uk_nation=uk_nation,
        time_zones=" ".join(zones),
        purpose=purpose,
        is_primary=address.is_primary,
    )


def phone_kind_check(kind: str, *, field: str) -> str:
    text = kind.strip().lower()
    if text not in PHONE_KINDS:
        raise InvalidPhone(f"{field}: {kind!r} is not one of {', '.join(PHONE_KINDS)}", field=field)
    return text


def email_normalise(address: str, *, field: str) -> str:
    text = address.strip().lower()
    if not text:
        raise InvalidEmail(f"{field}: an email address is required", field=field)
    if len(text) > 254 or not _EMAIL.match(text):
        raise InvalidEmail(f"{field}: {address!r} is not an email address", field=field)
    return text


def _addresses_validated(addresses: Sequence[AddressInput]) -> tuple[ValidAddress, ...]:
    valid = tuple(address_validated(a, prefix=f"addresses[{i}]") for i, a in enumerate(addresses))
    primary_purposes: set[str] = set()
    for i, address in enumerate(valid):
        if address.is_primary:
            if address.purpose in primary_purposes:
                raise InvalidAddress(
                    f"addresses[{i}].is_primary: another {address.purpose} address is already primary",
                    field=f"addresses[{i}].is_primary",
                )
            primary_purposes.add(address.purpose)
    return valid


def _phones_validated(phones: Sequence[PhoneInput], *, country: str) -> tuple[ValidPhone, ...]:
    valid: list[ValidPhone] = []
    for i, phone in enumerate(phones):
        field = f"phones[{i}]"
        e164 = phone_normalise(phone.number, country=country, field=f"{field}.number")
        if any(seen.e164 == e164 for seen in valid):
            raise InvalidPhone(f"{field}.number: {phone.number!r} is given twice", field=f"{field}.number")
        kind = phone_kind_check(phone.kind, field=f"{field}.kind")
        if phone.is_primary and any(seen.is_primary for seen in valid):
            raise InvalidPhone(
                f"{field}.is_primary: only one phone can be primary", field=f"{field}.is_primary"
            )
        valid.append(ValidPhone(e164=e164, kind=kind, is_primary=phone.is_primary))
    return tuple(valid)


def _emails_validated(emails: Sequence[str]) -> tuple[str, ...]:
    valid: list[str] = []
    for i, email in enumerate(emails):
        address = email_normalise(email, field=f"emails[{i}]")
        if address in valid:
            raise InvalidEmail(f"emails[{i}]: {email!r} is given twice", field=f"emails[{i}]")
        valid.append(address)
    return tuple(valid)


def customer_validated(
    *,
    kind: str,
    given_name: str,
    family_name: str,
    business_name: str,
    date_of_birth: date | None,
    preferred_language: str,
    addresses: Sequence[AddressInput],
    phones: Sequence[PhoneInput],
    emails: Sequence[str],
    at: datetime,
) -> ValidCustomer:
    """Check a whole new customer; national phone numbers are read as the first address's country's.

    Raises InvalidParty, InvalidAddress, UnknownRegion, InvalidPostalCode, InvalidPhone,
    InvalidEmail, each naming its field.
    """
    moment_check(at)
    if kind not in PARTY_KINDS:
        raise InvalidParty(f"kind: {kind!r} is not individual or business", field="kind")
    given = text_clean(given_name, field="given_name", max_length=100)
    family = text_clean(family_name, field="family_name", max_length=100, required=kind == "individual")
    business = text_clean(
        business_name,
        field="business_name",
        max_length=200,
        required=kind == "business",
        what="a business name",
    )
    if date_of_birth is not None:
        if kind == "business":
            raise InvalidParty("date_of_birth: a business has no date of birth", field="date_of_birth")
        if date_of_birth > at.date():
            raise InvalidParty(
                f"date_of_birth: {date_of_birth.isoformat()} is in the future", field="date_of_birth"
            )
        if date_of_birth < _EARLIEST_BIRTH:
            raise InvalidParty(
                f"date_of_birth: {date_of_birth.isoformat()} is before {_EARLIEST_BIRTH.year}",
                field="date_of_birth",
            )
    language = preferred_language.strip()
    if not _LANGUAGE_TAG.match(language):
        raise InvalidParty(
            f"preferred_language: {preferred_language!r} is not a language tag such as en, es or cy",
            field="preferred_language",
        )
    valid_addresses = _addresses_validated(addresses)
    country = valid_addresses[0].country if valid_addresses else ""
    return ValidCustomer(
        kind=kind,
        given_name=given,
        family_name=family,
        business_name=business,
        date_of_birth=date_of_birth,
        preferred_language=language,
        addresses=valid_addresses,
        phones=_phones_validated(phones, country=country),
        emails=_emails_validated(emails),
    )
