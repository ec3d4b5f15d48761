"""Reads for the portfolio: search, lists and the account in full, as plain dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from recoup.access.privacy import (
    PersonalField,
    address_masked,
    email_masked,
    may_reveal,
    phone_masked,
    seen_in_clear,
)
from recoup.kernel.money import Money
from recoup.ledger import queries as ledger
from recoup.parties import queries as parties
from recoup.portfolio import schedule_versions
from recoup.portfolio.errors import AccountNotFound, ScheduleVersionNotFound
from recoup.portfolio.models import Contract, ContractParty, Product, ProductKind, ScheduleVersion
from recoup.portfolio.schedules import Schedule

LOCALES = {"US": "en_US", "GB": "en_GB"}


@dataclass(frozen=True)
class AccountSummary:
    account_number: str
    customer_name: str
    country: str
    jurisdiction: str
    product_code: str
    product_name: str
    currency: str
    locale: str
    status: str
    balance: Money
    next_due_date: date | None
    next_due_amount: Money | None
    vehicle: str
    vin: str
    registration: str
    time_zones: tuple[str, ...]
    phones: tuple[str, ...]


@dataclass(frozen=True)
class ProductChoice:
    """A product a contract can be booked on, as a form offers it."""

    code: str
    name: str
    country: str
    currency: str
    frequencies: tuple[str, ...]


@dataclass(frozen=True)
class AddressLine:
    purpose: str
    lines: tuple[str, ...]
    time_zones: tuple[str, ...]
    is_primary: bool


@dataclass(frozen=True)
class PhoneLine:
    e164: str
    display: str
    kind: str
    do_not_call: bool


@dataclass(frozen=True)
class FlagLine:
    kind: str
    label: str
    detail: str
    set_date: date
    set_by: str
    cleared_date: date | None
    cleared_by: str
    active: bool


@dataclass(frozen=True)
class PartyLine:
    role: str
    name: str
    kind: str
    date_of_birth: date | None
    preferred_language: str
    addresses: tuple[AddressLine, ...]
    phones: tuple[PhoneLine, ...]
    emails: tuple[str, ...]
    flags: tuple[FlagLine, ...]
    time_zones: tuple[str, ...]
    party_id: int = 0
    masked: tuple[str, ...] = ()  # personal fields shown masked to the reader (access.privacy)
    revealable: tuple[str, ...] = ()  # of those, the ones the reader may reveal (audited)


@dataclass(frozen=True)
class OdometerLine:
    read_date: date
    reading: int
    unit: str


@dataclass(frozen=True)
class VehicleView:
    vin: str
    year: int
    make: str
    model: str
    trim: str
    colour: str
    registration: str
    odometer: tuple[OdometerLine, ...]


@dataclass(frozen=True)
class ContractView:
    product_name: str
    product_kind_label: str
    cash_price: Money
    deposit: Money
    fees: Money
    amount_financed: Money
    apr: Decimal
    money_factor: Decimal | None
    term: int
    frequency: str
    origination_date: date
    first_due_date: date
    balloon: Money
    mileage_allowance: int | None
    dealer_name: str
    jurisdiction: str
    status: str


@dataclass(frozen=True)
class InstallmentLine:
    number: int
    due_date: date
    payment: Money
    interest: Money
    principal: Money
    balance: Money
    is_due: bool


@dataclass(frozen=True)
class VersionLine:
    version: int
    reason: str
    effective_date: date
    created_at: datetime
    is_current: bool


@dataclass(frozen=True)
class ScheduleView:
    version: int
    reason: str
    effective_date: date
    payment: Money
    installments: tuple[InstallmentLine, ...]
    balloon: Money
    versions: tuple[VersionLine, ...]


@dataclass(frozen=True)
class PostingLine:
    code: str
    label: str
    amount: Money
    installment: int | None


@dataclass(frozen=True)
class EntryLine:
    effective_date: date
    posted_at: datetime
    reason_code: str
    memo: str
    postings: tuple[PostingLine, ...]
    reversed: bool
    is_reversal: bool


@dataclass(frozen=True)
class BalanceLine:
    code: str
    label: str
    amount: Money


@dataclass(frozen=True)
class AccountDetail:
    summary: AccountSummary
    parties: tuple[PartyLine, ...]
    vehicle: VehicleView
    contract: ContractView
    schedule: ScheduleView
    balances: tuple[BalanceLine, ...]
    ledger: tuple[EntryLine, ...]


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related("product", "customer", "vehicle").prefetch_related(
        "customer__phones", "customer__addresses", "schedule_versions"
    )


def _customer_name(contract: Contract) -> str:
    party = contract.customer
    if party.kind == "business":
        return party.business_name
    return f"{party.given_name} {party.family_name}".strip()


def _summaries(contracts: list[Contract]) -> list[AccountSummary]:
    return [summary for summary, _, _ in _summary_parts(contracts)]


def _summary_parts(contracts: list[Contract]) -> list[tuple[AccountSummary, Schedule, int]]:
    """Each account's summary with the current schedule and last installment due it was made from."""
    ids = [c.pk for c in contracts]
    receivables = ledger.receivable_totals(ids)
    last_due = ledger.last_installments_due(ids)
    rows: list[tuple[AccountSummary, Schedule, int]] = []
    for contract in contracts:
        schedule = schedule_versions.schedules_replay(list(contract.schedule_versions.all()))[-1]
        next_number = last_due.get(contract.pk, 0) + 1
        upcoming = [i for i in schedule.installments if i.number == next_number]
        zones = sorted(
            {
                z
                for a in contract.customer.addresses.all()
                if a.valid_to_date is None
                for z in a.time_zones.split()
            }
        )
        vehicle = contract.vehicle
        summary = AccountSummary(
            account_number=contract.account_number,
            customer_name=_customer_name(contract),
            country=contract.country,
            jurisdiction=contract.jurisdiction,
            product_code=contract.product.code,
            product_name=contract.product.name,
            currency=contract.currency,
            locale=LOCALES[contract.country],
            status=contract.status,
            balance=receivables.get(contract.pk, Money.zero(contract.currency)),
            next_due_date=upcoming[0].due_date if upcoming else None,
            next_due_amount=Money(upcoming[0].payment_minor, contract.currency) if upcoming else None,
            vehicle=f"{vehicle.year} {vehicle.make} {vehicle.model}",
            vin=vehicle.vin,
            registration=vehicle.registration,
            time_zones=tuple(zones),
            phones=tuple(p.e164 for p in contract.customer.phones.all()),
        )
        rows.append((summary, schedule, last_due.get(contract.pk, 0)))
    return rows


