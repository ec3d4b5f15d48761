import argparse
import json
from datetime import date

import pytest
from django.db import connection

from recoup.cli import ledger as ledger_command
from recoup.kernel.money import Money
from recoup.ledger.models import AccountCode
from recoup.ledger.operations import Line, entry_post
from tests.integration.ledger.builders import AT, a_book, a_loan_two_installments_due

pytestmark = pytest.mark.django_db


def recoup_ledger(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="recoup ledger")
    ledger_command.add_arguments(parser)
    return ledger_command.run(parser.parse_args(argv))


def test_trial_balance_prints_a_table_with_totals_per_currency(capsys):
    a_loan_two_installments_due()

    code = recoup_ledger("trial-balance")

    out = capsys.readouterr().out
    assert code == 0
    assert "Trial balance, all entries" in out
    principal = next(line for line in out.splitlines() if line.startswith("principal "))
    assert principal.split() == ["principal", "USD", "12000.00", "1908.00", "10092.00"]
    total = next(line for line in out.splitlines() if line.startswith("total"))
    assert total.split() == ["total", "USD", "14100.00", "14100.00", "0.00"]


def test_trial_balance_as_json_gives_decimal_strings_and_totals(capsys):
    a_loan_two_installments_due()
    pounds = a_book(currency="GBP")
    entry_post(
        book=pounds,
        idempotency_key="gbp-1",
        reason_code="test_opening",
        effective_date=date(2026, 3, 5),
        at=AT,
        lines=[
            Line(AccountCode.PRINCIPAL, Money(500_050, "GBP")),
            Line(AccountCode.FUNDING, Money(-500_050, "GBP")),
        ],
    )

    code = recoup_ledger("trial-balance", "--as-of", "2026-03-31", "--json")

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert document["as_of"] == "2026-03-31"
    assert {
        "code": "principal",
        "currency": "GBP",
        "debit": "5000.50",
        "credit": "0.00",
        "net": "5000.50",
    } in (document["rows"])
    assert document["totals"]["GBP"] == {"debit": "5000.50", "credit": "5000.50", "net": "0.00"}
    assert document["totals"]["USD"]["net"] == "0.00"


def test_trial_balance_refuses_a_date_it_cannot_read(capsys):
    with pytest.raises(SystemExit):
        recoup_ledger("trial-balance", "--as-of", "31/03/2026")

    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_verify_says_ok_and_exits_zero_when_every_balance_agrees(capsys):
    a_loan_two_installments_due()

    code = recoup_ledger("verify")

    assert code == 0
    assert capsys.readouterr().out.strip() == "ok"


def test_verify_lists_a_tampered_balance_and_exits_non_zero(capsys):
    book = a_loan_two_installments_due()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_ledgeraccount SET balance_minor = balance_minor - 500 "
            "WHERE book_id = %s AND code = %s",
            [book.pk, "interest_income"],
        )

    code = recoup_ledger("verify")

    out = capsys.readouterr().out
    assert code != 0
    assert f"contract {book.contract_id}: interest_income kept -197.00 USD, postings say -192.00" in out
    assert "1 mismatch" in out


def test_verify_as_json_lists_the_mismatches(capsys):
    book = a_loan_two_installments_due()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_ledgeraccount SET balance_minor = 1 WHERE book_id = %s", [book.pk])

    code = recoup_ledger("verify", "--json")

    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["ok"] is False
    assert {m["code"] for m in document["mismatches"]} == {
        "principal",
        "funding",
        "principal_due",
        "interest_due",
        "interest_income",
    }
    assert all(m["kind"] == "kept_balance" and m["found"] == "0.01" for m in document["mismatches"])
