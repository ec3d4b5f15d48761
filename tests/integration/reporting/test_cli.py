import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from recoup.cli.main import main
from tests.integration.reporting.factories import contract_make, total_make, transition_make

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)


@pytest.fixture
def closed() -> None:
    total_make(AS_OF, "current", 4, 60_000_00)
    total_make(AS_OF, "30-59", 1, 9_000_50, 610_25)
    total_make(AS_OF, "current", 2, 30_000_00, product="UK-HP", jurisdiction="GB-ENG", currency="GBP")


@pytest.mark.usefixtures("closed")
def test_aged_debt_json_has_a_row_per_group_and_bucket_and_totals_per_currency(capsys):
    assert main(["report", "aged-debt", "--as-of", "2024-06-14", "--by", "product", "--format", "json"]) == 0

    shape = json.loads(capsys.readouterr().out)
    assert shape["as_of"] == "2024-06-14"
    assert shape["by"] == ["product", "currency"]
    assert len(shape["rows"]) == 2 * 7
    assert shape["rows"][9] == {
        "product": "US-RIC",
        "currency": "USD",
        "bucket": "30-59",
        "accounts": 1,
        "balance": "9000.50",
        "arrears": "610.25",
    }
    assert [(t["currency"], t["balance"]) for t in shape["totals"]] == [
        ("GBP", "30000.00"),
        ("USD", "69000.50"),
    ]


@pytest.mark.usefixtures("closed")
def test_aged_debt_table_prints_buckets_and_currency_totals(capsys):
    assert main(["report", "aged-debt", "--as-of", "2024-06-14"]) == 0

    out = capsys.readouterr().out
    assert "Aged debt on 2024-06-14" in out
    assert "60,000.00" in out
    assert "69,000.50" in out


@pytest.mark.usefixtures("closed")
def test_aged_debt_csv_and_xlsx_go_to_the_output_file(tmp_path):
    csv_path, xlsx_path = tmp_path / "aged.csv", tmp_path / "aged.xlsx"

    assert (
        main(["report", "aged-debt", "--as-of", "2024-06-14", "--format", "csv", "--output", str(csv_path)])
        == 0
    )
    assert (
        main(["report", "aged-debt", "--as-of", "2024-06-14", "--format", "xlsx", "--output", str(xlsx_path)])
        == 0
    )

    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert rows[0]["currency"] == "GBP"
    assert {r["balance"] for r in rows if r["bucket"] == "current"} == {"30000.00", "60000.00"}
    sheet = load_workbook(xlsx_path).active
    assert sheet is not None
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert Decimal(str(values[7 + 2][3])) == Decimal("9000.50")


@pytest.mark.usefixtures("closed")
def test_aged_debt_of_a_date_never_closed_names_as_of_and_the_dates_that_are(capsys):
    assert main(["report", "aged-debt", "--as-of", "2024-06-15"]) == 2

    assert capsys.readouterr().err.strip() == (
        "recoup report: --as-of: 2024-06-15 has not been closed; closed dates are 2024-06-14"
    )


@pytest.mark.parametrize(
    ("argv", "field", "message"),
    [
        (["aged-debt", "--as-of", "14/06/2024"], "as_of", "--as-of: '14/06/2024' is not a date"),
        (["aged-debt", "--as-of", "2024-06-14", "--by", "dealer"], "by", "--by: unknown key 'dealer'"),
        (["roll-rates", "--from", "2024-06-14", "--to", "2024-05-31"], "from", "--from: 2024-06-14 is after"),
    ],
)
def test_bad_input_is_named_by_its_option(capsys, argv, field, message):
    assert main(["report", *argv, "--json"]) == 2

    error = json.loads(capsys.readouterr().out)
    assert error["field"] == field
    assert error["error"].startswith(message)


def test_roll_rates_table_and_json(capsys):
    late = contract_make(receivable_minor=8_000_00)
    contract_make(receivable_minor=9_000_00)
    transition_make(late, date(2024, 6, 3), "current", "1-29")
    total_make(AS_OF, "current", 1, 1_00)

    assert main(["report", "roll-rates", "--from", "2024-05-31", "--to", "2024-06-14", "--json"]) == 0
    shape = json.loads(capsys.readouterr().out)
    assert main(["report", "roll-rates", "--from", "2024-05-31", "--to", "2024-06-14"]) == 0
    table = capsys.readouterr().out

    row = shape["matrices"][0]["rows"][0]
    assert [c["rate"] for c in row["cells"][:2]] == ["50.0", "50.0"]
    assert row["cells"][1]["receivable"] == "8000.00"
    assert "1 (50.0%)" in table