def product_choices() -> list[ProductChoice]:
    """Every product, the United States' first and then the United Kingdom's, each by name."""
    products = Product.objects.order_by("-country", "name")
    return [
        ProductChoice(p.code, p.name, p.country, p.currency, tuple(p.frequencies.split())) for p in products
    ]


def account_search(text: str, *, limit: int = 50) -> list[AccountSummary]:
    """Accounts by account number, customer name, phone, email, VIN or registration."""
    text = text.strip()
    if not text:
        return []
    compact = text.replace(" ", "").upper()
    condition = Q(account_number=compact) | Q(vehicle__vin=compact) | Q(vehicle__registration=compact)
    if len(compact) >= 4:
        condition |= Q(account_number__startswith=compact) | Q(vehicle__vin__endswith=compact)
    party_ids = parties.party_ids_matching(text, limit=limit)
    if party_ids:
        holders = ContractParty.objects.filter(party_id__in=party_ids).values("contract_id")
        condition |= Q(customer_id__in=party_ids) | Q(pk__in=holders)
    contracts = list(_contracts().filter(condition).order_by("account_number")[:limit])
    return _summaries(contracts)


def account_list(
    *, country: str | None = None, status: str | None = None, limit: int = 50
) -> list[AccountSummary]:
    contracts = _contracts().order_by("account_number")
    if country:
        contracts = contracts.filter(country=country)
    if status:
        contracts = contracts.filter(status=status)
    return _summaries(list(contracts[:limit]))


