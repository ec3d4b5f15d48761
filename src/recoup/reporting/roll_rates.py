"""Roll rates: where the accounts in each bucket on one date stood on a later date.

Pure: the query hands in counts per (group, from bucket, to bucket), already summed by SQL; this
module lays them out as one matrix per group, with each cell's share of its from-bucket row in
percent, rounded half-even to 0.1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from recoup.kernel.money import Money
from recoup.reporting.ordering import BucketHeading, buckets_with

RATE_STEP = Decimal("0.1")


@dataclass(frozen=True)
class RollCountIn:
    """Accounts of one product, jurisdiction and currency that went from one bucket to another."""

    product: str
    jurisdiction: str
    currency: str
    from_bucket: str
    to_bucket: str
    accounts: int
    receivable_minor: int

    def key(self, by: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in by)


@dataclass(frozen=True)
class RollCell:
    to_bucket: str
    accounts: int
    receivable: Money
    rate: Decimal | None  # percent of the row's accounts; None when the row has none


@dataclass(frozen=True)
class RollRow:
    from_bucket: str
    label: str
    accounts: int
    receivable: Money
    cells: tuple[RollCell, ...]


@dataclass(frozen=True)
class RollMatrix:
    keys: tuple[tuple[str, str], ...]
    currency: str
    rows: tuple[RollRow, ...]
    accounts: int
    receivable: Money

    @property
    def title(self) -> str:
        return " · ".join(value for _, value in self.keys)


@dataclass(frozen=True)
class RollRateReport:
    from_date: date
    to_date: date
    by: tuple[str, ...]
    buckets: tuple[BucketHeading, ...]
    matrices: tuple[RollMatrix, ...]


def rate_percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, half-even to 0.1; None when `whole` is zero."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(RATE_STEP, rounding=ROUND_HALF_EVEN)


def roll_rates_assemble(
    *,
    from_date: date,
    to_date: date,
    by: tuple[str, ...],
    buckets: tuple[BucketHeading, ...],
    counts: Iterable[RollCountIn],
) -> RollRateReport:
    """One matrix per group of `by` (which must include "currency"), rows and columns in bucket order."""
    if "currency" not in by:
        raise ValueError("roll rates are always grouped by currency")
    counts = list(counts)
    buckets = buckets_with(buckets, (code for c in counts for code in (c.from_bucket, c.to_bucket)))
    sums: dict[tuple[str, ...], dict[tuple[str, str], list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for count in counts:
        cell = sums[count.key(by)][(count.from_bucket, count.to_bucket)]
        cell[0] += count.accounts
        cell[1] += count.receivable_minor
    currency_at = by.index("currency")
    matrices = tuple(
        _matrix(tuple(zip(by, key, strict=True)), key[currency_at], buckets, sums[key])
        for key in sorted(sums)
    )
    return RollRateReport(from_date=from_date, to_date=to_date, by=by, buckets=buckets, matrices=matrices)


def _matrix(
    keys: tuple[tuple[str, str], ...],
    currency: str,
    buckets: tuple[BucketHeading, ...],
    sums: dict[tuple[str, str], list[int]],
) -> RollMatrix:
    rows = []
    for source in buckets:
        counts = [sums.get((source.code, target.code), [0, 0]) for target in buckets]
        accounts = sum(c[0] for c in counts)
        cells = tuple(
            RollCell(target.code, c[0], Money(c[1], currency), rate_percent(c[0], accounts))
            for target, c in zip(buckets, counts, strict=True)
        )
        rows.append(
            RollRow(source.code, source.label, accounts, Money(sum(c[1] for c in counts), currency), cells)
        )
    return RollMatrix(
        keys=keys,
        currency=currency,
        rows=tuple(rows),
        accounts=sum(r.accounts for r in rows),
        receivable=Money(sum(r.receivable.minor for r in rows), currency),
    )
