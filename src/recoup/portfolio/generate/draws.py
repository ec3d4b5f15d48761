"""Drawing a chunk of accounts at once: the demo book's customers, vehicles, products, prices and
payment behaviour (demo_data.py, demo.PROFILES), drawn as NumPy columns from a seeded generator.

Each account's product, term and origination date are drawn first for the whole book and put in
origination order (`origins_draw`); the rest, chunk by chunk: chunk k of seed s always draws
from the generator seeded (s, k), so the same seed gives the same book whatever else runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from recoup.portfolio import demo_data as words
from recoup.portfolio.demo_data import PROFILES
from recoup.portfolio.generate.columns import (
    ACTUAL_365,
    EPOCH_ORDINAL,
    THIRTY_360,
    Ints,
    Payments,
    Terms,
    months_add,
)

# (code, country, day count, half-even, lease by money factor, terms offered), as demo.py books them.
PRODUCTS = (
    ("US-RIC", "US", ACTUAL_365, False, False, (36, 48, 60, 72)),
    ("US-LEASE", "US", THIRTY_360, False, True, (24, 36, 39)),
    ("UK-HP", "GB", ACTUAL_365, False, False, (24, 36, 48, 60)),
    ("UK-PCP", "GB", ACTUAL_365, True, False, (36, 48)),
    ("UK-CH", "GB", THIRTY_360, False, False, (24, 36, 48)),
)
US_APRS_E4 = np.array([39_000, 59_000, 79_000, 99_000, 129_000, 149_000, 189_000, 219_000])
BALLOON_APRS_E4 = np.array([59_000, 69_000, 79_000, 99_000, 119_000])
MONEY_FACTORS_E7 = np.array([11_000, 15_000, 19_500, 24_000])
MILEAGES = np.array([10_000, 12_000, 15_000])
DEPOSIT_PERCENTS = np.array([0, 5, 10, 10, 15, 20])
PROFILE_NAMES = tuple(name for _, name in PROFILES)
# The longest history drawn: an account is at most 40 months on book.
MONTHS_ON_BOOK_MAX = 40
KEPT_INSTALLMENTS = MONTHS_ON_BOOK_MAX + 1
FAR_FUTURE = np.iinfo(np.int32).max


@dataclass(frozen=True)
class Draw:
    """One chunk of accounts: every column the writers need, one row per account."""

    us: np.ndarray
    product: Ints  # index into PRODUCTS
    place: Ints  # index into US_PLACES or UK_PLACES
    business: np.ndarray
    co_borrower: np.ndarray
    given: Ints
    family: Ints
    co_given: Ints
    street: Ints
    house: Ints
    birth: Ints  # days since 1970
    co_birth: Ints
    email_number: Ints
    co_email_number: Ints
    phone_tail: Ints
    co_phone_tail: Ints
    vehicle: Ints  # index into VEHICLES_US or VEHICLES_UK
    model: Ints  # index into that vehicle's models, modulo their number
    year: Ints
    trim: Ints
    colour: Ints
    letters: Ints  # (accounts, 10) random indexes for VIN and registration characters
    plate_number: Ints
    odometer: Ints
    cash_price: Ints
    deposit: Ints
    fees: Ints
    dealer: Ints
    mileage: Ints
    terms: Terms
    payments: Payments
    profile: Ints


def _uniform(rng: np.random.Generator, low: int, high: int, size: int | tuple[int, int]) -> Ints:
    return rng.integers(low, high, size=size, dtype=np.int64)


def _dates(ordinals: Ints) -> np.ndarray:
    return ordinals.astype("datetime64[D]")


@dataclass(frozen=True)
class Origins:
    """Each account's country, product, term and origination date, for the whole book at once."""

    us: np.ndarray
    product: Ints  # index into PRODUCTS
    term: Ints
    origination: np.ndarray  # datetime64[D]

    def slice(self, start: int, size: int) -> Origins:
        end = start + size
        return Origins(
            self.us[start:end], self.product[start:end], self.term[start:end], self.origination[start:end]
        )


def origins_draw(*, seed: int, accounts: int, as_of: date) -> Origins:
    """Draw every account's product, term and origination, and put them in origination order.

    Contract numbers follow the dates contracts were written, as a lender's system numbers them:
    contracts written the same day fall due on the same day of the month, so they sit together in
    every per-account table, as in a real book (drawn chunk by chunk, each spanning every date,
    the accounts of one due day were scattered through all of them).
    """
    rng = np.random.default_rng([seed, 0, 1])  # a stream of its own, apart from every chunk's
    n = accounts
    us = rng.random(n) < 0.55
    roll = rng.random(n)
    product = np.where(
        us, np.where(roll < 0.75, 0, 1), np.where(roll < 0.45, 2, np.where(roll < 0.85, 3, 4))
    ).astype(np.int64)
    term = np.zeros(n, dtype=np.int64)
    for index, (*_, offered) in enumerate(PRODUCTS):
        rows = product == index
        term[rows] = np.asarray(offered)[_uniform(rng, 0, len(offered), int(rows.sum()))]
    months_on_book = 2 + (rng.random(n) * (np.minimum(term, MONTHS_ON_BOOK_MAX) - 2)).astype(np.int64)
    today = np.full(n, as_of.toordinal() - EPOCH_ORDINAL).astype("datetime64[D]")
    origination = months_add(today, -months_on_book) - _uniform(rng, 0, 28, n).astype("timedelta64[D]")
    order = np.argsort(origination, kind="stable")
    return Origins(us=us[order], product=product[order], term=term[order], origination=origination[order])


