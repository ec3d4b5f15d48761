"""Charts as geometry for server-rendered SVG: bars of balance by bucket, a roll-rate heat map.

Pure: no Django. Coordinates are whole user units of the SVG's viewBox; amounts are scaled with
integer arithmetic on minor units and rates with Decimal, so no float is involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from recoup.kernel.money import CURRENCY_EXPONENTS, Money
from recoup.reporting.roll_rates import RollMatrix

SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$"}
# From current (green) through early arrears (blues) to late arrears (ambers and reds).
BUCKET_FILLS = ("#3c8d63", "#8fb3e8", "#5b8bd9", "#2456b8", "#d08a1e", "#c2561b", "#a8251a")
HEAT_LOW = (255, 255, 255)
HEAT_HIGH = (36, 86, 184)  # the app's accent
HEAT_EMPTY = "#f4f6f8"


def compact_amount(minor: int, currency: str) -> str:
    """An amount short enough for an axis: 1234567_00 USD → "$1.2M", 98000 GBP → "£980"."""
    amount = Decimal(minor).scaleb(-CURRENCY_EXPONENTS.get(currency, 2))
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for size, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k")):
        if amount >= size:
            scaled = amount / size
            step = Decimal("0.1") if scaled < 10 else Decimal(1)
            text = f"{scaled.quantize(step, rounding=ROUND_HALF_EVEN).normalize():f}"
            return f"{sign}{SYMBOLS.get(currency, '')}{text}{suffix}"
    return f"{sign}{SYMBOLS.get(currency, '')}{amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)}"


def nice_ceiling(value: int, *, steps: int) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10^k step that `steps` of reach `value`, times `steps`."""
    if value <= 0:
        return steps
    target = -(-value // steps)
    power = 10 ** (len(str(target)) - 1)
    for numerator, denominator in ((1, 1), (2, 1), (5, 2), (5, 1), (10, 1)):
        step = power * numerator // denominator
        if step >= target:
            return step * steps
    return power * 10 * steps


@dataclass(frozen=True)
class Bar:
    label: str
    x: int
    y: int
    width: int
    height: int
    fill: str
    value_label: str
    title: str  # the tooltip and the bar's accessible name

    @property
    def label_x(self) -> int:
        return self.x + self.width // 2


@dataclass(frozen=True)
class Tick:
    y: int
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]


def bar_chart(
    *, title: str, bars: Sequence[tuple[str, Money, int]], width: int = 720, height: int = 280
) -> BarChart:
    """Bars of money, one per (label, amount, accounts), on an axis from zero to a round maximum."""
    left, right, top, bottom = 68, 12, 24, 44
    plot_width, plot_height = width - left - right, height - top - bottom
    currency = bars[0][1].currency if bars else "USD"
    steps = 4
    ceiling = nice_ceiling(max((amount.minor for _, amount, _ in bars), default=0), steps=steps)
    slot = plot_width // max(len(bars), 1)
    bar_width = slot * 3 // 5
    shapes = []
    for index, (label, amount, accounts) in enumerate(bars):
        bar_height = max(amount.minor, 0) * plot_height // ceiling
        shapes.append(
            Bar(
                label=label,
                x=left + index * slot + (slot - bar_width) // 2,
                y=top + plot_height - bar_height,
                width=bar_width,
                height=bar_height,
                fill=BUCKET_FILLS[min(index, len(BUCKET_FILLS) - 1)],
                value_label=compact_amount(amount.minor, currency),
                title=f"{label}: {amount} {currency}, {accounts} accounts",
            )
        )
    ticks = tuple(
        Tick(
            y=top + plot_height - plot_height * i // steps,
            label=compact_amount(ceiling * i // steps, currency),
        )
        for i in range(steps + 1)
    )
    description = "; ".join(bar.title for bar in shapes)
    return BarChart(
        title=title,
        description=description,
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        plot_bottom=top + plot_height,
        bars=tuple(shapes),
        ticks=ticks,
    )


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    fill: str
    text_fill: str
    text: str
    title: str

    @property
    def text_x(self) -> int:
        return self.x + HEAT_CELL_WIDTH // 2

    @property
    def text_y(self) -> int:
        return self.y + HEAT_CELL_HEIGHT // 2 + 5


@dataclass(frozen=True)
class AxisLabel:
    x: int
    y: int
    text: str


HEAT_CELL_WIDTH = 72
HEAT_CELL_HEIGHT = 34
HEAT_LEFT = 104
HEAT_TOP = 52


@dataclass(frozen=True)
class HeatMap:
    title: str
    description: str
    width: int
    height: int
    cell_width: int
    cell_height: int
    cells: tuple[HeatCell, ...]
    row_labels: tuple[AxisLabel, ...]
    column_labels: tuple[AxisLabel, ...]
    row_axis: str
    column_axis: str


def heat_fill(rate: Decimal | None) -> tuple[str, str]:
    """A cell's fill, from white at 0 % to the accent at 100 %, and a text colour that reads on it."""
    if rate is None:
        return HEAT_EMPTY, "#8a95a3"
    share = min(max(rate, Decimal(0)), Decimal(100)) / 100
    channels = [
        int((Decimal(low) + (Decimal(high) - Decimal(low)) * share).quantize(Decimal(1)))
        for low, high in zip(HEAT_LOW, HEAT_HIGH, strict=True)
    ]
    text = "#ffffff" if rate >= 50 else "#17202b"
    return "#{:02x}{:02x}{:02x}".format(*channels), text


def heat_map(
    *, title: str, matrix: RollMatrix, labels: Sequence[str], from_label: str, to_label: str
) -> HeatMap:
    """The roll-rate matrix as a grid: rows the bucket at the start, columns the bucket at the end."""
    cells = []
    for row_index, row in enumerate(matrix.rows):
        for column_index, cell in enumerate(row.cells):
            fill, text_fill = heat_fill(cell.rate)
            text = "–" if cell.rate is None else f"{cell.rate}%"
            cells.append(
                HeatCell(
                    x=HEAT_LEFT + column_index * HEAT_CELL_WIDTH,
                    y=HEAT_TOP + row_index * HEAT_CELL_HEIGHT,
                    fill=fill,
                    text_fill=text_fill,
                    text=text,
                    title=(
                        f"{labels[row_index]} to {labels[column_index]}: {cell.accounts} of "
                        f"{row.accounts} accounts ({text})"
                    ),
                )
            )
    size = len(matrix.rows)
    row_labels = tuple(
        AxisLabel(HEAT_LEFT - 8, HEAT_TOP + i * HEAT_CELL_HEIGHT + HEAT_CELL_HEIGHT // 2 + 5, labels[i])
        for i in range(size)
    )
    column_labels = tuple(
        AxisLabel(HEAT_LEFT + i * HEAT_CELL_WIDTH + HEAT_CELL_WIDTH // 2, HEAT_TOP - 10, labels[i])
        for i in range(size)
    )
    description = (
        f"Share of the accounts in each bucket on {from_label} (rows) that were in each bucket on "
        f"{to_label} (columns); the table gives every figure."
    )
    return HeatMap(
        title=title,
        description=description,
        width=HEAT_LEFT + size * HEAT_CELL_WIDTH + 8,
        height=HEAT_TOP + size * HEAT_CELL_HEIGHT + 8,
        cell_width=HEAT_CELL_WIDTH,
        cell_height=HEAT_CELL_HEIGHT,
        cells=tuple(cells),
        row_labels=row_labels,
        column_labels=column_labels,
        row_axis=f"Bucket on {from_label}",
        column_axis=f"Bucket on {to_label}",
    )
