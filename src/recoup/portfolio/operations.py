"""Writes for the portfolio: products, contract origination, schedule modifications, installments due."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from recoup.access.models import User
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money, currency_check
from recoup.ledger import operations as ledger
from recoup.ledger import queries as ledger_queries
from recoup.ledger.waterfall import WaterfallPolicy
from recoup.parties.models import Party
from recoup.parties.operations import customer_create
from recoup.portfolio import schedule_versions
from recoup.portfolio.applications import application_from_data
from recoup.portfolio.errors import AccountNotFound, InvalidApplication, ModificationNotAllowed
from recoup.portfolio.inputs import Application, CustomerInput, VehicleInput
from recoup.portfolio.jurisdictions import jurisdiction_valid
from recoup.portfolio.models import (
    Contract,
    ContractParty,
    ContractRole,
    OdometerReading,
    Product,
    ProductKind,
    ScheduleVersion,
    Vehicle,
)
from recoup.portfolio.products import STANDARD_PRODUCTS
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleError,
    deferral_terms,
    due_date_change_terms,
    extension_terms,
    reamortisation_terms,
)
from recoup.portfolio.vin import registration_normalise, vin_validate

LEASE_KINDS = {ProductKind.US_LEASE, ProductKind.UK_CONTRACT_HIRE}
BALLOON_KINDS = {
    ProductKind.UK_PCP,
    ProductKind.US_LEASE,
    ProductKind.UK_CONTRACT_HIRE,
    ProductKind.US_RETAIL_INSTALLMENT,
}
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


def _refuse(field_name: str, message: str) -> InvalidApplication:
    return InvalidApplication(f"{field_name}: {message}", field=field_name)


def _money(value: str | Decimal, currency: str, field_name: str) -> Money:
    if isinstance(value, float):
        raise _refuse(field_name, "floats are not accepted for money")
    return Money.parse(str(value), currency, field=field_name)


def _rate(value: str | Decimal, field_name: str) -> Decimal:
    if isinstance(value, float):
        raise _refuse(field_name, "floats are not accepted for rates")
    try:
        rate = Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        raise _refuse(field_name, f"{value!r} is not a number") from None
    if not rate.is_finite():
        raise _refuse(field_name, f"{value!r} is not a number")
    return rate


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for a string of digits, so a mistyped account number is caught at once."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


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


MODIFICATION_KINDS = ("due_date_change", "deferral", "extension", "reamortisation")


def schedule_modify(
    *,
    contract: Contract,
    kind: str,
    from_installment: int,
    effective_date: date,
    at: datetime,
    created_by: User | None = None,
    new_first_due_date: date | None = None,
    periods: int | None = None,
    apr: Decimal | None = None,
    count: int | None = None,
    note: str = "",
) -> ScheduleVersion:
    """Change the schedule from an installment not yet due; the earlier versions stay as they were.

    Raises ModificationNotAllowed naming the field.
    """
    if kind not in MODIFICATION_KINDS:
        raise ModificationNotAllowed(f"kind: unknown modification {kind!r}", field="kind")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        current_row = locked.schedule_versions.order_by("-version").first()
        assert current_row is not None
        current = schedule_versions.version_schedule(locked)
        base = schedule_versions.terms_of(current_row)
        numbers = [i.number for i in current.installments]
        if from_installment not in numbers:
            raise ModificationNotAllowed(
                f"from_installment: {from_installment} is not an installment of this schedule",
                field="from_installment",
            )
        if current.installments[from_installment - 1].due_date < effective_date:
            raise ModificationNotAllowed(
                f"from_installment: installment {from_installment} fell due before {effective_date}",
                field="from_installment",
            )
        try:
            if kind == "due_date_change":
                if new_first_due_date is None:
                    raise ModificationNotAllowed(
                        "new_first_due_date: is required", field="new_first_due_date"
                    )
                terms = due_date_change_terms(
                    current, base, from_number=from_installment, new_first_due_date=new_first_due_date
                )
            elif kind == "deferral":
                terms = deferral_terms(
                    current, base, from_number=from_installment, periods=_positive(periods, "periods")
                )
            elif kind == "extension":
                terms = extension_terms(
                    current, base, from_number=from_installment, extra=_positive(periods, "periods")
                )
            else:
                terms = reamortisation_terms(
                    current, base, from_number=from_installment, apr=apr, count=count
                )
            version_terms = schedule_versions.terms_as_fields(terms)
            schedule = schedule_versions.segment_build(
                version_terms, previous=current, from_installment=from_installment
            )
        except ScheduleError as error:
            raise ModificationNotAllowed(str(error), field=error.field) from None
        return schedule_versions.version_record(
            contract=locked,
            version=current_row.version + 1,
            reason=kind,
            note=note,
            effective_date=effective_date,
            from_installment=from_installment,
            terms=version_terms,
            schedule=schedule,
            at=at,
            created_by=created_by,
        )


def _positive(value: int | None, name: str) -> int:
    if value is None or value < 1:
        raise ModificationNotAllowed(f"{name}: must be a whole number of at least 1", field=name)
    return value


def installments_fall_due(*, contract: Contract, as_of: date, at: datetime) -> int:
    """Post every installment of the current schedule due on or before `as_of`; returns how many are due.

    Idempotent: the ledger posts each installment once. The nightly close of business does the same
    set-based for a whole book; this serves a single account (demo data, corrections).
    """
    schedule = schedule_versions.version_schedule(contract)
    book = ledger.book_get(contract_id=contract.pk)
    due = [i for i in schedule.installments if i.due_date <= as_of]
    for installment in due:
        ledger.installment_fall_due(
            book=book,
            installment=installment.number,
            principal=Money(installment.principal_minor, contract.currency),
            interest=Money(installment.interest_minor, contract.currency),
            due_date=installment.due_date,
            at=at,
        )
    return len(due)


def payment_apply(
    *,
    account_number: str,
    amount: str | Decimal,
    received_date: date,
    reference: str,
    idempotency_key: str,
    at: datetime,
    currency: str | None = None,
    created_by: User | None = None,
) -> PaymentTaken:
    """Take money received for an account through the product's allocation waterfall.

    The same idempotency key with the same request returns the first receipt; with a different
    request it raises. Raises InvalidApplication naming the field for bad input.
    """
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    if currency is not None:
        currency_check(currency, field="currency")
        if currency != contract.currency:
            raise _refuse("currency", f"account {account_number} is in {contract.currency}, not {currency}")
    money = _money(amount, contract.currency, "amount")
    if not money.is_positive():
        raise _refuse("amount", "must be more than zero")
    if not idempotency_key.strip():
        raise _refuse("idempotency_key", "is required")
    receipt = ledger.receipt_allocate(
        book=ledger.book_get(contract_id=contract.pk),
        amount=money,
        received_date=received_date,
        at=at,
        reference=reference,
        idempotency_key=idempotency_key,
        created_by=created_by,
    )
    return PaymentTaken(
        receipt_id=receipt.pk,
        account_number=contract.account_number,
        amount=Money(receipt.amount_minor, receipt.currency),
        received_date=receipt.received_date,
        status=receipt.status,
        balance=ledger_queries.receivable_total(contract.pk),
    )


@dataclass(frozen=True)
class PaymentTaken:
    receipt_id: int
    account_number: str
    amount: Money
    received_date: date
    status: str
    balance: Money


@dataclass(frozen=True)
class AdjustmentLine:
    """One line of a manual entry as a person gives it: a ledger account code and a signed amount."""

    code: str
    amount: str | Decimal
    currency: str
    installment: int | None = None


@dataclass(frozen=True)
class Adjusted:
    entry_id: int
    account_number: str
    reason_code: str
    effective_date: date
    balance: Money


def journal_adjust(
    *,
    account_number: str,
    reason_code: str,
    lines: Sequence[AdjustmentLine],
    effective_date: date,
    idempotency_key: str,
    at: datetime,
    memo: str = "",
    created_by: User | None = None,
) -> Adjusted:
    """Post a balanced manual entry to an account's ledger (debits positive, credits negative).

    Raises a DomainError naming the field ("lines[1].currency", "lines[0].amount", "lines", …)
    and writes nothing when it does.
    """
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    ledger_lines = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        currency = currency_check(line.currency.strip().upper(), field=f"{where}.currency")
        ledger_lines.append(
            ledger.Line(
                code=line.code.strip(),
                amount=Money.parse(str(line.amount), currency, field=f"{where}.amount"),
                installment=line.installment,
            )
        )
    entry = ledger.entry_post(
        book=ledger.book_get(contract_id=contract.pk),
        idempotency_key=f"adjustment:{idempotency_key}",
        reason_code=reason_code,
        effective_date=effective_date,
        at=at,
        lines=ledger_lines,
        memo=memo,
        created_by=created_by,
    )
    return Adjusted(
        entry_id=entry.pk,
        account_number=contract.account_number,
        reason_code=entry.reason_code,
        effective_date=entry.effective_date,
        balance=ledger_queries.receivable_total(contract.pk),
    )


__all__ = [
    "Application",
    "CustomerInput",
    "Frequency",
    "VehicleInput",
    "contract_originate",
    "contracts_book",
    "installments_fall_due",
    "journal_adjust",
    "payment_apply",
    "products_install_standard",
    "schedule_modify",
]
