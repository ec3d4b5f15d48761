"""`recoup import-statement` with real files: what it prints, a file posted once, a refused file
posting nothing, a CSV read by its saved mapping, and a return arriving in the next day's file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from recoup.cli.main import main
from recoup.ledger.models import Receipt
from recoup.payments.statements import formats
from recoup.payments.statements.models import LineStatus, StatementFile, StatementLine
from recoup.payments.statements.operations import csv_mapping_save
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due
from tests.integration.factories import book
from tests.integration.payments.statements_builders import AT, camt053, credit, debit

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "statements"
KEYS = [
    "file",
    "format",
    "lines",
    "credits",
    "debits",
    "credit_total",
    "debit_total",
    "matched",
    "unmatched",
    "posted_total",
    "duplicate",
]


@pytest.fixture
def loan() -> Contract:
    contract = Contract.objects.get(pk=book().contract_id)
    installments_fall_due(contract=contract, as_of=date(2024, 3, 5), at=AT)
    return contract


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["import-statement", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_camt053_file_is_matched_posted_and_reported_and_posting_it_again_does_nothing(
    loan, tmp_path, capsys
):
    path = tmp_path / "camt053-2024-03-05.xml"
    path.write_bytes(
        camt053(
            credit(30415, remittance=f"LOAN {loan.account_number}", bank_reference="FPS-1"),
            credit(9999, payer_name="SOMEONE ELSE", bank_reference="FPS-2"),
            debit(1250, bank_reference="CHG-1"),
        )
    )

    code, first = _run(capsys, str(path))
    again_code, again = _run(capsys, str(path), "--format", "camt053")

    assert code == again_code == 0
    assert list(first) == KEYS
    assert first == {
        "file": "camt053-2024-03-05.xml",
        "format": "camt053",
        "lines": 3,
        "credits": 2,
        "debits": 1,
        "credit_total": "404.14",
        "debit_total": "12.50",
        "matched": 1,
        "unmatched": 1,
        "posted_total": "304.15",
        "duplicate": False,
    }
    assert again == {**first, "matched": 0, "unmatched": 0, "posted_total": "0.00", "duplicate": True}
    assert Receipt.objects.count() == 1
    assert StatementLine.objects.count() == 3


def test_a_file_failing_its_control_total_is_refused_naming_the_element_and_posts_nothing(capsys):
    code, refused = _run(capsys, str(FIXTURES / "camt053_bad_control_total.xml"))

    assert code == 2
    assert "camt053_bad_control_total.xml" in str(refused["error"])
    assert "TxsSummry" in str(refused["error"])
    assert not StatementFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("bai2_two_accounts.bai", "bai2"),
        ("mt940_statement.sta", "mt940"),
        ("ofx1_checking.ofx", "ofx"),
        ("camt054_notification.xml", "camt054"),
    ],
)
def test_each_format_is_recorded_with_the_totals_its_parser_reads(name, fmt, capsys):
    data = (FIXTURES / name).read_bytes()
    parsed = formats.parse(data, file_name=name)

    code, result = _run(capsys, str(FIXTURES / name))

    assert code == 0
    assert (result["format"], result["lines"], result["duplicate"]) == (fmt, len(parsed.lines), False)
    assert result["credits"] + result["debits"] == len(parsed.lines)
    assert StatementLine.objects.count() == len(parsed.lines)


def test_a_csv_export_is_read_with_its_saved_mapping_and_an_unknown_mapping_is_named(capsys):
    csv_mapping_save(
        mapping=formats.CsvMapping(
            name="processor",
            date="Posted Date",
            date_format="%d/%m/%Y",
            credit="Paid In",
            debit="Paid Out",
            reference="Reference",
            remittance="Description",
            payer_name="Payer",
            fixed_currency="GBP",
            thousands_separator=",",
        ),
        at=AT,
    )
    path = str(FIXTURES / "csv_processor_export.csv")

    missing_code, missing = _run(capsys, path, "--mapping", "nope")
    code, result = _run(capsys, path, "--mapping", "processor")

    assert missing_code == 2
    assert missing["field"] == "mapping"
    assert "processor" in str(missing["error"])
    assert code == 0
    assert (result["format"], result["lines"], result["credits"], result["debits"]) == ("csv", 5, 3, 2)
    assert result["credit_total"] == "1714.99"


def test_a_return_in_the_next_days_file_reverses_the_payment_it_names(loan, tmp_path, capsys):
    paid = tmp_path / "day1.xml"
    paid.write_bytes(
        camt053(
            credit(30415, remittance=loan.account_number, customer_reference="E2E-9", bank_reference="A1")
        )
    )
    returned = tmp_path / "day2.xml"
    returned.write_bytes(
        camt053(
            debit(
                30415,
                return_code="AC04",
                customer_reference="E2E-9",
                bank_reference="R1",
                booking_date=date(2024, 3, 6),
            ),
            statement_id="STMT-2024-03-06",
            statement_date=date(2024, 3, 6),
        )
    )

    _run(capsys, str(paid))
    code, _ = _run(capsys, str(returned))

    assert code == 0
    assert Receipt.objects.get().status == "reversed"
    assert set(StatementLine.objects.values_list("status", flat=True)) == {LineStatus.RETURNED}


def test_a_mapping_saved_from_a_json_file_reads_the_csv_and_an_unknown_setting_is_named(tmp_path, capsys):
    settings = {
        "name": "processor",
        "date": "Posted Date",
        "date_format": "%d/%m/%Y",
        "credit": "Paid In",
        "debit": "Paid Out",
        "reference": "Reference",
        "payer_name": "Payer",
        "fixed_currency": "GBP",
        "thousands_separator": ",",
    }
    good, bad = tmp_path / "processor.json", tmp_path / "typo.json"
    good.write_text(json.dumps(settings))
    bad.write_text(json.dumps({**settings, "payee": "Payer"}))
    path = str(FIXTURES / "csv_processor_export.csv")

    bad_code, refused = _run(capsys, path, "--save-mapping", str(bad))
    code, result = _run(capsys, path, "--save-mapping", str(good))
    again_code, again = _run(capsys, path, "--mapping", "processor")

    assert (bad_code, refused["field"]) == (2, "payee")
    assert (code, result["format"], result["lines"]) == (0, "csv", 5)
    assert (again_code, again["duplicate"]) == (0, True)
