"""A realistic demo book: US and UK customers, loans and leases, vehicles with valid VINs, and
payment histories in which a realistic share of accounts fall into arrears. Same seed, same book."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.db import transaction

from recoup.access.authority import authority_defaults_ensure
from recoup.access.models import Role, User
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.parties.operations import AddressInput, PhoneInput, party_flag_set
from recoup.portfolio import demo_data as words
from recoup.portfolio import schedule_versions
from recoup.portfolio.demo_data import PROFILES
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import (
    Application,
    CustomerInput,
    VehicleInput,
    contract_originate,
    products_install_standard,
)
from recoup.portfolio.vin import vin_with_check_digit

DEMO_PASSWORD = "recoup-demo"  # noqa: S105 - printed for the demo, never used outside it
DEMO_USERS = (
    ("agent", Role.AGENT, "Alex", "Agent"),
    ("leader", Role.TEAM_LEADER, "Taylor", "Leader"),
    ("credit", Role.HEAD_OF_CREDIT, "Casey", "Credit"),
    ("remarketing", Role.REMARKETING, "Riley", "Remarketing"),
    ("auditor", Role.AUDITOR, "Avery", "Auditor"),
    ("admin", Role.ADMINISTRATOR, "Ari", "Admin"),
)
T = TypeVar("T")
Place = tuple[Any, ...]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    us_accounts: int
    uk_accounts: int
    receipts: int
    returned: int
    already_loaded: bool = False


def demo_users_ensure() -> list[tuple[str, str, str]]:
    """Create the demo sign-ins that are missing; returns (username, password, role) for each."""
    for username, role, first, last in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                first_name=first,
                last_name=last,
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
    return [(username, DEMO_PASSWORD, str(role.label)) for username, role, _, _ in DEMO_USERS]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


class _Book:
    """Draws one account after another from a seeded random generator."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.serial = 0

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def amount(self, low: int, high: int, step: int = 50) -> Decimal:
        return Decimal(self.rng.randrange(low // step, high // step + 1) * step)

    def vin(self, wmi: str, year: int) -> str:
        self.serial += 1
        vds = "".join(self.pick(VIN_CHARS) for _ in range(5))
        plant = self.pick("ABCDEFGHKLMNPRSTUVWXYZ")
        return vin_with_check_digit(
            f"{wmi}{vds}0{words.MODEL_YEAR_CODES[year]}{plant}{self.serial % 1_000_000:06d}"
        )

    def uk_registration(self, registered: date) -> str:
        area = self.pick("ABCDEFGHKLMNOPRSVWY") + self.pick("ABCDEFGHJKLMNOPRSTUVWXY")
        age = registered.year % 100 + (50 if registered.month >= 9 else 0)
        if registered.month < 3:
            age = (registered.year - 1) % 100 + 50
        tail = "".join(self.pick("ABCDEFGHJKLMNOPRSTUVWXYZ") for _ in range(3))
        return f"{area}{age:02d}{tail}"

    def us_plate(self) -> str:
        return (
            "".join(self.pick("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
            + f"{self.rng.randrange(1000, 9999)}"
        )

    def person(self, country: str, *, family: str | None = None, place: Place | None = None) -> CustomerInput:
        us = country == "US"
        given = self.pick(words.US_GIVEN if us else words.UK_GIVEN)
        family = family or self.pick(words.US_FAMILY if us else words.UK_FAMILY)
        place = place or self.pick(words.US_PLACES if us else words.UK_PLACES)
        number = f"{self.rng.randrange(1, 250)} {self.pick(words.STREETS_US if us else words.STREETS_UK)}"
        if us:
            city, state, zip_code, area = place
            address = AddressInput(line1=number, city=city, region=state, postal_code=zip_code, country="US")
            phone = f"+1{area}55501{self.rng.randrange(0, 100):02d}"
            domain = "example.com"
        else:
            town, postcode, nation, prefix = place
            address = AddressInput(
                line1=number, city=town, postal_code=postcode, country="GB", uk_nation=nation
            )
            phone = f"{prefix}0{self.rng.randrange(0, 1000):03d}"
            domain = "example.co.uk"
        born = date(self.rng.randrange(1950, 2003), self.rng.randrange(1, 13), self.rng.randrange(1, 29))
        email = f"{given}.{family}{self.rng.randrange(1, 99)}@{domain}".lower().replace("'", "")
        return CustomerInput(
            given_name=given,
            family_name=family,
            date_of_birth=born,
            addresses=(address,),
            phones=(PhoneInput(number=phone, kind="mobile" if us else "home", is_primary=True),),
            emails=(email,),
        )

    def business(self, place: Place) -> CustomerInput:
        city, state, zip_code, area = place
        trade = self.pick(("Landscaping", "Plumbing", "Logistics", "Builders"))
        name = f"{self.pick(words.US_FAMILY)} {trade} LLC"
        return CustomerInput(
            kind="business",
            business_name=name,
            addresses=(
                AddressInput(
                    line1=f"{self.rng.randrange(100, 999)} Commerce Dr",
                    city=city,
                    region=state,
                    postal_code=zip_code,
                    country="US",
                ),
            ),
            phones=(
                PhoneInput(
                    number=f"+1{area}55501{self.rng.randrange(0, 100):02d}", kind="work", is_primary=True
                ),
            ),
            emails=(f"accounts@{name.split()[0].lower()}-{self.rng.randrange(10, 99)}.example.com",),
        )

    def application(self) -> Application:
        us = self.rng.random() < 0.55
        country = "US" if us else "GB"
        roll = self.rng.random()
        if us:
            product = "US-RIC" if roll < 0.75 else "US-LEASE"
        else:
            product = "UK-HP" if roll < 0.45 else ("UK-PCP" if roll < 0.85 else "UK-CH")
        terms = {
            "US-RIC": (36, 48, 60, 72),
            "US-LEASE": (24, 36, 39),
            "UK-HP": (24, 36, 48, 60),
            "UK-PCP": (36, 48),
            "UK-CH": (24, 36, 48),
        }[product]
        term = self.pick(terms)
        months_on_book = self.rng.randrange(2, min(term, 40))
        origination = self.as_of - relativedelta(months=months_on_book, days=self.rng.randrange(0, 28))
        first_due = origination + relativedelta(months=1)
        place = self.pick(words.US_PLACES if us else words.UK_PLACES)
        customer = (
            self.business(place) if us and self.rng.random() < 0.05 else self.person(country, place=place)
        )
        co_borrowers: tuple[CustomerInput, ...] = ()
        if customer.kind == "individual" and self.rng.random() < 0.2:
            co_borrowers = (self.person(country, family=customer.family_name, place=place),)
        year = min(origination.year + (1 if origination.month >= 9 else 0), 2027)
        if self.rng.random() < 0.3:
            year = max(2016, year - self.rng.randrange(1, 5))
        wmi, make, models = self.pick(words.VEHICLES_US if us else words.VEHICLES_UK)
        vehicle = VehicleInput(
            vin=self.vin(wmi, year),
            year=year,
            make=make,
            model=self.pick(models),
            trim=self.pick(words.TRIMS),
            colour=self.pick(words.COLOURS),
            registration=self.us_plate() if us else self.uk_registration(origination),
            odometer=self.rng.randrange(5, 60_000) if year < origination.year else self.rng.randrange(5, 50),
            odometer_unit="mi",
        )
        if us:
            price = self.amount(18_000, 58_000, 100)
            fees = self.amount(0, 800, 25)
        else:
            price = self.amount(9_000, 42_000, 100)
            fees = Decimal(0)
        deposit = (price * Decimal(self.pick((0, 5, 10, 10, 15, 20))) / 100).quantize(Decimal(1))
        financed = price - deposit + fees
        balloon = Decimal(0)
        apr = Decimal(self.pick(("3.9", "5.9", "7.9", "9.9", "12.9", "14.9", "18.9", "21.9")))
        money_factor = None
        if product == "US-LEASE":
            balloon = (price * Decimal(self.rng.randrange(48, 62)) / 100).quantize(Decimal(1))
            money_factor = Decimal(self.pick(("0.00110", "0.00150", "0.00195", "0.00240")))
            apr = money_factor * 2400
        elif product in ("UK-PCP", "UK-CH"):
            balloon = (price * Decimal(self.rng.randrange(30, 46)) / 100).quantize(Decimal(1))
            apr = Decimal(self.pick(("5.9", "6.9", "7.9", "9.9", "11.9")))
        return Application(
            product_code=product,
            customer=customer,
            co_borrowers=co_borrowers,
            vehicle=vehicle,
            jurisdiction=f"US-{place[1]}" if us else f"GB-{place[2]}",
            cash_price=price,
            deposit=deposit,
            fees=fees,
            amount_financed=financed,
            apr=apr,
            money_factor=money_factor,
            balloon=balloon,
            term=term,
            origination_date=origination,
            first_due_date=first_due,
            mileage_allowance=self.pick((10_000, 12_000, 15_000))
            if product in ("US-LEASE", "UK-CH")
            else None,
            dealer_name=self.pick(words.US_DEALERS if us else words.UK_DEALERS),
        )


# How customers pay: (share, name). "stopped" customers paid until some months ago.


def _profile(rng: random.Random) -> str:
    roll = rng.random()
    for share, name in PROFILES:
        if roll < share:
            return name
        roll -= share
    return "steady"


def _history(book: _Book, contract: Contract, *, actor: User | None) -> tuple[int, int]:
    """Installments fall due and the customer pays, in date order, up to the demo's as-of date."""
    rng = book.rng
    profile = _profile(rng)
    stop_after = book.as_of - relativedelta(months=rng.randrange(1, 7)) if profile == "stopped" else None
    schedule = schedule_versions.version_schedule(contract)
    ledger_book = ledger.book_get(contract_id=contract.pk)
    currency = contract.currency
    receipts = returned = 0
    return_at = rng.randrange(1, 6) if profile == "returned" else None
    for installment in schedule.installments:
        if installment.due_date > book.as_of:
            break
        ledger.installment_fall_due(
            book=ledger_book,
            installment=installment.number,
            principal=Money(installment.principal_minor, currency),
            interest=Money(installment.interest_minor, currency),
            due_date=installment.due_date,
            at=_noon(installment.due_date),
        )
        lag = {"steady": rng.randrange(-3, 3), "late": rng.randrange(6, 26)}.get(profile, rng.randrange(0, 4))
        paid_on = installment.due_date + timedelta(days=lag)
        if paid_on > book.as_of or (stop_after is not None and paid_on > stop_after):
            continue
        amount = installment.payment_minor
        if profile == "partial":
            amount = amount * rng.randrange(50, 91) // 100
        receipt = ledger.receipt_allocate(
            book=ledger_book,
            amount=Money(amount, currency),
            received_date=paid_on,
            at=_noon(paid_on),
            reference=f"{contract.account_number}-{installment.number}",
            idempotency_key=f"demo:{contract.account_number}:{installment.number}",
            created_by=actor,
        )
        receipts += 1
        if return_at is not None and installment.number == return_at:
            returned_on = paid_on + timedelta(days=3)
            if returned_on <= book.as_of:
                ledger.receipt_reverse(
                    receipt=receipt,
                    at=_noon(returned_on),
                    effective_date=returned_on,
                    reason_code="payment_returned",
                    created_by=actor,
                )
                returned += 1
    return receipts, returned


# (share, kind, detail, note, country): breathing space and vulnerability details are vocabularies
# (parties.flag_details); the note says it in words.
FLAG_SHARES = (
    (0.03, "vulnerability", "health", "Long-term condition affecting income", "GB"),
    (0.02, "vulnerability", "life_events", "Recent bereavement", None),
    (0.01, "military", "Active duty, US Army", "", "US"),
    (0.01, "bankruptcy", "Chapter 13 petition filed", "", "US"),
    (0.01, "dispute", "Disputes the fees charged at origination", "", None),
    (
        0.01,
        "breathing_space",
        "standard",
        "Standard Breathing Space moratorium, notified by the Insolvency Service",
        "GB",
    ),
    (0.004, "deceased", "Notified by next of kin", "", None),
)


def _flags(book: _Book, contract: Contract, *, actor: User | None) -> None:
    for share, kind, detail, note, country in FLAG_SHARES:
        if book.rng.random() < share and country in (None, contract.country):
            set_date = book.as_of - timedelta(days=book.rng.randrange(1, 60))
            party = contract.customer
            if party.flags.filter(kind=kind, cleared_date__isnull=True).exists():
                continue
            party_flag_set(
                party=party,
                kind=kind,
                set_date=set_date,
                at=_noon(set_date),
                set_by=actor,
                detail=detail,
                note=note,
            )


def demo_load(*, accounts: int, seed: int, as_of: date) -> DemoSummary:
    """Load the demo book into an empty portfolio; on a portfolio that has accounts it does nothing."""
    demo_users_ensure()
    authority_defaults_ensure()  # a new installation has them from its migration; a flushed one not
    products_install_standard()
    if Contract.objects.exists():
        return DemoSummary(
            accounts=Contract.objects.count(),
            us_accounts=0,
            uk_accounts=0,
            receipts=0,
            returned=0,
            already_loaded=True,
        )
    book = _Book(seed, as_of)
    actor = User.objects.get(username="agent")
    us = uk = receipts = returned = 0
    for _ in range(accounts):
        application = book.application()
        with transaction.atomic():
            booked = contract_originate(
                application=application, at=_noon(application.origination_date), created_by=None
            )
            contract = Contract.objects.select_related("customer").get(pk=booked.contract_id)
            paid, reversed_count = _history(book, contract, actor=actor)
            _flags(book, contract, actor=actor)
        receipts += paid
        returned += reversed_count
        us += contract.country == "US"
        uk += contract.country == "GB"
    return DemoSummary(
        accounts=accounts, us_accounts=us, uk_accounts=uk, receipts=receipts, returned=returned
    )
