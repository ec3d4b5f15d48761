from datetime import date
from decimal import Decimal

import pytest

from recoup.arrears.buckets import DEFAULT_BUCKETS
from recoup.arrears.models import ArrearsState, BucketScheme
from recoup.kernel.money import Money
from recoup.reporting import queries
from recoup.reporting.errors import DateNotClosed, PeriodInvalid
from tests.integration.reporting.factories import contract_make, total_make, transition_make

pytestmark = pytest.mark.django_db

FROM, TO = date(2024, 5, 31), date(2024, 6, 30)


def test_aged_debt_reads_the_totals_of_its_date_in_the_scheme_order():
    total_make(date(2024, 6, 13), "current", 99, 1_00)
    total_make(date(2024, 6, 14), "90-119", 1, 9_000_00, 1_200_00)
    total_make(date(2024, 6, 14), "current", 4, 60_000_00)
    total_make(
        date(2024, 6, 14), "current", 2, 30_000_00, product="UK-HP", jurisdiction="GB-ENG", currency="GBP"
    )

    report = queries.aged_debt_report(as_of=date(2024, 6, 14), by=("currency",))

    usd = report.groups[1]
    assert [h.code for h in report.buckets][:5] == ["current", "1-29", "30-59", "60-89", "90-119"]
    assert (usd.buckets[0].accounts, usd.buckets[4].accounts) == (4, 1)
    assert usd.balance == Money(69_000_00, "USD")
    assert [t.balance for t in report.totals] == [Money(30_000_00, "GBP"), Money(69_000_00, "USD")]


def test_aged_debt_follows_a_lenders_own_bucket_scheme():
    BucketScheme.objects.all().delete()
    BucketScheme.objects.create(code="short", name="Short", boundaries="1 31 61")
    total_make(date(2024, 6, 14), "61+", 1, 5_00)

    report = queries.aged_debt_report(as_of=date(2024, 6, 14), by=("currency",))

    assert [h.code for h in report.buckets] == ["current", "1-30", "31-60", "61+"]


def test_aged_debt_of_a_date_never_closed_names_as_of_and_the_closed_dates():
    total_make(date(2024, 6, 13), "current", 1, 1_00)
    total_make(date(2024, 6, 14), "current", 1, 1_00)

    with pytest.raises(DateNotClosed) as raised:
        queries.aged_debt_report(as_of=date(2024, 6, 15), by=("currency",))

    assert raised.value.field == "as_of"
    assert raised.value.message == (
        "as_of: 2024-06-15 has not been closed; closed dates are 2024-06-13, 2024-06-14"
    )


def test_aged_debt_before_any_close_says_so():
    with pytest.raises(DateNotClosed, match="no business date has been closed yet"):
        queries.aged_debt_report(as_of=date(2024, 6, 15), by=("currency",))


@pytest.fixture
def history() -> None:
    """A hand-built bucket history between the end of May and the end of June 2024."""
    contract_make(receivable_minor=10_000_00)  # never late: current to current
    rolled = contract_make(receivable_minor=8_000_00)
    transition_make(rolled, date(2024, 5, 10), "current", "1-29")
    transition_make(rolled, date(2024, 6, 10), "1-29", "30-59")
    cured = contract_make(receivable_minor=7_000_00)
    transition_make(cured, date(2024, 5, 20), "current", "1-29")
    transition_make(cured, date(2024, 6, 5), "1-29", "current")
    late_after = contract_make()  # no arrears state: its receivable counts as nothing
    transition_make(late_after, date(2024, 7, 5), "current", "1-29")
    on_the_days = contract_make(receivable_minor=6_000_00)
    transition_make(on_the_days, FROM, "current", "1-29")
    transition_make(on_the_days, TO, "1-29", "30-59")
    too_new = contract_make(originated=date(2024, 6, 10), receivable_minor=5_000_00)
    transition_make(too_new, date(2024, 6, 20), "current", "1-29")
    contract_make(product="UK-HP", jurisdiction="GB-ENG", receivable_minor=4_000_00)
    total_make(TO, "current", 1, 1_00)


@pytest.mark.usefixtures("history")
def test_roll_rates_move_each_account_from_its_bucket_at_the_start_to_its_bucket_at_the_end():
    report = queries.roll_rates_report(from_date=FROM, to_date=TO, by=("currency",))

    gbp, usd = report.matrices
    assert gbp.accounts == 1
    assert usd.accounts == 5  # the account originated after the start is not in it
    current, early = usd.rows[0], usd.rows[1]
    assert [c.accounts for c in current.cells][:3] == [2, 0, 0]
    assert current.cells[0].rate == Decimal("100.0")
    assert current.receivable == Money(10_000_00, "USD")
    assert [c.accounts for c in early.cells][:3] == [1, 0, 2]
    assert [c.rate for c in early.cells][:3] == [Decimal("33.3"), Decimal("0.0"), Decimal("66.7")]
    assert early.cells[2].receivable == Money(14_000_00, "USD")
    assert all(row.accounts == 0 for row in usd.rows[2:])


@pytest.mark.usefixtures("history")
def test_roll_rates_by_product_split_the_matrices():
    report = queries.roll_rates_report(from_date=FROM, to_date=TO, by=("product", "currency"))

    assert [m.title for m in report.matrices] == ["UK-HP · GBP", "US-RIC · USD"]


@pytest.mark.usefixtures("history")
def test_roll_rates_over_a_single_day_leave_everyone_where_they_were():
    report = queries.roll_rates_report(from_date=TO, to_date=TO, by=("currency",))

    usd = report.matrices[1]
    assert [row.cells[i].accounts for i, row in enumerate(usd.rows)][:3] == [3, 1, 2]
    assert usd.accounts == 6  # on its own last day the newer account was open


def test_an_account_converted_in_arrears_is_in_the_bucket_its_first_transition_left():
    converted = contract_make(receivable_minor=9_000_00)  # the first close found it 30-59, no transition
    transition_make(converted, date(2024, 6, 20), "30-59", "60-89")
    unchanged = contract_make(receivable_minor=5_000_00)
    ArrearsState.objects.filter(contract=unchanged).update(bucket="90-119")
    total_make(TO, "current", 1, 1_00)

    report = queries.roll_rates_report(from_date=FROM, to_date=TO, by=("currency",))

    rows = {row.from_bucket: row for row in report.matrices[0].rows}
    assert [(c.to_bucket, c.accounts) for c in rows["30-59"].cells if c.accounts] == [("60-89", 1)]
    assert [(c.to_bucket, c.accounts) for c in rows["90-119"].cells if c.accounts] == [("90-119", 1)]
    assert rows["current"].accounts == 0


def test_roll_rates_refuse_a_start_after_the_end():
    with pytest.raises(PeriodInvalid) as raised:
        queries.roll_rates_report(from_date=TO, to_date=FROM, by=("currency",))

    assert raised.value.field == "from"


def test_roll_rates_refuse_an_end_not_yet_closed():
    total_make(FROM, "current", 1, 1_00)

    with pytest.raises(DateNotClosed) as raised:
        queries.roll_rates_report(from_date=FROM, to_date=TO, by=("currency",))

    assert raised.value.field == "to"
    assert "closed dates are 2024-05-31" in raised.value.message


def test_without_a_stored_scheme_the_standard_buckets_are_used():
    BucketScheme.objects.all().delete()
    total_make(date(2024, 6, 14), "30-59", 1, 5_00)

    report = queries.aged_debt_report(as_of=date(2024, 6, 14), by=("currency",))

    assert [h.code for h in report.buckets] == [b.code for b in DEFAULT_BUCKETS]
