from datetime import date
from decimal import Decimal

from recoup.arrears.buckets import buckets_from_boundaries
from recoup.kernel.money import Money
from recoup.reporting.charts import bar_chart, compact_amount, heat_fill, heat_map, nice_ceiling
from recoup.reporting.ordering import bucket_order
from recoup.reporting.roll_rates import RollCountIn, roll_rates_assemble


def test_axis_amounts_are_short():
    assert compact_amount(1_234_567_00, "USD") == "$1.2M"
    assert compact_amount(980_00, "GBP") == "£980"
    assert compact_amount(45_000_00, "USD") == "$45k"
    assert compact_amount(0, "USD") == "$0"


def test_the_axis_ends_at_a_round_number_above_the_tallest_bar():
    assert nice_ceiling(9_000, steps=4) == 10_000
    assert nice_ceiling(1_000, steps=4) == 1_000
    assert nice_ceiling(1_001, steps=4) == 2_000
    assert nice_ceiling(0, steps=4) == 4


def test_bars_are_as_tall_as_their_share_of_the_axis():
    chart = bar_chart(
        title="USD balance by bucket",
        bars=[("Current", Money(100_000_00, "USD"), 9), ("1-29 days", Money(25_000_00, "USD"), 2)],
        height=268,
    )

    current, late = chart.bars
    assert current.height == 200  # the plot is 268 - 24 - 44 high, the axis ends at exactly $100k
    assert late.height == 50
    assert current.y + current.height == late.y + late.height == chart.plot_bottom
    assert late.title == "1-29 days: 25000.00 USD, 2 accounts"
    assert chart.ticks[-1].label == "$100k"


def test_the_heat_map_shades_by_rate_and_leaves_empty_rows_blank():
    report = roll_rates_assemble(
        from_date=date(2024, 5, 31),
        to_date=date(2024, 6, 30),
        by=("currency",),
        buckets=bucket_order([buckets_from_boundaries((1, 30))]),
        counts=[RollCountIn("P", "US-TX", "USD", "current", "current", 3, 0)],
    )
    labels = [h.label for h in report.buckets]

    chart = heat_map(title="t", matrix=report.matrices[0], labels=labels, from_label="a", to_label="b")

    assert len(chart.cells) == 9
    assert chart.cells[0].fill == "#2456b8"
    assert chart.cells[0].text == "100.0%"
    assert chart.cells[1].fill == "#ffffff"
    assert chart.cells[3].text == "–"
    assert heat_fill(Decimal("50.0")) == ("#92aadc", "#ffffff")
