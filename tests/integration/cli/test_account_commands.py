import json

import pytest

from recoup.cli.main import main
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db


def test_account_list_prints_json_a_script_can_read(capsys):
    us = book()
    uk = book(uk_pcp())

    assert main(["account", "list", "--json"]) == 0

    rows = json.loads(capsys.readouterr().out)
    assert {r["account_number"] for r in rows} == {us.account_number, uk.account_number}
    assert {r["currency"] for r in rows} == {"USD", "GBP"}


def test_account_list_filters_by_country(capsys):
    book()
    uk = book(uk_pcp())

    main(["account", "list", "--country", "GB", "--json"])

    assert [r["account_number"] for r in json.loads(capsys.readouterr().out)] == [uk.account_number]


def test_account_show_gives_the_summary_with_balances_and_next_due(capsys):
    booked = book()

    assert main(["account", "show", booked.account_number, "--json"]) == 0

    shown = json.loads(capsys.readouterr().out)
    assert shown["customer_name"] == "Maria Garcia"
    assert shown["jurisdiction"] == "US-TX"
    assert shown["time_zones"] == ["America/Chicago", "America/Denver"]
    assert shown["phones"] == ["+17135550142"]
    assert shown["balance"] == "15000.00"
    assert shown["balances"]["principal"] == "15000.00"
    assert shown["next_due_date"] == "2024-02-01"
    assert shown["next_due_amount"] == "304.15"


def test_account_show_of_an_unknown_account_exits_non_zero_naming_the_field(capsys):
    assert main(["account", "show", "999", "--json"]) == 2

    assert json.loads(capsys.readouterr().out)["field"] == "account_number"
