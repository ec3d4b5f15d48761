"""The merge context: what a template may say about an account, built for many accounts at once.

A handful of queries however many accounts (contracts, customers, balances, arrears state, current
schedule versions), so that a letter run over thousands of accounts costs a few scans, not a
query per letter. Values are plain strings, formatted for the customer's country.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max

from recoup.arrears.models import ArrearsState
from recoup.comms.formats import date_text, locale_of, money_text
from recoup.comms.lender import lender_for
from recoup.kernel.money import Money
from recoup.ledger import queries as ledger
from recoup.parties import queries as parties
from recoup.portfolio.models import Contract, ScheduleVersion


@dataclass(frozen=True)
class AccountFacts:
    """One account as comms sends to it: where to, and the merge fields' values."""

    contract_id: int
    account_number: str
    party_id: int
    country: str
    locale: str
    language: str  # the customer's preferred language, for choosing a template's wording
    email: str  # the primary email, or ""
    mobile: str  # the first mobile number in E.164, or ""
    postal_address: tuple[str, ...]  # the mailing address if current, else the primary home one
    values: dict[str, str]


def account_facts(contract_ids: Iterable[int], *, at: datetime) -> dict[int, AccountFacts]:
    """Facts for each contract that exists, keyed by contract id (unknown ids are left out)."""
    ids = sorted(set(contract_ids))
    contracts = list(
        Contract.objects.filter(pk__in=ids)
        .select_related("vehicle")
        .only("pk", "account_number", "customer_id", "country", "currency", "first_due_date", "vehicle")
    )
    views = parties.party_views(c.customer_id for c in contracts)
    balances = ledger.receivable_totals(ids)
    states: dict[int, dict[str, Any]] = {
        row["contract_id"]: dict(row)
        for row in ArrearsState.objects.filter(contract_id__in=ids).values(
            "contract_id",
            "arrears_minor",
            "next_due_date",
            "oldest_unpaid_due_date",
            "installments_missed",
        )
    }
    latest = (
        ScheduleVersion.objects.filter(contract_id__in=ids)
        .values("contract_id")
        .annotate(version=Max("version"))
        .values_list("contract_id", "version")
    )
    wanted = {(contract_id, version) for contract_id, version in latest}
    payments = {
        row[0]: row[2]
        for row in ScheduleVersion.objects.filter(contract_id__in=ids).values_list(
            "contract_id", "version", "payment_minor"
        )
        if (row[0], row[1]) in wanted
    }
    facts: dict[int, AccountFacts] = {}
    for contract in contracts:
        party = views[contract.customer_id]
        locale = locale_of(contract.country)
        lender = lender_for(contract.country)
        state = states.get(contract.pk, {})
        zone = ZoneInfo(party.time_zones[0]) if party.time_zones else UTC
        current = party.current_addresses
        postal = next((a for a in current if a.purpose == "mailing"), None) or next(
            (a for a in current if a.purpose == "home" and a.is_primary), None
        )
        postal = postal or (current[0] if current else None)
        mobile = next((p.e164 for p in party.phones if p.kind == "mobile"), "")
        currency = contract.currency

        def amount(minor: int, currency: str = currency, locale: str = locale) -> str:
            return money_text(Money(minor, currency), locale=locale)

        vehicle = contract.vehicle
        values = {
            "customer_name": party.name,
            "customer_given_name": party.given_name or party.name,
            "customer_family_name": party.family_name,
            "customer_address": "\n".join(postal.lines) if postal else "",
            "customer_email": party.emails[0] if party.emails else "",
            "customer_phone": party.phones[0].display if party.phones else "",
            "account_number": contract.account_number,
            "vehicle": f"{vehicle.year} {vehicle.make} {vehicle.model}",
            "registration": vehicle.registration,
            "currency": currency,
            "arrears": amount(state.get("arrears_minor", 0)),
            "balance": amount(balances.get(contract.pk, Money.zero(currency)).minor),
            "installment": amount(payments.get(contract.pk, 0)),
            "next_due_date": date_text(state.get("next_due_date") or contract.first_due_date, locale=locale),
            "oldest_unpaid_due_date": date_text(state.get("oldest_unpaid_due_date"), locale=locale),
            "installments_missed": str(state.get("installments_missed", 0)),
            "lender_name": lender.name,
            "lender_address": "\n".join(lender.address),
            "lender_phone": lender.phone,
            "lender_email": lender.email,
            "lender_registration": "\n".join(lender.registration),
            "today": date_text(at.astimezone(zone).date(), locale=locale),
        }
        facts[contract.pk] = AccountFacts(
            contract_id=contract.pk,
            account_number=contract.account_number,
            party_id=party.id,
            country=contract.country,
            locale=locale,
            language=party.preferred_language or "en",
            email=party.emails[0] if party.emails else "",
            mobile=mobile,
            postal_address=postal.lines if postal else (),
            values=values,
        )
    return facts
