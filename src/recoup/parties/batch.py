"""Customers in bulk: many parties with one home address, phone and email each, written as rows.

What `customer_create` derives for one customer is derived here the same way (search names,
time zones and UK nations, postcodes written properly, reversed phone digits), once per
distinct value rather than once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from recoup.bulk import BulkLoader
from recoup.parties.models import Address, Email, Party, Phone
from recoup.parties.names import search_name
from recoup.parties.timezones import postal_code_normalise, uk_nation_for_postcode, zones_for_address


@dataclass(frozen=True)
class Customers:
    """Columns of new customers, one entry per customer."""

    kind: Sequence[str]
    given_name: Sequence[str]
    family_name: Sequence[str]
    business_name: Sequence[str]
    date_of_birth: Sequence[str | None]  # ISO dates
    created_at: Sequence[str]  # as the loader's database writes a moment
    line1: Sequence[str]
    city: Sequence[str]
    region: Sequence[str]
    postal_code: Sequence[str]
    country: Sequence[str]
    phone_e164: Sequence[str]
    phone_kind: Sequence[str]
    email: Sequence[str]

    def __len__(self) -> int:
        return len(self.kind)


@cache
def _search_name(kind: str, given: str, family: str, business: str) -> str:
    return search_name(kind=kind, given_name=given, family_name=family, business_name=business)


@cache
def _place(country: str, region: str, postal_code: str) -> tuple[str, str, str]:
    """(postal code written properly, UK nation, time zones) of a place."""
    postal = postal_code_normalise(country=country, postal_code=postal_code)
    nation = uk_nation_for_postcode(postal) if country == "GB" else ""
    zones = " ".join(zones_for_address(country=country, region=region, postal_code=postal))
    return postal, nation, zones


def customers_write(loader: BulkLoader, customers: Customers) -> range:
    """Write the customers with their address, phone and email; returns their party ids in order."""
    n = len(customers)
    ids = loader.ids(Party._meta.db_table, n)
    loader.insert(
        Party._meta.db_table,
        {
            "id": ids,
            "kind": customers.kind,
            "given_name": customers.given_name,
            "family_name": customers.family_name,
            "business_name": customers.business_name,
            "date_of_birth": customers.date_of_birth,
            "preferred_language": "en",
            "search_name": [
                _search_name(*names)
                for names in zip(
                    customers.kind,
                    customers.given_name,
                    customers.family_name,
                    customers.business_name,
                    strict=True,
                )
            ],
            "created_at": customers.created_at,
        },
    )
    places = [
        _place(country, region, postal)
        for country, region, postal in zip(
            customers.country, customers.region, customers.postal_code, strict=True
        )
    ]
    postal, nation, zones = zip(*places, strict=True) if places else ((), (), ())
    loader.insert(
        Address._meta.db_table,
        {
            "id": loader.ids(Address._meta.db_table, n),
            "party_id": ids,
            "purpose": "home",
            "line1": customers.line1,
            "line2": "",
            "city": customers.city,
            "region": customers.region,
            "postal_code": postal,
            "country": customers.country,
            "uk_nation": nation,
            "time_zones": zones,
            "is_primary": True,
        },
    )
    loader.insert(
        Phone._meta.db_table,
        {
            "id": loader.ids(Phone._meta.db_table, n),
            "party_id": ids,
            "e164": customers.phone_e164,
            "digits_reversed": [e164[:0:-1] for e164 in customers.phone_e164],
            "kind": customers.phone_kind,
            "is_primary": True,
            "do_not_call": False,
        },
    )
    loader.insert(
        Email._meta.db_table,
        {
            "id": loader.ids(Email._meta.db_table, n),
            "party_id": ids,
            "address": customers.email,
            "is_primary": True,
        },
    )
    return ids


def customer_tables() -> tuple[str, ...]:
    """The tables customers_write fills."""
    return tuple(m._meta.db_table for m in (Party, Address, Phone, Email))
