"""Reads for the reports. Each returns plain dataclasses; none hands a queryset to an interface.

Aged debt reads the totals each close of business leaves (a few hundred rows a date, whatever
the size of the book). Roll rates are one set-based query over the bucket transitions: a GROUP BY
finds each account's transitions either side of each date, and a second GROUP BY counts the
accounts per pair of buckets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection

from recoup.arrears.buckets import CURRENT, DEFAULT_BUCKETS, boundaries_parse, buckets_from_boundaries
from recoup.arrears.models import AgedDebtTotal, ArrearsState, BucketScheme, BucketTransition
from recoup.kernel.errors import DomainError
from recoup.portfolio.models import Contract, Product
from recoup.reporting.aged_debt import AgedDebtGroup, AgedDebtReport, AgedDebtTotalIn, aged_debt_assemble
from recoup.reporting.charts import BarChart, HeatMap, bar_chart, heat_map
from recoup.reporting.errors import DateNotClosed, PeriodInvalid
from recoup.reporting.inputs import by_parse, date_parse
from recoup.reporting.ordering import BucketHeading, bucket_order
from recoup.reporting.roll_rates import RollCountIn, RollMatrix, RollRateReport, roll_rates_assemble

DATES_NAMED = 10


def closed_dates() -> list[date]:
    """The business dates a close of business has left aged-debt totals for, latest first."""
    return list(
        AgedDebtTotal.objects.order_by("-business_date").values_list("business_date", flat=True).distinct()
    )


def _bucket_headings() -> tuple[BucketHeading, ...]:
    """The buckets of every scheme in order; the standard buckets when no scheme is stored."""
    schemes = [
        buckets_from_boundaries(boundaries_parse(text))
        for text in BucketScheme.objects.order_by("id").values_list("boundaries", flat=True)
    ]
    return bucket_order(schemes or [DEFAULT_BUCKETS])


def _dates_named(dates: list[date]) -> str:
    if not dates:
        return "no business date has been closed yet (run recoup cob)"
    if len(dates) <= DATES_NAMED:
        return "closed dates are " + ", ".join(d.isoformat() for d in sorted(dates))
    return (
        f"{len(dates)} dates are closed, from {min(dates).isoformat()} to {max(dates).isoformat()}; "
        f"the latest are " + ", ".join(d.isoformat() for d in sorted(dates)[-DATES_NAMED:])
    )


def aged_debt_report(*, as_of: date, by: tuple[str, ...]) -> AgedDebtReport:
    """Accounts, balances and arrears per bucket and group on a closed business date.

    `by` comes from `inputs.by_parse` and so always includes "currency".
    Raises DateNotClosed (field "as_of") naming the dates that are closed.
    """
    rows = list(
        AgedDebtTotal.objects.filter(business_date=as_of).values_list(
            "product_code", "jurisdiction", "currency", "bucket", "accounts", "balance_minor", "arrears_minor"
        )
    )
    if not rows:
        raise DateNotClosed(
            f"as_of: {as_of.isoformat()} has not been closed; {_dates_named(closed_dates())}", field="as_of"
        )
    return aged_debt_assemble(
        as_of=as_of,
        by=by,
        buckets=_bucket_headings(),
        totals=(AgedDebtTotalIn(*row) for row in rows),
    )


def _roll_counts_sql() -> str:
    contract = Contract._meta.db_table
    product = Product._meta.db_table
    transition = BucketTransition._meta.db_table
    state = ArrearsState._meta.db_table
    # The bucket at a date is the to_bucket of the account's last transition on or before it.
    # With none, it is the from_bucket of its first transition after (a book converted in arrears
    # gets no opening transition), else the bucket its arrears state has held all along, else
    # "current". One GROUP BY over the transitions finds the four days for both dates.
    return f"""
        WITH days AS (
            SELECT contract_id,
                   MAX(CASE WHEN business_date <= %(from_date)s THEN business_date END) AS from_last,
                   MIN(CASE WHEN business_date > %(from_date)s THEN business_date END) AS from_next,
                   MAX(CASE WHEN business_date <= %(to_date)s THEN business_date END) AS to_last,
                   MIN(CASE WHEN business_date > %(to_date)s THEN business_date END) AS to_next
            FROM {transition}
            GROUP BY contract_id
        ),
        account AS (
            SELECT p.code AS product, c.jurisdiction AS jurisdiction, c.currency AS currency,
                   COALESCE(fl.to_bucket, fn.from_bucket, s.bucket, 'current') AS from_bucket,
                   COALESCE(tl.to_bucket, tn.from_bucket, s.bucket, 'current') AS to_bucket,
                   COALESCE(s.receivable_minor, 0) AS receivable_minor
            FROM {contract} c
            JOIN {product} p ON p.id = c.product_id
            LEFT JOIN days d ON d.contract_id = c.id
            LEFT JOIN {transition} fl ON fl.contract_id = c.id AND fl.business_date = d.from_last
            LEFT JOIN {transition} fn ON fn.contract_id = c.id AND fn.business_date = d.from_next
            LEFT JOIN {transition} tl ON tl.contract_id = c.id AND tl.business_date = d.to_last
            LEFT JOIN {transition} tn ON tn.contract_id = c.id AND tn.business_date = d.to_next
            LEFT JOIN {state} s ON s.contract_id = c.id
            WHERE c.origination_date <= %(from_date)s
        )
        SELECT product, jurisdiction, currency, from_bucket, to_bucket,
               COUNT(*), COALESCE(SUM(receivable_minor), 0)
        FROM account
        GROUP BY product, jurisdiction, currency, from_bucket, to_bucket
    """  # noqa: S608 — table names come from the models, the dates are parameters


def roll_rates_report(*, from_date: date, to_date: date, by: tuple[str, ...]) -> RollRateReport:
    """Where the accounts open on `from_date` stood on `to_date`, bucket by bucket, per group.

    An account's bucket at a date is the one its last transition on or before the date moved it
    to; before its first transition, the one that transition moved it from. Each cell counts
    accounts and adds up their receivable after the latest close of business.
    Raises PeriodInvalid (field "from") when from_date is after to_date, DateNotClosed (field
    "to") when to_date is past the latest closed business date.
    """
    if from_date > to_date:
        raise PeriodInvalid(
            f"from: {from_date.isoformat()} is after to ({to_date.isoformat()})", field="from"
        )
    dates = closed_dates()
    if not dates or to_date > dates[0]:
        raise DateNotClosed(
            f"to: {to_date.isoformat()} has not been closed; {_dates_named(dates)}", field="to"
        )
    with connection.cursor() as cursor:
        cursor.execute(_roll_counts_sql(), {"from_date": from_date, "to_date": to_date})
        counts = [
            RollCountIn(product, jurisdiction, currency, from_bucket, to_bucket, int(n), int(receivable))
            for product, jurisdiction, currency, from_bucket, to_bucket, n, receivable in cursor.fetchall()
        ]
    return roll_rates_assemble(
        from_date=from_date, to_date=to_date, by=by, buckets=_bucket_headings(), counts=counts
    )


@dataclass(frozen=True)
class CurrencyChart:
    total: AgedDebtGroup  # the currency's whole book
    chart: BarChart  # its balances by bucket


@dataclass(frozen=True)
class AgedDebtPage:
    dates: list[date]  # closed dates, latest first
    as_of: date | None
    by: tuple[str, ...]
    report: AgedDebtReport | None  # None when no date has been closed, or the input was bad
    currencies: tuple[CurrencyChart, ...]
    error: DomainError | None = None  # what was wrong with the input, naming its field


def aged_debt_page(*, as_of: str | None, by: Sequence[str]) -> AgedDebtPage:
    """The aged-debt page from its input as typed: the closed dates, the report and its charts.

    Without `as_of`, the latest closed date. Bad input comes back in `error`, not raised, so the
    page can show the form again with the dates to choose from.
    """
    dates = closed_dates()
    try:
        keys = by_parse(by)
        chosen = date_parse(as_of, field="as_of") if as_of else (dates[0] if dates else None)
        if chosen is None:
            return AgedDebtPage(dates=dates, as_of=None, by=keys, report=None, currencies=())
        report = aged_debt_report(as_of=chosen, by=keys)
    except DomainError as error:
        return AgedDebtPage(
            dates=dates, as_of=None, by=("currency",), report=None, currencies=(), error=error
        )
    currencies = tuple(
        CurrencyChart(
            total=total,
            chart=bar_chart(
                title=f"{total.currency} balance by bucket on {report.as_of.isoformat()}",
                bars=[(f.label, f.balance, f.accounts) for f in total.buckets],
            ),
        )
        for total in report.totals
    )
    return AgedDebtPage(dates=dates, as_of=chosen, by=keys, report=report, currencies=currencies)


@dataclass(frozen=True)
class RollMatrixView:
    matrix: RollMatrix
    heat_map: HeatMap


@dataclass(frozen=True)
class RollRatesPage:
    dates: list[date]  # closed dates, latest first
    from_date: date | None
    to_date: date | None
    by: tuple[str, ...]
    report: RollRateReport | None
    matrices: tuple[RollMatrixView, ...]
    error: DomainError | None = None


DEFAULT_PERIOD_DATES = 31


def roll_rates_page(*, from_date: str | None, to_date: str | None, by: Sequence[str]) -> RollRatesPage:
    """The roll-rate page from its input as typed: closed dates, the report and a heat map per matrix.

    Without dates, to the latest closed date, from the 31st closed date back from it. Bad input comes
    back in `error`, as on the aged-debt page.
    """
    dates = closed_dates()
    try:
        keys = by_parse(by)
        start = date_parse(from_date, field="from") if from_date else None
        end = date_parse(to_date, field="to") if to_date else None
        if not dates and start is None and end is None:
            return RollRatesPage(dates, None, None, keys, None, ())
        end = end or (dates[0] if dates else start)
        assert end is not None
        earlier = [d for d in dates if d <= end] or [end]
        start = start or earlier[min(len(earlier), DEFAULT_PERIOD_DATES) - 1]
        report = roll_rates_report(from_date=start, to_date=end, by=keys)
    except DomainError as error:
        return RollRatesPage(dates, None, None, ("currency",), None, (), error=error)
    # Codes ("30-59") rather than labels ("30-59 days") fit the heat map's columns.
    labels = [heading.label if heading.code == CURRENT else heading.code for heading in report.buckets]
    views = tuple(
        RollMatrixView(
            matrix=matrix,
            heat_map=heat_map(
                title=f"Roll rates, {matrix.title}, {start.isoformat()} to {end.isoformat()}",
                matrix=matrix,
                labels=labels,
                from_label=start.isoformat(),
                to_label=end.isoformat(),
            ),
        )
        for matrix in report.matrices
    )
    return RollRatesPage(dates, start, end, keys, report, views)
