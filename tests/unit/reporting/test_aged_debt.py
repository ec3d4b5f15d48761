from datetime import date

import pytest

from recoup.arrears.buckets import DEFAULT_BUCKETS
from recoup.kernel.money import Money
from recoup.reporting.aged_debt import AgedDebtTotalIn, aged_debt_assemble
from recoup.reporting.ordering import bucket_order

AS_OF = date(2024, 6, 14)
BUCKETS = bucket_order([DEFAULT_BUCKETS])


def total(product, jurisdiction, currency, bucket, accounts, balance, arrears=0):
    return AgedDebtTotalIn(product, jurisdiction, currency, bucket, accounts, balance, arrears)


BOOK = [
    total("US-RIC", "US-TX", "USD", "30-59", 2, 20_000_00, 900_00),
    total("US-RIC", "US-TX", "USD", "current", 10, 150_000_00),
    total("US-RIC", "US-CA", "USD", "current", 5, 80_000_00),
    total("US-LEASE", "US-TX", "USD", "180+", 1, 9_000_00, 3_000_00),
    total("UK-PCP", "GB-ENG", "GBP", "current", 7, 70_000_00),
    total("UK-PCP", "GB-SCT", "GBP", "1-29", 1, 12_000_00, 250_00),
]


def test_without_grouping_each_currency_is_one_group_in_bucket_order():
    report = aged_debt_assemble(as_of=AS_OF, by=("currency",), buckets=BUCKETS, totals=BOOK)

    assert [g.keys for g in report.groups] == [(("currency", "GBP"),), (("currency", "USD"),)]
    usd = report.groups[1]
    assert [f.bucket for f in usd.buckets] == [h.code for h in BUCKETS]
    assert BUCKETS[0].code == "current"
    assert BUCKETS[-1].code == "180+"
    assert [f.accounts for f in usd.buckets] == [15, 0, 2, 0, 0, 0, 1]
    assert usd.buckets[0].balance == Money(230_000_00, "USD")
    assert usd.balance == Money(259_000_00, "USD")
    assert usd.arrears == Money(3_900_00, "USD")


def test_totals_are_per_currency_and_never_add_pounds_to_dollars():
    report = aged_debt_assemble(as_of=AS_OF, by=("product", "currency"), buckets=BUCKETS, totals=BOOK)

    assert [(t.currency, t.accounts, t.balance) for t in report.totals] == [
        ("GBP", 8, Money(82_000_00, "GBP")),
        ("USD", 18, Money(259_000_00, "USD")),
    ]


def test_grouping_by_product_and_jurisdiction_gives_one_row_per_group_and_bucket():
    report = aged_debt_assemble(
        as_of=AS_OF, by=("product", "jurisdiction", "currency"), buckets=BUCKETS, totals=BOOK
    )

    assert [g.title for g in report.groups] == [
        "UK-PCP · GB-ENG · GBP",
        "UK-PCP · GB-SCT · GBP",
        "US-LEASE · US-TX · USD",
        "US-RIC · US-CA · USD",
        "US-RIC · US-TX · USD",
    ]
    assert len(report.rows) == 5 * 7
    tx = report.groups[4]
    assert (tx.accounts, tx.balance, tx.arrears) == (12, Money(170_000_00, "USD"), Money(900_00, "USD"))


def test_a_bucket_no_scheme_knows_is_reported_after_the_others_not_dropped():
    report = aged_debt_assemble(
        as_of=AS_OF, by=("currency",), buckets=BUCKETS, totals=[total("X", "US-TX", "USD", "repo", 1, 5_00)]
    )

    assert report.buckets[-1].code == "repo"
    assert report.groups[0].buckets[-1].balance == Money(5_00, "USD")


def test_a_report_not_grouped_by_currency_is_refused():
    with pytest.raises(ValueError, match="currency"):
        aged_debt_assemble(as_of=AS_OF, by=("product",), buckets=BUCKETS, totals=BOOK)