def _contract(account_number: str) -> Contract:
    contract = _contracts().filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    return contract


def _schedule_view(
    contract: Contract, rows: list[ScheduleVersion], schedule: Schedule, version: int, last_due: int
) -> ScheduleView:
    currency = contract.currency
    row = next(r for r in rows if r.version == version)
    current = max(r.version for r in rows)
    return ScheduleView(
        version=version,
        reason=row.reason,
        effective_date=row.effective_date,
        payment=Money(schedule.payment_minor, currency),
        installments=tuple(
            InstallmentLine(
                number=i.number,
                due_date=i.due_date,
                payment=Money(i.payment_minor, currency),
                interest=Money(i.interest_minor, currency),
                principal=Money(i.principal_minor, currency),
                balance=Money(i.balance_minor, currency),
                is_due=i.number <= last_due,
            )
            for i in schedule.installments
        ),
        balloon=Money(schedule.balloon_minor, currency),
        versions=tuple(
            VersionLine(r.version, r.reason, r.effective_date, r.created_at, r.version == current)
            for r in sorted(rows, key=lambda r: r.version)
        ),
    )


def schedule_version_view(account_number: str, version: int) -> ScheduleView:
    contract = _contract(account_number)
    rows = list(contract.schedule_versions.all())
    if version not in {r.version for r in rows}:
        raise ScheduleVersionNotFound(
            f"version: account {account_number} has no schedule version {version}", field="version"
        )
    schedules = schedule_versions.schedules_replay(rows)
    last_due = ledger.last_installments_due([contract.pk]).get(contract.pk, 0)
    return _schedule_view(contract, rows, schedules[version - 1], version, last_due)


def _party_line(role: str, view: parties.PartyView, party_id: int) -> PartyLine:
    return PartyLine(
        party_id=party_id,
        role=role,
        name=view.name,
        kind=view.kind,
        date_of_birth=view.date_of_birth,
        preferred_language=view.preferred_language,
        addresses=tuple(
            AddressLine(a.purpose, a.lines, a.time_zones, a.is_primary) for a in view.addresses if a.current
        ),
        phones=tuple(PhoneLine(p.e164, p.display, p.kind, p.do_not_call) for p in view.phones),
        emails=tuple(view.emails),
        flags=tuple(
            FlagLine(f.kind, f.label, f.detail, f.set_date, f.set_by, f.cleared_date, f.cleared_by, f.active)
            for f in view.flags
        ),
        time_zones=view.time_zones,
    )


def account_detail(account_number: str, *, viewer_role: str, history: bool = True) -> AccountDetail:
    """The account in full: parties, vehicle, contract, current schedule, balances and ledger history,
    with the personal data `viewer_role` may not see masked (access.privacy).

    `history` False leaves out the balances and ledger history (see account_ledger), for a page
    that loads them when they are looked at."""
    contract = _contract(account_number)
    summary, schedule, last_due = _summary_parts([contract])[0]
    if PersonalField.PHONES not in seen_in_clear(viewer_role):
        summary = dataclasses.replace(summary, phones=tuple(phone_masked(p) for p in summary.phones))
    holders = list(ContractParty.objects.filter(contract=contract).order_by("pk"))
    views = parties.party_views([h.party_id for h in holders])
    role_order = {"borrower": 0, "co_borrower": 1, "guarantor": 2}
    party_lines = tuple(
        privacy_applied(_party_line(h.get_role_display(), views[h.party_id], h.party_id), viewer_role)
        for h in sorted(holders, key=lambda h: role_order[h.role])
    )
    vehicle = contract.vehicle
    rows = list(contract.schedule_versions.all())
    currency = contract.currency
    return AccountDetail(
        summary=summary,
        parties=party_lines,
        vehicle=VehicleView(
            vin=vehicle.vin,
            year=vehicle.year,
            make=vehicle.make,
            model=vehicle.model,
            trim=vehicle.trim,
            colour=vehicle.colour,
            registration=vehicle.registration,
            odometer=tuple(
                OdometerLine(o.read_date, o.reading, o.unit)
                for o in vehicle.odometer_readings.order_by("read_date")
            ),
        ),
        contract=ContractView(
            product_name=contract.product.name,
            product_kind_label=ProductKind(contract.product.kind).label,
            cash_price=Money(contract.cash_price_minor, currency),
            deposit=Money(contract.deposit_minor, currency),
            fees=Money(contract.fees_minor, currency),
            amount_financed=Money(contract.amount_financed_minor, currency),
            apr=contract.apr,
            money_factor=contract.money_factor,
            term=contract.term,
            frequency=contract.frequency,
            origination_date=contract.origination_date,
            first_due_date=contract.first_due_date,
            balloon=Money(contract.balloon_minor, currency),
            mileage_allowance=contract.mileage_allowance,
            dealer_name=contract.dealer_name,
            jurisdiction=contract.jurisdiction,
            status=contract.get_status_display(),
        ),
        schedule=_schedule_view(contract, rows, schedule, max(r.version for r in rows), last_due),
        balances=_balance_lines(contract) if history else (),
        ledger=_entry_lines(contract) if history else (),
    )


