import json

import pytest

from recoup.access.operations import user_create
from recoup.cli.main import main

pytestmark = pytest.mark.django_db


def test_authority_show_lists_the_starting_matrix(capsys) -> None:
    assert main(["authority", "show", "--json"]) == 0

    rows = json.loads(capsys.readouterr().out)
    agent_usd = next(r for r in rows if r["role"] == "agent" and r["authority"]["currency"] == "USD")
    assert agent_usd["authority"]["credit_minor"] == 10_000


def test_the_head_of_credit_sets_an_agents_limits_from_the_command_line(capsys) -> None:
    user_create(username="hoc", password="not-used-here-1", role="head_of_credit")

    code = main(
        [
            "authority",
            "set",
            "--role",
            "agent",
            "--currency",
            "GBP",
            "--by",
            "hoc",
            "credit_minor=75.50",
            "--json",
        ]
    )

    assert code == 0
    assert json.loads(capsys.readouterr().out)["credit_minor"] == 7550


def test_a_misspelt_limit_is_named(capsys) -> None:
    user_create(username="hoc", password="not-used-here-1", role="head_of_credit")

    code = main(
        ["authority", "set", "--role", "agent", "--currency", "USD", "--by", "hoc", "credit=1", "--json"]
    )

    assert code == 2
    assert json.loads(capsys.readouterr().out)["field"] == "credit"
