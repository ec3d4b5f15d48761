"""Booking contracts: checking an application whole, then writing customer, vehicle, contract,
schedule and the advance in the ledger in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from recoup.access.models import User
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money, currency_check
from recoup.kernel.numbers import luhn_digit
from recoup.ledger import operations as ledger
from recoup.ledger.waterfall import WaterfallPolicy
from recoup.parties.models import Party
from recoup.parties.operations import customer_create
from recoup.portfolio import schedule_versions
from recoup.portfolio.applications import application_from_data
from recoup.portfolio.errors import InvalidApplication
from recoup.portfolio.inputs import Application, CustomerInput
from recoup.portfolio.jurisdictions import jurisdiction_valid
from recoup.portfolio.models import (
    Contract,
    ContractParty,
    ContractRole,
    OdometerReading,
    Product,
    ProductKind,
    Vehicle,
)
from recoup.portfolio.operations.values import _money, _rate, _refuse
from recoup.portfolio.products import STANDARD_PRODUCTS
from recoup.portfolio.schedules import (
    Schedule,
    ScheduleError,
)
from recoup.portfolio.vin import registration_normalise, vin_validate

LEASE_KINDS = {ProductKind.US_LEASE, ProductKind.UK_CONTRACT_HIRE}
BALLOON_KINDS = {
    ProductKind.UK_PCP,
    ProductKind.US_LEASE,
    ProductKind.UK_CONTRACT_HIRE,
    ProductKind.US_RETAIL_INSTALLMENT,
}
# The longest text each column holds.
TEXT_LIMITS = {"make": 50, "model": 50, "trim": 50, "colour": 30, "dealer_name": 200}
# Names the schedule engine gives its inputs, as an application calls them.
SCHEDULE_FIELDS = {
    "principal": "amount_financed",
    "start": "origination_date",
    "first_due": "first_due_date",
    "residual": "balloon",
}


def products_install_standard() -> int:
    """Create the standard products that are missing; returns how many were created."""
    created = 0
    for definition in STANDARD_PRODUCTS:
        _, was_created = Product.objects.get_or_create(code=definition.code, defaults=vars(definition))
        created += was_created
    return created


# The first digit of an account number says where the account is serviced.
COUNTRY_DIGITS = {"US": "1", "GB": "2"}


def account_number_for(contract_id: int, *, country: str) -> str:
    """Ten digits: country digit, the contract's number, and a Luhn check digit."""
    base = f"{COUNTRY_DIGITS[country]}{contract_id:08d}"
    return base + luhn_digit(base)


@dataclass(frozen=True)
class _Checked:
    product: Product
    currency: str
    cash_price: Money
    deposit: Money
    fees: Money
    amount_financed: Money
    balloon: Money
    apr: Decimal
    money_factor: Decimal | None
    frequency: str
    vin: str
    registration: str
    schedule: Schedule
    version_terms: dict[str, object]


