"""The vectorised next-installment step gives exactly the schedule engine's installments."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import polars as pl

from recoup.arrears.schedule_columns import installment_split
from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleError,
    ScheduleTerms,
    lease_schedule_build,
    reamortisation_terms,
    schedule_build,
    schedule_modify,
)


def _version(
    terms: ScheduleTerms,
    schedule: Schedule,
    *,
    version: int,
    first: int,
    method: str = "annuity",
    payment: int | None = None,
) -> dict[str, object]:
    return {
        "v_version": version,
        "v_from": first,
        "v_method": method,
        "v_principal": terms.principal_minor,
        "v_apr_e4": int(terms.apr * 10_000),
        "v_count": terms.count,
        "v_start": terms.start_date,
        "v_first_due": terms.first_due_date,
        "v_frequency": str(terms.frequency),
        "v_day_count": str(terms.day_count),
        "v_rounding": str(terms.rounding),
        "v_balloon": terms.balloon_minor,
        "v_payment": schedule.payment_minor if payment is None else payment,
        "v_total": len(schedule.installments),
    }


def _walk(versions: list[dict[str, object]], total: int) -> list[tuple[date, int, int, int]]:
    """Fall due installment by installment with the vectorised step, as the nightly run does."""
    balance, carried, out = 0, 0, []
    for n in range(1, total + 1):
        governing = max((v for v in versions if v["v_from"] <= n), key=lambda v: v["v_version"])
        frame = pl.DataFrame([{**governing, "n": n, "balance": balance, "carried": carried}])
        row = installment_split(frame).row(0, named=True)
        balance, carried = row["balance_after"], row["carried_after"]
        out.append((row["due_date"], row["interest"], row["principal"], row["balance_after"]))
    return out


def _expected(schedule: Schedule) -> list[tuple[date, int, int, int]]:
    return [(i.due_date, i.interest_minor, i.principal_minor, i.balance_minor) for i in schedule.installments]


def _random_terms(rng: random.Random) -> ScheduleTerms:
    start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 900))
    frequency = rng.choice(list(Frequency))
    gap = {"monthly": 30, "biweekly": 14, "weekly": 7}[frequency] + rng.choice([0, 0, 1, 5, 20])
    principal = rng.randrange(100_000, 6_000_000)
    return ScheduleTerms(
        principal_minor=principal,
        apr=Decimal(rng.randrange(0, 300_000)) / 10_000,
        count=rng.randrange(6, 84),
        start_date=start,
        first_due_date=start + timedelta(days=gap),
        frequency=frequency,
        day_count=rng.choice(list(DayCount)),
        rounding=rng.choice(list(Rounding)),
        balloon_minor=rng.choice([0, 0, principal // 3]),
    )


def test_the_step_gives_the_engines_installments_for_random_loans() -> None:
    rng = random.Random(7)
    checked = 0
    while checked < 60:
        terms = _random_terms(rng)
        try:
            schedule = schedule_build(terms)
        except ScheduleError:
            continue

        walked = _walk([_version(terms, schedule, version=1, first=1)], len(schedule.installments))

        assert walked == _expected(schedule)
        checked += 1


def test_the_step_follows_a_reamortisation_from_its_first_installment() -> None:
    rng = random.Random(11)
    checked = 0
    while checked < 30:
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
        versions = [
            _version(terms, original, version=1, first=1),
            _version(new_terms, modified, version=2, first=from_number, payment=segment.payment_minor),
        ]

        walked = _walk(versions, len(modified.installments))

        assert walked == _expected(modified)
        checked += 1


def test_the_step_gives_a_leases_depreciation_and_rent() -> None:
    schedule = lease_schedule_build(
        capitalized_cost_minor=3_000_000,
        residual_minor=1_500_000,
        money_factor=Decimal("0.00125"),
        count=36,
        start_date=date(2024, 1, 31),
        first_due_date=date(2024, 1, 31),
    )
    terms = ScheduleTerms(
        principal_minor=3_000_000,
        apr=Decimal(0),
        count=36,
        start_date=date(2024, 1, 31),
        first_due_date=date(2024, 1, 31),
        balloon_minor=1_500_000,
    )

    walked = _walk([_version(terms, schedule, version=1, first=1, method="lease")], 36)

    assert walked == _expected(schedule)
