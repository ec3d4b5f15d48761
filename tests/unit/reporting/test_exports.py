import csv
import io
import json
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from recoup.arrears.buckets import DEFAULT_BUCKETS
from recoup.reporting import exports
from recoup.reporting.aged_debt import AgedDebtTotalIn, aged_debt_assemble
from recoup.reporting.ordering import bucket_order
from recoup.reporting.roll_rates import RollCountIn, roll_rates_assemble

BUCKETS = bucket_order([DEFAULT_BUCKETS])
REPORT = aged_debt_assemble(
    as_of=date(2024, 6, 14),
    by=("product", "currency"),
    buckets=BUCKETS,
    totals=[
        AgedDebtTotalIn("US-RIC", "US-TX", "USD", "current", 3, 45_123_45, 0),
        AgedDebtTotalIn("US-RIC", "US-TX", "USD", "30-59", 1, 9_999_99, 610_30),
        AgedDebtTotalIn("UK-HP", "GB-WLS", "GBP", "1-29", 1, 8_000_01, 199_99),
    ],
)
ROLLS = roll_rates_assemble(
    from_date=date(2024, 5, 31),
    to_date=date(2024, 6, 14),
    by=("currency",),
    buckets=BUCKETS,
    counts=[
        RollCountIn("US-RIC", "US-TX", "USD", "current", "current", 2, 30_000_00),
        RollCountIn("US-RIC", "US-TX", "USD", "current", "1-29", 1, 15_123_45),
    ],
)


def test_aged_debt_csv_has_a_header_and_exact_decimal_amounts():
    rows = list(csv.DictReader(io.StringIO(exports.csv_write(exports.aged_debt_table(REPORT)))))

    assert list(rows[0]) == ["product", "currency", "bucket", "accounts", "balance", "arrears"]
    assert len(rows) == 2 * 7
    thirty = next(r for r in rows if r["product"] == "US-RIC" and r["bucket"] == "30-59")
    assert thirty == {
        "product": "US-RIC",
        "currency": "USD",
        "bucket": "30-59",
        "accounts": "1",
        "balance": "9999.99",
        "arrears": "610.30",
    }


def test_aged_debt_xlsx_holds_numbers_with_money_formats():
    workbook = load_workbook(io.BytesIO(exports.xlsx_write(exports.aged_debt_table(REPORT))))

    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Aged debt 2024-06-14"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("product", "currency", "bucket", "accounts", "balance", "arrears")
    current = next(r for r in rows if r[0] == "US-RIC" and r[2] == "current")
    assert current[3] == 3
    assert Decimal(str(current[4])) == Decimal("45123.45")
    balance_cell = sheet.cell(row=rows.index(current) + 1, column=5)
    assert balance_cell.data_type == "n"
    assert balance_cell.number_format == "#,##0.00"


def test_aged_debt_json_has_decimal_strings_and_totals_per_currency():
    shape = json.loads(json.dumps(exports.aged_debt_json(REPORT)))

    assert shape["as_of"] == "2024-06-14"
    assert shape["by"] == ["product", "currency"]
    assert shape["rows"][0] == {
        "product": "UK-HP",
        "currency": "GBP",
        "bucket": "current",
        "accounts": 0,
        "balance": "0.00",
        "arrears": "0.00",
    }
    assert [(t["currency"], t["accounts"], t["balance"], t["arrears"]) for t in shape["totals"]] == [
        ("GBP", 1, "8000.01", "199.99"),
        ("USD", 4, "55123.44", "610.30"),
    ]


def test_roll_rates_csv_lays_the_matrix_out_long_with_rates():
    rows = list(csv.DictReader(io.StringIO(exports.csv_write(exports.roll_rates_table(ROLLS)))))

    assert len(rows) == 7 * 7
    assert rows[1] == {
        "currency": "USD",
        "from_bucket": "current",
        "to_bucket": "1-29",
        "accounts": "1",
        "receivable": "15123.45",
        "rate_percent": "33.3",
    }
    assert rows[7]["rate_percent"] == ""  # no account was 1-29 days past due at the start


def test_roll_rates_xlsx_and_json_agree():
    sheet = load_workbook(io.BytesIO(exports.xlsx_write(exports.roll_rates_table(ROLLS)))).active
    shape = exports.roll_rates_json(ROLLS)

    assert sheet is not None
    second = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert second[:4] == ("USD", "current", "1-29", 1)
    assert Decimal(str(second[5])) == Decimal("33.3")
    cell = shape["matrices"][0]["rows"][0]["cells"][1]
    assert cell == {"to_bucket": "1-29", "accounts": 1, "receivable": "15123.45", "rate": "33.3"}
    assert shape["matrices"][0]["rows"][1]["cells"][0]["rate"] is None