def _check(application: Application) -> _Checked:
    """Validate the whole application before anything is written."""
    product = Product.objects.filter(code=application.product_code).first()
    if product is None:
        raise _refuse("product", f"unknown product {application.product_code!r}")
    currency = product.currency
    if application.currency is not None:
        currency_check(application.currency, field="currency")
        if application.currency != product.currency:
            raise _refuse(
                "currency", f"{product.code} is booked in {product.currency}, not {application.currency}"
            )
    if not jurisdiction_valid(application.jurisdiction, country=product.country):
        raise _refuse(
            "jurisdiction", f"{application.jurisdiction!r} is not a jurisdiction of {product.country}"
        )

    cash_price = _money(application.cash_price, currency, "cash_price")
    deposit = _money(application.deposit, currency, "deposit")
    fees = _money(application.fees, currency, "fees")
    amount_financed = _money(application.amount_financed, currency, "amount_financed")
    balloon = _money(application.balloon, currency, "balloon")
    if not cash_price.is_positive():
        raise _refuse("cash_price", "must be more than zero")
    if deposit.minor < 0:
        raise _refuse("deposit", "must not be negative")
    if fees.minor < 0:
        raise _refuse("fees", "must not be negative")
    if not amount_financed.is_positive():
        raise _refuse("amount_financed", "must be more than zero")
    if amount_financed != cash_price - deposit + fees:
        raise _refuse(
            "amount_financed",
            f"{amount_financed} is not cash price {cash_price} less deposit {deposit} plus fees {fees}",
        )
    if balloon.minor < 0:
        raise _refuse("balloon", "must not be negative")
    if balloon.minor and product.kind not in BALLOON_KINDS:
        raise _refuse("balloon", f"{product.name} has no balloon")

    money_factor: Decimal | None = None
    if product.kind in LEASE_KINDS and application.money_factor is not None:
        money_factor = _rate(application.money_factor, "money_factor")
        apr = money_factor * 2400  # the industry's conversion of a money factor to an APR
        rate_field = "money_factor"
    else:
        apr = _rate(application.apr, "apr")
        rate_field = "apr"
    if not product.apr_min <= apr <= product.apr_max:
        raise _refuse(
            rate_field, f"APR {apr}% is outside {product.name}'s range {product.apr_min}%–{product.apr_max}%"
        )
    if application.term < 1:
        raise _refuse("term", "must be at least one installment")
    if not product.term_min <= application.term <= product.term_max:
        raise _refuse(
            "term",
            f"{application.term} is outside {product.name}'s range {product.term_min}–{product.term_max}",
        )
    if application.frequency not in product.frequencies.split():
        raise _refuse("frequency", f"{product.name} is not paid {application.frequency}")

    vin = vin_validate(application.vehicle.vin, field="vehicle.vin")
    registration = (
        registration_normalise(
            application.vehicle.registration, country=product.country, field="vehicle.registration"
        )
        if application.vehicle.registration
        else ""
    )
    year = application.vehicle.year
    if not 1981 <= year <= application.origination_date.year + 1:
        raise _refuse("vehicle.year", f"{year} is not a plausible model year")
    for name in ("make", "model"):
        if not getattr(application.vehicle, name).strip():
            raise _refuse(f"vehicle.{name}", "is required")
    for name, longest in TEXT_LIMITS.items():
        value = getattr(application.vehicle, name) if name != "dealer_name" else application.dealer_name
        if len(value.strip()) > longest:
            raise _refuse(
                name if name == "dealer_name" else f"vehicle.{name}", f"at most {longest} characters"
            )
    odometer = application.vehicle.odometer
    if odometer is not None and not 0 <= odometer < 10_000_000:
        raise _refuse("vehicle.odometer", f"{odometer} is not a plausible reading")
    if application.vehicle.odometer_unit not in ("mi", "km"):
        raise _refuse("vehicle.odometer_unit", "must be mi or km")
    held_by = (
        Contract.objects.filter(vehicle__vin=vin, status="active")
        .values_list("account_number", flat=True)
        .first()
    )
    if held_by:
        raise _refuse("vehicle.vin", f"{vin} is already financed on account {held_by}")

    version_terms: dict[str, object] = {
        "principal_minor": amount_financed.minor,
        "apr": apr,
        "installment_count": application.term,
        "start_date": application.origination_date,
        "first_due_date": application.first_due_date,
        "frequency": application.frequency,
        "day_count": product.day_count,
        "rounding": product.rounding,
        "balloon_minor": balloon.minor,
        "method": "lease" if money_factor is not None else "annuity",
        "money_factor": money_factor,
    }
    try:
        schedule = schedule_versions.segment_build(version_terms)
    except ScheduleError as error:
        name = SCHEDULE_FIELDS.get(error.field or "", error.field or "schedule")
        raise _refuse(name, str(error).split(": ", 1)[-1]) from None
    return _Checked(
        product=product,
        currency=currency,
        cash_price=cash_price,
        deposit=deposit,
        fees=fees,
        amount_financed=amount_financed,
        balloon=balloon,
        apr=apr,
        money_factor=money_factor,
        frequency=application.frequency,
        vin=vin,
        registration=registration,
        schedule=schedule,
        version_terms=version_terms,
    )


def _customer(customer: CustomerInput, *, at: datetime, created_by: User | None, prefix: str) -> Party:
    try:
        return customer_create(
            kind=customer.kind,
            given_name=customer.given_name,
            family_name=customer.family_name,
            business_name=customer.business_name,
            date_of_birth=customer.date_of_birth,
            preferred_language=customer.preferred_language,
            addresses=customer.addresses,
            phones=customer.phones,
            emails=customer.emails,
            at=at,
            created_by=created_by,
        )
    except DomainError as error:
        name = f"{prefix}.{error.field}" if error.field else prefix
        raise InvalidApplication(f"{prefix}.{error.message}", field=name) from None


@dataclass(frozen=True)
class Booked:
    contract_id: int
    account_number: str
    currency: str
    amount_financed: Money
    payment: Money
    installments: int
    first_due_date: date
    balloon: Money


