"""Aged debt: accounts, balances and arrears per bucket and group on one business date.

Pure: the query hands in the pre-aggregated totals the close of business left, this module
groups them as asked. Amounts are Money; nothing in different currencies is ever added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from recoup.kernel.money import Money
from recoup.reporting.ordering import BucketHeading, buckets_with


@dataclass(frozen=True)
class AgedDebtTotalIn:
    """One stored total: a product, jurisdiction, currency and bucket on the report's date."""

    product: str
    jurisdiction: str
    currency: str
    bucket: str
    accounts: int
    balance_minor: int
    arrears_minor: int

    def key(self, by: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in by)


@dataclass(frozen=True)
class BucketFigures:
    bucket: str
    label: str
    accounts: int
    balance: Money
    arrears: Money


@dataclass(frozen=True)
class AgedDebtGroup:
    """One group's buckets, every bucket of the report in order, empty ones as zero."""

    keys: tuple[tuple[str, str], ...]  # (key, value) in the report's `by` order
    currency: str
    buckets: tuple[BucketFigures, ...]
    accounts: int
    balance: Money
    arrears: Money

    @property
    def title(self) -> str:
        return " · ".join(value for _, value in self.keys)


@dataclass(frozen=True)
class AgedDebtRow:
    """A flat row: one group and bucket, for CSV, XLSX and JSON."""

    keys: tuple[tuple[str, str], ...]
    bucket: str
    accounts: int
    balance: Money
    arrears: Money


@dataclass(frozen=True)
class AgedDebtReport:
    as_of: date
    by: tuple[str, ...]
    buckets: tuple[BucketHeading, ...]
    groups: tuple[AgedDebtGroup, ...]
    totals: tuple[AgedDebtGroup, ...]  # one per currency, keyed by currency alone

    @property
    def rows(self) -> list[AgedDebtRow]:
        return [
            AgedDebtRow(group.keys, figures.bucket, figures.accounts, figures.balance, figures.arrears)
            for group in self.groups
            for figures in group.buckets
        ]


def aged_debt_assemble(
    *,
    as_of: date,
    by: tuple[str, ...],
    buckets: tuple[BucketHeading, ...],
    totals: Iterable[AgedDebtTotalIn],
) -> AgedDebtReport:
    """Group the stored totals by `by` (which must include "currency"), buckets in `buckets` order.

    A bucket code missing from `buckets` is added after them rather than dropped.
    """
    if "currency" not in by:
        raise ValueError("aged debt is always grouped by currency")
    totals = list(totals)
    buckets = buckets_with(buckets, (total.bucket for total in totals))
    sums: dict[tuple[str, ...], dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for total in totals:
        cell = sums[total.key(by)][total.bucket]
        cell[0] += total.accounts
        cell[1] += total.balance_minor
        cell[2] += total.arrears_minor
    currency_at = by.index("currency")
    groups = tuple(
        _group(tuple(zip(by, key, strict=True)), key[currency_at], buckets, sums[key]) for key in sorted(sums)
    )
    per_currency: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for key in sums:
        for bucket, (accounts, balance, arrears) in sums[key].items():
            cell = per_currency[key[currency_at]][bucket]
            cell[0] += accounts
            cell[1] += balance
            cell[2] += arrears
    currency_totals = tuple(
        _group((("currency", currency),), currency, buckets, per_currency[currency])
        for currency in sorted(per_currency)
    )
    return AgedDebtReport(as_of=as_of, by=by, buckets=buckets, groups=groups, totals=currency_totals)


def _group(
    keys: tuple[tuple[str, str], ...],
    currency: str,
    buckets: tuple[BucketHeading, ...],
    sums: dict[str, list[int]],
) -> AgedDebtGroup:
    figures = tuple(
        BucketFigures(
            bucket=heading.code,
            label=heading.label,
            accounts=sums[heading.code][0] if heading.code in sums else 0,
            balance=Money(sums[heading.code][1] if heading.code in sums else 0, currency),
            arrears=Money(sums[heading.code][2] if heading.code in sums else 0, currency),
        )
        for heading in buckets
    )
    return AgedDebtGroup(
        keys=keys,
        currency=currency,
        buckets=figures,
        accounts=sum(f.accounts for f in figures),
        balance=Money(sum(f.balance.minor for f in figures), currency),
        arrears=Money(sum(f.arrears.minor for f in figures), currency),
    )
