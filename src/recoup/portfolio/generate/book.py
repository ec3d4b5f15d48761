"""`book_generate`: a realistic book of any size, loaded in bulk, chunk by chunk.

Each chunk is drawn (draws.py), its schedules and histories computed as columns (columns.py),
and made ready through each context's bulk writer: parties.batch, portfolio.batch and
ledger.opening; while one chunk is sent, the next is made ready. Memory stays bounded by two
chunks, whatever the book's size.

Into an empty book the whole load is one transaction with the tables' secondary indexes,
unique constraints and foreign keys set aside (recoup.bulk); on SQLite without a rollback
journal, so a generate that crashes is rerun into a freshly migrated database. Appending keeps
the schema in place and commits chunk by chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import transaction

from recoup.bulk import BulkLoader, Column, Prepared, sql_datetime, tables_empty
from recoup.kernel.errors import DomainError
from recoup.ledger import opening
from recoup.parties.batch import Customers, customer_tables, customers_write
from recoup.portfolio import batch
from recoup.portfolio import demo_data as words
from recoup.portfolio.demo import VIN_CHARS
from recoup.portfolio.generate.columns import (
    Schedules,
    openings_build,
    schedules_build,
    vins_with_check_digits,
)
from recoup.portfolio.generate.draws import (
    KEPT_INSTALLMENTS,
    PRODUCTS,
    Draw,
    Origins,
    draw_chunk,
    origins_draw,
)
from recoup.portfolio.models import Contract, Product
from recoup.portfolio.operations import account_number_for, products_install_standard

CHUNK_ACCOUNTS = 100_000
PLANTS = "ABCDEFGHKLMNPRSTUVWXYZ"
UK_AREA_FIRST = "ABCDEFGHKLMNOPRSVWY"
UK_AREA_SECOND = "ABCDEFGHJKLMNOPRSTUVWXY"
UK_TAIL = "ABCDEFGHJKLMNOPRSTUVWXYZ"
US_PLATE = "ABCDEFGHJKLMNPRSTUVWXYZ"
TRADES = ("Landscaping", "Plumbing", "Logistics", "Builders")


class BookNotEmpty(DomainError):
    """The database already holds contracts and the caller did not ask to append."""


@dataclass(frozen=True)
class GenerateSummary:
    accounts: int
    parties: int
    entries: int
    postings: int
    rows: int
    seconds: float
    first_account: str
    last_account: str
    in_arrears: int

    @property
    def rows_per_second(self) -> int:
        return int(self.rows / self.seconds) if self.seconds else 0


Progress = Callable[[int, int], None]


def book_generate(
    *, accounts: int, seed: int, as_of: date, append: bool = False, progress: Progress | None = None
) -> GenerateSummary:
    """Generate `accounts` accounts with histories up to `as_of`; the same seed gives the same book.

    Raises BookNotEmpty (field "append") when contracts exist and `append` is not set.
    """
    if accounts < 1:
        raise DomainError("accounts: must be at least 1", field="accounts")
    started = time.perf_counter()
    products_install_standard()
    if not append and Contract.objects.exists():
        raise BookNotEmpty(
            f"append: the database already has {Contract.objects.count()} contracts; "
            "pass --append to add the generated accounts after them",
            field="append",
        )
    products = {p.code: p for p in Product.objects.filter(code__in=[p[0] for p in PRODUCTS])}
    loader = BulkLoader()
    tables = (*customer_tables(), *batch.portfolio_tables(), *opening.opening_tables())
    # Into an empty book, indexes and constraints come off while it loads and go back after,
    # and the whole load is one transaction; appending keeps them, a chunk per transaction.
    fresh = not append and tables_empty(tables)
    for table in tables:
        loader.ids(table, 0)  # read each table's next key here, on the connection's thread
    origins = origins_draw(seed=seed, accounts=accounts, as_of=as_of)

    def build(start: int) -> tuple[list[Prepared], _Written]:
        with loader.held() as held:
            size = min(CHUNK_ACCOUNTS, accounts - start)
            written = _chunk_write(
                loader, products, seed=seed, origins=origins.slice(start, size), as_of=as_of
            )
        return held, written

    done = parties = entries = postings = in_arrears = 0
    first_account = last_account = ""
    # One thread makes the next chunk's rows ready while this one sends the last chunk's: NumPy,
    # Polars and the database drivers let go of the interpreter while they work.
    with (
        ThreadPoolExecutor(max_workers=1) as builder,
        loader.session(),
        transaction.atomic() if fresh else nullcontext(),
        loader.schema_set_aside(tables) if fresh else nullcontext(),
    ):
        next_chunk = builder.submit(build, 0)
        while done < accounts:
            ready, written = next_chunk.result()
            size = min(CHUNK_ACCOUNTS, accounts - done)
            if done + size < accounts:
                next_chunk = builder.submit(build, done + size)
            with transaction.atomic(), opening.balance_checks_deferred_to_verify():
                loader.write(ready)
            parties += written.parties
            entries += written.entries
            postings += written.postings
            in_arrears += written.in_arrears
            first_account = first_account or written.first_account
            last_account = written.last_account
            done += size
            if progress is not None:
                progress(done, accounts)
    loader.finish()
    return GenerateSummary(
        accounts=accounts,
        parties=parties,
        entries=entries,
        postings=postings,
        rows=sum(loader.written.values()),
        seconds=time.perf_counter() - started,
        first_account=first_account,
        last_account=last_account,
        in_arrears=in_arrears,
    )


@dataclass(frozen=True)
class _Written:
    parties: int
    entries: int
    postings: int
    in_arrears: int
    first_account: str
    last_account: str


def _chunk_write(
    loader: BulkLoader, products: dict[str, Product], *, seed: int, origins: Origins, as_of: date
) -> _Written:
    size = len(origins.us)
    contract_ids = batch.contract_ids_reserve(loader, size)
    draw = draw_chunk(seed=seed, chunk=contract_ids.start, origins=origins, as_of=as_of)
    schedules = schedules_build(draw.terms, kept=KEPT_INSTALLMENTS)
    balances = openings_build(draw.terms, schedules, draw.payments, as_of=as_of)
    vendor = loader.vendor
    countries = np.where(draw.us, "US", "GB").tolist()
    account_numbers = [
        account_number_for(cid, country=country) for cid, country in zip(contract_ids, countries, strict=True)
    ]
    origination = draw.terms.start.astype(str).tolist()
    moments = [sql_datetime(vendor, day) for day in origination]

    customers = _customers(draw, moments)
    party_ids = customers_write(loader, customers)
    borrowers = party_ids[:size]
    co_rows = np.flatnonzero(draw.co_borrower).tolist()
    co_parties = party_ids[size:]

    vehicle_ids = batch.vehicle_ids_reserve(loader, size)
    vehicles, odometers = _vehicles(draw, contract_ids, vehicle_ids, origination)
    codes = [PRODUCTS[p][0] for p in draw.product.tolist()]
    product_rows = [products[code] for code in codes]
    contracts = _contracts(
        draw, contract_ids, account_numbers, borrowers, vehicle_ids, product_rows, origination, moments
    )
    contract_parties: dict[str, Column] = {
        "contract_id": [*contract_ids, *(contract_ids[row] for row in co_rows)],
        "party_id": [*borrowers, *co_parties],
        "role": ["borrower"] * size + ["co_borrower"] * len(co_rows),
    }
    versions = _schedule_versions(draw, schedules, contract_ids, product_rows, origination, moments)
    batch.contracts_write(
        loader,
        vehicles=vehicles,
        odometers=odometers,
        contracts=contracts,
        contract_parties=contract_parties,
        schedule_versions=versions,
    )
    entries, postings = opening.openings_write(
        loader,
        opening.Openings(
            contract_id=list(contract_ids),
            currency=[p.currency for p in product_rows],
            waterfall_order=[p.waterfall_order for p in product_rows],
            waterfall_by_installment=[p.waterfall_by_installment for p in product_rows],
            overpayment=[p.overpayment for p in product_rows],
            opened_at=moments,
            idempotency_key=[f"generate:{number}:opening" for number in account_numbers],
            effective_date=as_of.isoformat(),
            posted_at=sql_datetime(vendor, as_of.isoformat()),
            financed=draw.terms.principal,
            principal_not_due=balances.principal_not_due,
            paid=balances.paid,
            interest_income=balances.interest_due_to_date,
            installments_due=balances.installments_due,
            last_principal=balances.last_principal,
            last_interest=balances.last_interest,
            unpaid_interest=balances.unpaid_interest,
            unpaid_principal=balances.unpaid_principal,
        ),
    )
    owing = (balances.unpaid_interest + balances.unpaid_principal).sum(axis=1) > 0
    return _Written(
        parties=len(party_ids),
        entries=entries,
        postings=postings,
        in_arrears=int(owing.sum()),
        first_account=account_numbers[0],
        last_account=account_numbers[-1],
    )


def _customers(draw: Draw, moments: list[str]) -> Customers:
    """Borrowers first, one per account, then co-borrowers in account order."""
    kind: list[str] = []
    given: list[str] = []
    family: list[str] = []
    business: list[str] = []
    born: list[str | None] = []
    created: list[str] = []
    line1: list[str] = []
    city: list[str] = []
    region: list[str] = []
    postal: list[str] = []
    country: list[str] = []
    phone: list[str] = []
    phone_kind: list[str] = []
    email: list[str] = []
    births = draw.birth.astype("datetime64[D]").astype(str).tolist()
    co_births = draw.co_birth.astype("datetime64[D]").astype(str).tolist()
    columns = zip(
        draw.us.tolist(),
        draw.place.tolist(),
        draw.business.tolist(),
        draw.given.tolist(),
        draw.family.tolist(),
        draw.street.tolist(),
        draw.house.tolist(),
        births,
        draw.email_number.tolist(),
        draw.letters[:, 9].tolist(),
        moments,
        strict=True,
    )
    for us, place, is_business, g, f, street, house, birth, number, tail, moment in columns:
        given_words = words.US_GIVEN if us else words.UK_GIVEN
        family_name = (words.US_FAMILY if us else words.UK_FAMILY)[f]
        created.append(moment)
        if us:
            town, state, zip_code, area = words.US_PLACES[place]
            city.append(town)
            region.append(state)
            postal.append(zip_code)
            country.append("US")
            phone.append(f"+1{area}55501{tail % 100:02d}")
        else:
            town, postcode, _, prefix = words.UK_PLACES[place]
            city.append(town)
            region.append("")
            postal.append(postcode)
            country.append("GB")
            phone.append(f"{prefix}0{tail % 1000:03d}")
        if is_business:
            name = f"{family_name} {TRADES[g % len(TRADES)]} LLC"
            kind.append("business")
            given.append("")
            family.append("")
            business.append(name)
            born.append(None)
            line1.append(f"{100 + house * 4 % 899} Commerce Dr")
            phone_kind.append("work")
            email.append(f"accounts@{family_name.lower()}-{10 + number % 89}.example.com".replace("'", ""))
            continue
        given_name = given_words[g]
        kind.append("individual")
        given.append(given_name)
        family.append(family_name)
        business.append("")
        born.append(birth)
        line1.append(f"{house} {(words.STREETS_US if us else words.STREETS_UK)[street]}")
        phone_kind.append("mobile" if us else "home")
        domain = "example.com" if us else "example.co.uk"
        email.append(f"{given_name}.{family_name}{number}@{domain}".lower().replace("'", ""))
    for row in np.flatnonzero(draw.co_borrower).tolist():
        us = bool(draw.us[row])
        given_name = (words.US_GIVEN if us else words.UK_GIVEN)[int(draw.co_given[row])]
        kind.append("individual")
        given.append(given_name)
        family.append(family[row])
        business.append("")
        born.append(co_births[row])
        created.append(created[row])
        line1.append(line1[row])
        city.append(city[row])
        region.append(region[row])
        postal.append(postal[row])
        country.append(country[row])
        tail = int(draw.letters[row, 8])
        phone.append(phone[row][:-2] + f"{tail % 100:02d}")
        phone_kind.append("mobile")
        domain = "example.com" if us else "example.co.uk"
        email.append(
            f"{given_name}.{family[row]}{draw.co_email_number[row]}@{domain}".lower().replace("'", "")
        )
    return Customers(
        kind=kind,
        given_name=given,
        family_name=family,
        business_name=business,
        date_of_birth=born,
        created_at=created,
        line1=line1,
        city=city,
        region=region,
        postal_code=postal,
        country=country,
        phone_e164=phone,
        phone_kind=phone_kind,
        email=email,
    )


def _vehicles(
    draw: Draw, contract_ids: range, vehicle_ids: range, origination: list[str]
) -> tuple[dict[str, Column], dict[str, Column]]:
    vins: list[str] = []
    makes: list[str] = []
    models: list[str] = []
    registrations: list[str] = []
    columns = zip(
        contract_ids,
        draw.us.tolist(),
        draw.vehicle.tolist(),
        draw.model.tolist(),
        draw.year.tolist(),
        draw.plate_number.tolist(),
        draw.letters.tolist(),
        origination,
        strict=True,
    )
    for cid, us, v, model, year, plate, chars, registered in columns:
        wmi, make, offered = (words.VEHICLES_US if us else words.VEHICLES_UK)[v]
        vds = "".join(VIN_CHARS[c % len(VIN_CHARS)] for c in chars[:5])
        plant = PLANTS[(cid // 1_000_000) % len(PLANTS)]
        vins.append(f"{wmi}{vds}0{words.MODEL_YEAR_CODES[year]}{plant}{cid % 1_000_000:06d}")
        makes.append(make)
        models.append(offered[model % len(offered)])
        if us:
            registrations.append("".join(US_PLATE[c % len(US_PLATE)] for c in chars[5:8]) + str(plate))
            continue
        reg_year, reg_month = int(registered[:4]), int(registered[5:7])
        age = reg_year % 100 + (50 if reg_month >= 9 else 0)
        if reg_month < 3:
            age = (reg_year - 1) % 100 + 50
        registrations.append(
            UK_AREA_FIRST[chars[5] % len(UK_AREA_FIRST)]
            + UK_AREA_SECOND[chars[6] % len(UK_AREA_SECOND)]
            + f"{age:02d}"
            + "".join(UK_TAIL[c % len(UK_TAIL)] for c in chars[7:10])
        )
    vehicles: dict[str, Column] = {
        "id": vehicle_ids,
        "vin": vins_with_check_digits(vins),
        "year": draw.year,
        "make": makes,
        "model": models,
        "trim": [words.TRIMS[t] for t in draw.trim.tolist()],
        "colour": [words.COLOURS[c] for c in draw.colour.tolist()],
        "registration": registrations,
    }
    odometers: dict[str, Column] = {
        "vehicle_id": vehicle_ids,
        "reading": draw.odometer,
        "unit": "mi",
        "read_date": origination,
        "source": "origination",
    }
    return vehicles, odometers


def _apr_text(apr_e4: int) -> str:
    return f"{apr_e4 // 10_000}.{apr_e4 % 10_000:04d}"


def _money_factor_text(mf_e7: int) -> str | None:
    return f"0.{mf_e7:07d}" if mf_e7 else None


def _contracts(
    draw: Draw,
    contract_ids: range,
    account_numbers: list[str],
    borrowers: range,
    vehicle_ids: range,
    product_rows: list[Product],
    origination: list[str],
    moments: list[str],
) -> dict[str, Column]:
    terms = draw.terms
    jurisdictions = [
        f"US-{words.US_PLACES[place][1]}" if us else f"GB-{words.UK_PLACES[place][2]}"
        for us, place in zip(draw.us.tolist(), draw.place.tolist(), strict=True)
    ]
    return {
        "id": contract_ids,
        "account_number": account_numbers,
        "product_id": [product.pk for product in product_rows],
        "customer_id": borrowers,
        "vehicle_id": vehicle_ids,
        "currency": [product.currency for product in product_rows],
        "country": [product.country for product in product_rows],
        "jurisdiction": jurisdictions,
        "cash_price_minor": draw.cash_price,
        "deposit_minor": draw.deposit,
        "fees_minor": draw.fees,
        "amount_financed_minor": terms.principal,
        "apr": [_apr_text(apr) for apr in terms.apr_e4.tolist()],
        "money_factor": [_money_factor_text(mf) for mf in terms.mf_e7.tolist()],
        "term": terms.count,
        "frequency": "monthly",
        "origination_date": origination,
        "first_due_date": terms.first_due.astype(str).tolist(),
        "balloon_minor": terms.balloon,
        "mileage_allowance": [
            mileage if product.code in ("US-LEASE", "UK-CH") else None
            for mileage, product in zip(draw.mileage.tolist(), product_rows, strict=True)
        ],
        "dealer_name": [
            (words.US_DEALERS if us else words.UK_DEALERS)[dealer]
            for us, dealer in zip(draw.us.tolist(), draw.dealer.tolist(), strict=True)
        ],
        "status": "active",
        "created_at": moments,
    }


def _schedule_versions(
    draw: Draw,
    schedules: Schedules,
    contract_ids: range,
    product_rows: list[Product],
    origination: list[str],
    moments: list[str],
) -> dict[str, Column]:
    terms = draw.terms
    return {
        "contract_id": contract_ids,
        "version": 1,
        "reason": "origination",
        "note": "",
        "effective_date": origination,
        "from_installment": 1,
        "method": ["lease" if mf else "annuity" for mf in terms.mf_e7.tolist()],
        "money_factor": [_money_factor_text(mf) for mf in terms.mf_e7.tolist()],
        "principal_minor": terms.principal,
        "apr": [_apr_text(apr) for apr in terms.apr_e4.tolist()],
        "installment_count": terms.count,
        "start_date": origination,
        "first_due_date": terms.first_due.astype(str).tolist(),
        "frequency": "monthly",
        "day_count": [product.day_count for product in product_rows],
        "rounding": [product.rounding for product in product_rows],
        "balloon_minor": terms.balloon,
        "payment_minor": schedules.payment,
        "final_payment_minor": schedules.final_payment,
        "total_installments": terms.count,
        "last_due_date": schedules.last_due.astype(str).tolist(),
        "created_at": moments,
    }