def account_ledger(account_number: str) -> tuple[tuple[EntryLine, ...], tuple[BalanceLine, ...]]:
    """The account's ledger history (newest first) and its balances."""
    contract = _contract(account_number)
    return _entry_lines(contract), _balance_lines(contract)


def _balance_lines(contract: Contract) -> tuple[BalanceLine, ...]:
    return tuple(
        BalanceLine(code, ledger.ACCOUNT_LABELS.get(code, code), amount)
        for code, amount in ledger.book_balances(contract.pk).items()
    )


def _entry_lines(contract: Contract) -> tuple[EntryLine, ...]:
    return tuple(
        EntryLine(
            effective_date=e.effective_date,
            posted_at=e.posted_at,
            reason_code=e.reason_code,
            memo=e.memo,
            postings=tuple(
                PostingLine(p.code, ledger.ACCOUNT_LABELS.get(p.code, p.code), p.amount, p.installment)
                for p in e.postings
            ),
            reversed=e.reversed,
            is_reversal=e.is_reversal,
        )
        for e in ledger.ledger_history(contract.pk)
    )


def privacy_applied(party: PartyLine, viewer_role: str) -> PartyLine:
    """The party as `viewer_role` may see it: each personal field not seen in clear masked."""
    clear = seen_in_clear(viewer_role)
    hidden = [f for f in PersonalField if f not in clear]
    changes: dict[str, object] = {
        "masked": tuple(f.value for f in hidden),
        "revealable": tuple(f.value for f in hidden if may_reveal(viewer_role, f)),
    }
    if PersonalField.DATE_OF_BIRTH in hidden:
        changes["date_of_birth"] = None
    if PersonalField.PHONES in hidden:
        changes["phones"] = tuple(
            dataclasses.replace(p, e164="", display=phone_masked(p.display)) for p in party.phones
        )
    if PersonalField.EMAILS in hidden:
        changes["emails"] = tuple(email_masked(e) for e in party.emails)
    if PersonalField.ADDRESSES in hidden:
        changes["addresses"] = tuple(
            dataclasses.replace(a, lines=address_masked(a.lines)) for a in party.addresses
        )
    return dataclasses.replace(party, **changes)  # type: ignore[arg-type]


def account_summary(account_number: str) -> dict[str, object]:
    """One account at a glance, for the command line and the API: flat and plain."""
    contract = _contract(account_number)
    summary = _summaries([contract])[0]
    return {
        "account_number": summary.account_number,
        "customer_name": summary.customer_name,
        "country": summary.country,
        "jurisdiction": summary.jurisdiction,
        "time_zones": list(summary.time_zones),
        "phones": list(summary.phones),
        "product": summary.product_code,
        "product_name": summary.product_name,
        "currency": summary.currency,
        "status": summary.status,
        "balance": summary.balance,
        "balances": ledger.book_balances(contract.pk),
        "next_due_date": summary.next_due_date,
        "next_due_amount": summary.next_due_amount,
        "vehicle": summary.vehicle,
        "vin": summary.vin,
        "registration": summary.registration,
    }