def draw_chunk(*, seed: int, chunk: int, origins: Origins, as_of: date) -> Draw:
    """Draw the rest of the accounts `origins` begins, for chunk number `chunk` of the book seeded
    `seed`."""
    rng = np.random.default_rng([seed, chunk])
    n = len(origins.us)
    us, product, term, origination = origins.us, origins.product, origins.term, origins.origination
    today = np.full(n, as_of.toordinal() - EPOCH_ORDINAL).astype("datetime64[D]")
    first_due = months_add(origination, 1)

    place = np.where(us, _uniform(rng, 0, len(words.US_PLACES), n), _uniform(rng, 0, len(words.UK_PLACES), n))
    business = us & (rng.random(n) < 0.05)
    co_borrower = ~business & (rng.random(n) < 0.2)
    given_count = np.where(us, len(words.US_GIVEN), len(words.UK_GIVEN))
    family_count = np.where(us, len(words.US_FAMILY), len(words.UK_FAMILY))
    street_count = np.where(us, len(words.STREETS_US), len(words.STREETS_UK))

    def birth() -> Ints:
        year = _uniform(rng, 1950, 2003, n)
        month = _uniform(rng, 0, 12, n)
        months = ((year - 1970) * 12 + month).astype("datetime64[M]").astype("datetime64[D]")
        return (months + _uniform(rng, 0, 28, n).astype("timedelta64[D]")).astype(np.int64)

    origin_year = origination.astype("datetime64[Y]").astype(np.int64) + 1970
    origin_month = origination.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = np.minimum(origin_year + (origin_month >= 9), 2027)
    older = rng.random(n) < 0.3
    year = np.where(older, np.maximum(2016, year - _uniform(rng, 1, 5, n)), year)

    price = np.where(us, _uniform(rng, 180, 581, n), _uniform(rng, 90, 421, n)) * 100
    fees = np.where(us, _uniform(rng, 0, 33, n) * 25, 0)
    deposit = price * DEPOSIT_PERCENTS[_uniform(rng, 0, len(DEPOSIT_PERCENTS), n)] // 100
    financed = (price - deposit + fees) * 100
    lease = product == 1
    balloon_kind = (product == 3) | (product == 4)
    balloon = np.where(
        lease,
        price * _uniform(rng, 48, 62, n) // 100,
        np.where(balloon_kind, price * _uniform(rng, 30, 46, n) // 100, 0),
    )
    mf_e7 = np.where(lease, MONEY_FACTORS_E7[_uniform(rng, 0, len(MONEY_FACTORS_E7), n)], 0)
    apr_e4 = np.where(
        lease,
        mf_e7 * 24 // 10,
        np.where(
            balloon_kind,
            BALLOON_APRS_E4[_uniform(rng, 0, len(BALLOON_APRS_E4), n)],
            US_APRS_E4[_uniform(rng, 0, len(US_APRS_E4), n)],
        ),
    )
    day_counts = np.array([p[2] for p in PRODUCTS])
    half_even = np.array([p[3] for p in PRODUCTS])
    terms = Terms(
        principal=financed,
        balloon=balloon * 100,
        apr_e4=apr_e4,
        mf_e7=mf_e7,
        count=term,
        start=origination,
        first_due=first_due,
        day_count=day_counts[product],
        half_even=half_even[product],
    )

    shares = np.cumsum([share for share, _ in PROFILES])
    profile = np.minimum(np.searchsorted(shares, rng.random(n), side="right"), len(PROFILES) - 1)
    name = np.asarray(PROFILE_NAMES)[profile]
    shape = (n, KEPT_INSTALLMENTS)
    lag = np.where(
        (name == "steady")[:, None],
        _uniform(rng, -3, 3, shape),
        np.where((name == "late")[:, None], _uniform(rng, 6, 26, shape), _uniform(rng, 0, 4, shape)),
    )
    percent = np.where((name == "partial")[:, None], _uniform(rng, 50, 91, shape), 100)
    stop_after = np.where(
        name == "stopped", months_add(today, -_uniform(rng, 1, 7, n)).astype(np.int64), FAR_FUTURE
    )
    returned = np.where(name == "returned", _uniform(rng, 1, 6, n), 0)

    return Draw(
        us=us,
        product=product,
        place=place,
        business=business,
        co_borrower=co_borrower,
        given=(rng.random(n) * given_count).astype(np.int64),
        family=(rng.random(n) * family_count).astype(np.int64),
        co_given=(rng.random(n) * given_count).astype(np.int64),
        street=(rng.random(n) * street_count).astype(np.int64),
        house=_uniform(rng, 1, 250, n),
        birth=birth(),
        co_birth=birth(),
        email_number=_uniform(rng, 1, 99, n),
        co_email_number=_uniform(rng, 1, 99, n),
        phone_tail=_uniform(rng, 0, 100, n),
        co_phone_tail=_uniform(rng, 0, 100, n),
        vehicle=np.where(
            us, _uniform(rng, 0, len(words.VEHICLES_US), n), _uniform(rng, 0, len(words.VEHICLES_UK), n)
        ),
        model=_uniform(rng, 0, 12, n),
        year=year,
        trim=_uniform(rng, 0, len(words.TRIMS), n),
        colour=_uniform(rng, 0, len(words.COLOURS), n),
        letters=_uniform(rng, 0, 1 << 20, (n, 10)),
        plate_number=_uniform(rng, 1000, 9999, n),
        odometer=np.where(year < origin_year, _uniform(rng, 5, 60_000, n), _uniform(rng, 5, 50, n)),
        cash_price=price * 100,
        deposit=deposit * 100,
        fees=fees * 100,
        dealer=_uniform(rng, 0, 5, n),
        mileage=MILEAGES[_uniform(rng, 0, len(MILEAGES), n)],
        terms=terms,
        payments=Payments(lag_days=lag, percent=percent, stop_after=stop_after, returned=returned),
        profile=profile,
    )
