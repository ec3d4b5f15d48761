from datetime import date
from decimal import Decimal

from recoup.arrears.buckets import buckets_from_boundaries
from recoup.kernel.money import Money
from recoup.reporting.ordering import bucket_order
from recoup.reporting.roll_rates import RollCountIn, rate_percent, roll_rates_assemble

BUCKETS = bucket_order([buckets_from_boundaries((1, 30, 60))])


def count(from_bucket, to_bucket, accounts, receivable=0, currency="USD", product="US-RIC"):
    return RollCountIn(product, "US-TX", currency, from_bucket, to_bucket, accounts, receivable)


def test_rates_are_shares_of_the_from_bucket_row_rounded_half_even_to_a_tenth():
    report = roll_rates_assemble(
        from_date=date(2024, 5, 31),
        to_date=date(2024, 6, 30),
        by=("currency",),
        buckets=BUCKETS,
        counts=[count("current", "current", 5), count("current", "1-29", 3), count("1-29", "current", 1)],
    )

    matrix = report.matrices[0]
    current = matrix.rows[0]
    assert [c.rate for c in current.cells] == [Decimal(r) for r in ("62.5", "37.5", "0.0", "0.0")]
    cured = matrix.rows[1]
    assert [c.accounts for c in cured.cells] == [1, 0, 0, 0]
    assert cured.cells[0].rate == Decimal("100.0")
    assert matrix.rows[2].cells[0].rate is None  # nobody was 30-59 days past due
    assert matrix.accounts == 9


def test_rounding_is_half_even():
    assert rate_percent(1, 3) == Decimal("33.3")
    assert rate_percent(2, 3) == Decimal("66.7")
    assert rate_percent(1, 16) == Decimal("6.2")  # 6.25 goes to the even tenth
    assert rate_percent(3, 16) == Decimal("18.8")  # 18.75 too
    assert rate_percent(0, 0) is None


def test_matrices_are_per_currency_with_receivables_in_their_own_currency():
    report = roll_rates_assemble(
        from_date=date(2024, 5, 31),
        to_date=date(2024, 6, 30),
        by=("product", "currency"),
        buckets=BUCKETS,
        counts=[
            count("current", "current", 2, 10_000_00),
            count("current", "current", 1, 7_000_00, currency="GBP", product="UK-HP"),
        ],
    )

    assert [(m.title, m.receivable) for m in report.matrices] == [
        ("UK-HP · GBP", Money(7_000_00, "GBP")),
        ("US-RIC · USD", Money(10_000_00, "USD")),
    ]
