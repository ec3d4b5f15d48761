"""`recoup mandates add`, `recoup debits run` and `recoup debits returns` as an operator uses them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from recoup.arrears.operations import cob_run
from recoup.cli.main import main
from recoup.ledger.models import Receipt
from recoup.payments.debits.formats import nacha
from recoup.portfolio.models import Contract
from recoup.portfolio.schedule_versions import version_schedule
from tests.fixtures.debits.builders import AT, ach_return_file
from tests.integration.factories import book


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_an_operator_adds_a_mandate_runs_the_debits_and_reads_the_returns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    contract = Contract.objects.get(pk=book().contract_id)
    cob_run(as_of=date(2024, 2, 1), at=AT)
    installment = version_schedule(contract).installments[0].payment_minor
    assert (
        main(
            [
                "debits",
                "originator",
                "US-AUTOPAY",
                "--scheme",
                "ach",
                "--name",
                "Recoup Auto Fin",
                "--id",
                "1234567890",
                "--odfi",
                "021000021",
                "--destination-name",
                "JPMORGAN CHASE",
            ]
        )
        == 0
    )
    capsys.readouterr()

    added = main(
        [
            "mandates",
            "add",
            contract.account_number,
            "--originator",
            "US-AUTOPAY",
            "--holder",
            "Maria Garcia",
            "--bank-account",
            "000123456789",
            "--routing",
            "111000025",
            "--account-type",
            "checking",
            "--authorization",
            "web",
            "--authorized",
            "2024-01-01",
            "--json",
        ]
    )
    mandate = _json(capsys)
    ran = main(
        ["debits", "run", "--date", "2024-02-01", "--as-of", "2024-02-01", "--out", str(tmp_path), "--json"]
    )
    run = _json(capsys)
    returns_path = tmp_path / "returns.ach"
    returns_path.write_text(
        ach_return_file([("021000020000001", installment, "R01")], created=date(2024, 2, 5))
    )
    returned = main(["debits", "returns", str(returns_path), "--json"])
    result = _json(capsys)

    assert (added, ran, returned) == (0, 0, 0)
    assert (mandate["status"], mandate["account_last4"], mandate["bank"]) == ("active", "6789", "111000025")
    assert (run["items"], run["settled"]) == (1, 1)
    (path,) = run["paths"]  # type: ignore[misc]
    written = nacha.file_read(Path(path).read_text(), file=path)
    assert written.batches[0].sec_code == "WEB"
    assert written.debit_total_minor == installment
    assert main(["debits", "file", Path(path).name]) == 0
    assert capsys.readouterr().out == Path(path).read_text()
    assert (result["kind"], result["returned"], result["reversed_receipts"]) == ("nacha", 1, 1)
    assert Receipt.objects.get().status == "reversed"
    assert main(["mandates", "list", contract.account_number, "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["reference"], listed["status"], listed["account_last4"]) == (
        mandate["reference"],
        "active",
        "6789",
    )


@pytest.mark.django_db
def test_a_malformed_return_file_is_refused_with_its_line_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.ach"
    bad.write_text("101 short\n")

    code = main(["debits", "returns", str(bad), "--json"])

    assert code == 2
    assert _json(capsys) == {
        "error": "bad.ach, line 1: a record is 94 characters, this one 9",
        "field": "line 1",
    }


@pytest.mark.django_db
def test_a_mandate_with_a_bad_routing_number_names_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    contract = Contract.objects.get(pk=book().contract_id)
    main(
        [
            "debits",
            "originator",
            "US-AUTOPAY",
            "--scheme",
            "ach",
            "--name",
            "Recoup",
            "--id",
            "1234567890",
            "--odfi",
            "021000021",
        ]
    )
    capsys.readouterr()

    code = main(
        [
            "mandates",
            "add",
            contract.account_number,
            "--originator",
            "US-AUTOPAY",
            "--holder",
            "M Garcia",
            "--bank-account",
            "000123456789",
            "--routing",
            "111000026",
            "--account-type",
            "checking",
            "--authorization",
            "written",
            "--json",
        ]
    )

    assert code == 2
    assert _json(capsys)["field"] == "routing_number"
