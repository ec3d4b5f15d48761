import json

import pytest

from recoup.cli.main import main
from recoup.ledger.models import JournalEntry
from recoup.portfolio.models import Contract
from tests.integration.factories import book

pytestmark = pytest.mark.django_db


def _application(vin: str) -> dict:
    return {
        "product": "US-RIC",
        "jurisdiction": "US-TX",
        "customer": {
            "given_name": "Ann",
            "family_name": "Lee",
            "addresses": [
                {
                    "line1": "1 Main St",
                    "city": "Austin",
                    "region": "TX",
                    "postal_code": "78701",
                    "country": "US",
                }
            ],
            "phones": [{"number": "512-555-0100"}],
        },
        "vehicle": {"vin": vin, "year": 2024, "make": "Ford", "model": "F-150"},
        "cash_price": "30000",
        "amount_financed": "30000",
        "apr": "6.9",
        "term": 60,
        "origination_date": "2026-11-01",
        "first_due_date": "2026-12-01",
    }


def test_contract_book_books_every_application_in_the_file(tmp_path, capsys):
    path = tmp_path / "book.json"
    path.write_text(json.dumps([_application("1M8GDM9AXKP042788"), _application("1FTFW1E58PFA00001")]))

    assert main(["contract", "book", str(path), "--json"]) == 0

    assert json.loads(capsys.readouterr().out)["count"] == 2
    assert Contract.objects.count() == 2


def test_one_bad_application_books_none_of_the_file_and_names_its_index(tmp_path, capsys):
    path = tmp_path / "book.json"
    path.write_text(json.dumps([_application("1M8GDM9AXKP042788"), _application("1FTFW1E50PFA00001")]))

    assert main(["contract", "book", str(path), "--json"]) == 2

    assert json.loads(capsys.readouterr().out)["field"] == "[1].vehicle.vin"
    assert Contract.objects.count() == 0


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path, capsys):
    path = tmp_path / "book.json"
    path.write_text('[\n{"product": }\n]')

    assert main(["contract", "book", str(path)]) == 2

    assert "line 2" in capsys.readouterr().err


def test_ledger_adjust_refuses_mixed_currencies_and_writes_nothing(capsys):
    number = book().account_number
    entries = JournalEntry.objects.count()

    code = main(
        [
            "ledger",
            "adjust",
            number,
            "--reason",
            "goodwill",
            "--line",
            "principal:-10:USD",
            "--line",
            "credits:10:GBP",
            "--json",
        ]
    )

    assert code == 2
    assert json.loads(capsys.readouterr().out)["field"] == "lines[1].amount"
    assert JournalEntry.objects.count() == entries


def test_ledger_adjust_posts_a_balanced_entry(capsys):
    number = book().account_number

    code = main(
        [
            "ledger",
            "adjust",
            number,
            "--reason",
            "goodwill",
            "--line",
            "principal:-10:USD",
            "--line",
            "credits:10:USD",
            "--json",
        ]
    )

    assert code == 0
    assert json.loads(capsys.readouterr().out)["balance"] == "14990.00"