def contract_originate(*, application: Application, at: datetime, created_by: User | None = None) -> Booked:
    """Book a new contract: customer, vehicle, contract, its first schedule and the advance in the ledger.

    Raises InvalidApplication (naming the field), and writes nothing when it does.
    """
    checked = _check(application)
    product = checked.product
    with transaction.atomic():
        customer = _customer(application.customer, at=at, created_by=created_by, prefix="customer")
        others = [
            (
                ContractRole.CO_BORROWER,
                _customer(c, at=at, created_by=created_by, prefix=f"co_borrowers[{i}]"),
            )
            for i, c in enumerate(application.co_borrowers)
        ] + [
            (ContractRole.GUARANTOR, _customer(c, at=at, created_by=created_by, prefix=f"guarantors[{i}]"))
            for i, c in enumerate(application.guarantors)
        ]
        vehicle_input = application.vehicle
        vehicle, _ = Vehicle.objects.update_or_create(
            vin=checked.vin,
            defaults={
                "year": vehicle_input.year,
                "make": vehicle_input.make.strip(),
                "model": vehicle_input.model.strip(),
                "trim": vehicle_input.trim.strip(),
                "colour": vehicle_input.colour.strip(),
                "registration": checked.registration,
            },
        )
        if vehicle_input.odometer is not None:
            OdometerReading.objects.create(
                vehicle=vehicle,
                reading=vehicle_input.odometer,
                unit=vehicle_input.odometer_unit,
                read_date=application.origination_date,
                source="origination",
            )
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    account_number=application.account_number or f"P{uuid.uuid4().hex[:16]}",
                    product=product,
                    customer=customer,
                    vehicle=vehicle,
                    currency=checked.currency,
                    country=product.country,
                    jurisdiction=application.jurisdiction,
                    cash_price_minor=checked.cash_price.minor,
                    deposit_minor=checked.deposit.minor,
                    fees_minor=checked.fees.minor,
                    amount_financed_minor=checked.amount_financed.minor,
                    apr=checked.apr,
                    money_factor=checked.money_factor,
                    term=application.term,
                    frequency=checked.frequency,
                    origination_date=application.origination_date,
                    first_due_date=application.first_due_date,
                    balloon_minor=checked.balloon.minor,
                    mileage_allowance=application.mileage_allowance,
                    dealer_name=application.dealer_name.strip(),
                    created_at=at,
                )
        except IntegrityError:
            raise _refuse("account_number", f"{application.account_number} is already taken") from None
        if not application.account_number:
            contract.account_number = account_number_for(contract.pk, country=product.country)
            contract.save(update_fields=["account_number"])
        ContractParty.objects.create(contract=contract, party=customer, role=ContractRole.BORROWER)
        ContractParty.objects.bulk_create(
            ContractParty(contract=contract, party=party, role=role) for role, party in others
        )
        schedule_versions.version_record(
            contract=contract,
            version=1,
            reason="origination",
            effective_date=application.origination_date,
            from_installment=1,
            terms=checked.version_terms,
            schedule=checked.schedule,
            at=at,
            created_by=created_by,
        )
        book = ledger.book_open(
            contract_id=contract.pk,
            currency=checked.currency,
            policy=WaterfallPolicy(
                order=tuple(product.waterfall_order.split()),
                by_installment=product.waterfall_by_installment,
                overpayment=product.overpayment,
            ),
            at=at,
        )
        ledger.contract_fund(
            book=book, amount=checked.amount_financed, effective_date=application.origination_date, at=at
        )
    return Booked(
        contract_id=contract.pk,
        account_number=contract.account_number,
        currency=checked.currency,
        amount_financed=checked.amount_financed,
        payment=Money(checked.schedule.payment_minor, checked.currency),
        installments=len(checked.schedule.installments),
        first_due_date=application.first_due_date,
        balloon=Money(checked.schedule.balloon_minor, checked.currency),
    )


def contracts_book(
    *, applications: Sequence[Mapping[str, Any]], at: datetime, created_by: User | None = None
) -> list[Booked]:
    """Book every application in plain data, all or none; a refusal names "[index].field"."""
    booked = []
    with transaction.atomic():
        for index, data in enumerate(applications):
            try:
                booked.append(
                    contract_originate(
                        application=application_from_data(data, prefix=f"[{index}]."),
                        at=at,
                        created_by=created_by,
                    )
                )
            except DomainError as error:
                if error.field and error.field.startswith(f"[{index}]"):
                    raise
                field = f"[{index}].{error.field}" if error.field else f"[{index}]"
                raise InvalidApplication(f"[{index}].{error.message}", field=field) from None
    return booked
