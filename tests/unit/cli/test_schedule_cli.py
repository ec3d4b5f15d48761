"""`recoup schedule` prints a schedule from terms, without a database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from recoup.cli.main import main

CAR_LOAN = [
    "--principal",
    "15000",
    "--apr",
    "8",
    "--term",
    "60",
    "--start",
    "2024-01-01",
    "--first-due",
    "2024-02-01",
]
LEASE = [
    "--lease",
    "--principal",
    "30000",
    "--residual",
    "18000",
    "--money-factor",
    "0.00125",
    "--term",
    "36",
    "--start",
    "2024-01-01",
    "--first-due",
    "2024-01-01",
]


def run_json(capsys, *args):
    code = main(["schedule", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_json_gives_the_payment_and_every_installment_as_decimal_strings(capsys):
    code, out = run_json(capsys, *CAR_LOAN)

    assert code == 0
    assert (out["currency"], out["payment"], out["balloon"], out["total_interest"]) == (
        "USD",
        "304.15",
        "0.00",
        "3248.69",
    )
    assert len(out["installments"]) == 60
    assert out["installments"][0] == {
        "number": 1,
        "due_date": "2024-02-01",
        "payment": "304.15",
        "interest": "100.00",
        "principal": "204.15",
        "balance": "14795.85",
    }
    assert out["installments"][-1]["balance"] == "0.00"


def test_a_pcp_balloon_in_pounds_on_actual_365_ends_at_the_balloon(capsys):
    code, out = run_json(
        capsys,
        "--principal",
        "20000",
        "--apr",
        "6.9",
        "--term",
        "48",
        "--start",
        "2024-01-15",
        "--first-due",
        "2024-02-15",
        "--balloon",
        "8000",
        "--day-count",
        "actual/365",
        "--currency",
        "GBP",
    )

    assert code == 0
    assert (out["currency"], out["payment"], out["balloon"]) == ("GBP", "332.80", "8000.00")
    assert out["installments"][-1]["balance"] == "8000.00"


def test_half_even_rounding_and_weekly_frequency_are_chosen_by_flag(capsys):
    code, out = run_json(
        capsys,
        "--principal",
        "10.01",
        "--apr",
        "0",
        "--term",
        "2",
        "--start",
        "2024-01-01",
        "--first-due",
        "2024-01-08",
        "--frequency",
        "weekly",
        "--rounding",
        "half-even",
    )

    assert code == 0
    assert [(i["due_date"], i["payment"]) for i in out["installments"]] == [
        ("2024-01-08", "5.00"),
        ("2024-01-15", "5.01"),
    ]


def test_a_lease_shows_rent_charge_and_depreciation_down_to_the_residual(capsys):
    code, out = run_json(capsys, *LEASE)

    assert code == 0
    assert (out["payment"], out["balloon"]) == ("393.33", "18000.00")
    first = out["installments"][0]
    assert (first["interest"], first["principal"]) == ("60.00", "333.33")
    assert out["installments"][-1]["balance"] == "18000.00"


def test_without_json_the_schedule_prints_as_an_aligned_table(capsys):
    code = main(["schedule", *CAR_LOAN])

    out = capsys.readouterr().out
    assert code == 0
    assert "304.15" in out
    table = [line for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert len(table) == 60
    assert len({len(line) for line in table}) == 1
    assert "14,795.85" in table[0]


def test_a_lease_table_names_its_columns_as_a_lease_does(capsys):
    main(["schedule", *LEASE])

    out = capsys.readouterr().out
    assert "Rent charge" in out
    assert "Depreciation" in out
    assert "Residual" in out


@pytest.mark.parametrize(
    ("flag", "value", "field"),
    [
        ("--principal", "15,000.001", "principal"),
        ("--principal", "0", "principal"),
        ("--apr", "eight", "apr"),
        ("--apr", "120", "apr"),
        ("--term", "sixty", "term"),
        ("--term", "0", "term"),
        ("--start", "2024-13-01", "start"),
        ("--first-due", "1 Feb 2024", "first_due"),
        ("--first-due", "2023-12-01", "first_due"),
        ("--day-count", "actual/360", "day_count"),
        ("--rounding", "down", "rounding"),
        ("--frequency", "quarterly", "frequency"),
        ("--balloon", "15000", "balloon"),
        ("--currency", "XYZ", "currency"),
    ],
)
def test_bad_input_exits_2_with_json_naming_the_field(capsys, flag, value, field):
    args = [*CAR_LOAN, flag, value]

    code, out = run_json(capsys, *args)

    assert code == 2
    assert out["field"] == field
    assert out["error"]


@pytest.mark.parametrize(
    ("replace", "value", "field"),
    [
        ("--residual", "30000", "residual"),
        ("--money-factor", "0.02", "money_factor"),
        ("--money-factor", "x", "money_factor"),
    ],
)
def test_bad_lease_input_names_the_field(capsys, replace, value, field):
    args = list(LEASE)
    args[args.index(replace) + 1] = value

    code, out = run_json(capsys, *args)

    assert code == 2
    assert out["field"] == field


def test_a_lease_without_a_money_factor_is_refused_naming_it(capsys):
    args = [a for a in LEASE if a not in ("--money-factor", "0.00125")]

    code, out = run_json(capsys, *args)

    assert (code, out["field"]) == (2, "money_factor")


def test_a_loan_without_an_apr_is_refused_naming_it(capsys):
    args = [a for a in CAR_LOAN if a not in ("--apr", "8")]

    code, out = run_json(capsys, *args)

    assert (code, out["field"]) == (2, "apr")


def test_without_json_an_error_goes_to_stderr_naming_the_field(capsys):
    code = main(["schedule", *CAR_LOAN, "--start", "yesterday"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "start:" in captured.err


def test_the_installed_command_prints_json_without_a_database(tmp_path):
    recoup = Path(sys.executable).parent / "recoup"

    result = subprocess.run(
        [str(recoup), "schedule", *CAR_LOAN, "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": "", "DATABASE_URL": "postgres://nowhere.invalid/none"},
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["payment"] == "304.15"
