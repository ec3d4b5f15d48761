"""The columnar accrual gives exactly what the pure accrual gives, on the state the nightly step keeps."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from recoup.arrears.accrual_columns import (
    accrual_key,
    accrual_key_expr,
    accrued_to,
    interest_accrued_expr,
    is_month_end,
)
from recoup.arrears.schedule_columns import installment_split
from recoup.kernel.money import Rounding
from recoup.portfolio.accrual import accrual_base, interest_accrued_minor, interest_accrued_to_minor
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleError,
    ScheduleTerms,
    reamortisation_terms,
    schedule_build,
    schedule_modify,
)


def _version(terms: ScheduleTerms, schedule: Schedule, *, version: int, first: int, payment: int) -> dict:
    return {
        "v_version": version,
        "v_from": first,
        "v_method": "annuity",
        "v_principal": terms.principal_minor,
        "v_apr_e4": int(terms.apr * 10_000),
        "v_count": terms.count,
        "v_start": terms.start_date,
        "v_first_due": terms.first_due_date,
        "v_frequency": str(terms.frequency),
        "v_day_count": str(terms.day_count),
        "v_rounding": str(terms.rounding),
        "v_balloon": terms.balloon_minor,
        "v_payment": payment,
        "v_total": len(schedule.installments),
    }


def _random_terms(rng: random.Random) -> ScheduleTerms:
    start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
    frequency = rng.choice(list(Frequency))
    gap = {"monthly": 30, "biweekly": 14, "weekly": 7}[frequency] + rng.choice([0, 0, 1, 5, 20, 70])
    return ScheduleTerms(
        principal_minor=rng.randrange(100_000, 6_000_000),
        apr=Decimal(rng.randrange(0, 360_000)) / 10_000,
        count=rng.randrange(6, 84),
        start_date=start,
        first_due_date=start + timedelta(days=gap),
        frequency=frequency,
        day_count=rng.choice(list(DayCount)),
        rounding=rng.choice(list(Rounding)),
    )


Loan = tuple[Schedule, list[tuple[ScheduleTerms, dict]]]


def _check_periods(rng: random.Random, loans: list[Loan]) -> None:
    """Walk every loan with the nightly step, all loans a round at a time as the night does; before
    each installment, accrue to a day of its period and hold a sample of them to the pure accrual."""
    state = pl.DataFrame(
        {
            "loan": range(len(loans)),
            "balance": [0] * len(loans),
            "carried": [0] * len(loans),
            "previous_due": [segments[0][0].start_date for _, segments in loans],
        }
    )
    for n in range(1, max(len(schedule.installments) for schedule, _ in loans) + 1):
        rows, checks = [], []
        for loan, balance, carried, previous_due in state.iter_rows():
            schedule, segments = loans[loan]
            if n > len(schedule.installments):
                continue
            terms, version = max(
                ((t, v) for t, v in segments if v["v_from"] <= n), key=lambda s: s[1]["v_version"]
            )
            due = schedule.installments[n - 1].due_date
            to_date = previous_due + timedelta(days=rng.randrange(0, (due - previous_due).days + 1))
            rows.append(
                {**version, "loan": loan, "n": n, "balance": balance, "carried": carried, "to_date": to_date}
            )
            checks.append((terms, version["v_from"]))
        frame = pl.DataFrame(rows)

        accrued = accrued_to(frame, pl.col("to_date"))

        for i in rng.sample(range(len(rows)), min(3, len(rows))):
            schedule, _ = loans[rows[i]["loan"]]
            terms, segment_from = checks[i]
            base = accrual_base(schedule, terms, segment_from=segment_from, fallen_due=n - 1)
            got = accrued.row(i, named=True)
            assert (got["accrual_start"], got["accrual_balance"]) == (base.start_date, base.balance_minor)
            assert got["accrued"] == interest_accrued_to_minor(base, terms, to_date=rows[i]["to_date"])
        stepped = installment_split(frame)
        state = stepped.select(
            "loan", balance="balance_after", carried="carried_after", previous_due="due_date"
        )


def _random_loans(rng: random.Random, count: int) -> list[Loan]:
    loans: list[Loan] = []
    while len(loans) < count:
        terms = _random_terms(rng)
        try:
            schedule = schedule_build(terms)
        except ScheduleError:
            continue
        loans.append(
            (
                schedule,
                [(terms, _version(terms, schedule, version=1, first=1, payment=schedule.payment_minor))],
            )
        )
    return loans


def _reamortised_loans(rng: random.Random, count: int) -> list[Loan]:
    loans: list[Loan] = []
    while len(loans) < count:
        terms = _random_terms(rng)
        try:
            original = schedule_build(terms)
            from_number = rng.randrange(2, len(original.installments))
            new_terms = reamortisation_terms(
                original, terms, from_number=from_number, apr=terms.apr + 1, count=rng.randrange(3, 40)
            )
            modified = schedule_modify(original, from_number=from_number, terms=new_terms)
        except ScheduleError:
            continue
        segment = schedule_build(new_terms, first_number=from_number)
        loans.append(
            (
                modified,
                [
                    (terms, _version(terms, original, version=1, first=1, payment=original.payment_minor)),
                    (
                        new_terms,
                        _version(
                            new_terms, modified, version=2, first=from_number, payment=segment.payment_minor
                        ),
                    ),
                ],
            )
        )
    return loans


def test_the_columns_accrue_what_the_pure_accrual_does_for_random_loans() -> None:
    rng = random.Random(3)

    _check_periods(rng, _random_loans(rng, 60))


def test_the_columns_accrue_a_reamortised_segment_from_its_own_start() -> None:
    rng = random.Random(5)

    _check_periods(rng, _reamortised_loans(rng, 30))


def test_nothing_accrues_before_a_contract_starts() -> None:
    terms = _random_terms(random.Random(1))
    schedule = schedule_build(terms)
    version = _version(terms, schedule, version=1, first=1, payment=schedule.payment_minor)
    frame = pl.DataFrame([{**version, "n": 1, "balance": 0, "carried": 0}])

    row = accrued_to(frame, terms.start_date - timedelta(days=3)).row(0, named=True)

    assert row["accrued"] == 0


@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=10**13),
            st.integers(min_value=0, max_value=999_999),
            st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
            st.integers(min_value=0, max_value=20_000),
            st.sampled_from(DayCount),
            st.sampled_from(Rounding),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_the_interest_column_equals_the_pure_interest_row_by_row(rows) -> None:
    frame = pl.DataFrame(
        {
            "balance": [r[0] for r in rows],
            "apr_e4": [r[1] for r in rows],
            "start": [r[2] for r in rows],
            "end": [r[2] + timedelta(days=r[3]) for r in rows],
            "day_count": [str(r[4]) for r in rows],
            "rounding": [str(r[5]) for r in rows],
        },
        schema_overrides={"balance": pl.Int64, "apr_e4": pl.Int64},
    )

    got = frame.select(
        interest_accrued_expr(
            *(pl.col(c) for c in ("balance", "apr_e4", "start", "end", "day_count", "rounding"))
        )
    ).to_series()

    assert got.to_list() == [
        interest_accrued_minor(
            balance_minor=balance,
            apr=Decimal(apr_e4) / 10_000,
            start_date=start,
            end_date=start + timedelta(days=days),
            day_count=day_count,
            rounding=rounding,
        )
        for balance, apr_e4, start, days, day_count, rounding in rows
    ]


def test_month_ends_include_a_leap_day_and_not_the_28th_of_a_leap_february() -> None:
    assert [is_month_end(d) for d in (date(2024, 2, 28), date(2024, 2, 29), date(2025, 2, 28))] == [
        False,
        True,
        True,
    ]
    assert is_month_end(date(2025, 4, 30))
    assert not is_month_end(date(2025, 5, 30))


def test_the_key_column_spells_the_key_as_the_per_account_path_does() -> None:
    keys = pl.DataFrame({"contract_id": [7, 12]}).select(
        accrual_key_expr(pl.col("contract_id"), date(2025, 3, 31))
    )

    assert keys.to_series().to_list() == [
        accrual_key(7, date(2025, 3, 31)),
        accrual_key(12, date(2025, 3, 31)),
    ]
