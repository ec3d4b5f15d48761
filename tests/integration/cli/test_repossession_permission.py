"""recoup repossession-permission: the bars on repossessing an account's vehicle and the court orders
lifting them, as lines or JSON."""

import json
from datetime import UTC, date, datetime

import pytest

from recoup.cli.main import main
from recoup.compliance.operations import court_order_record
from recoup.parties.operations import party_flag_set
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
STAY = (
    "Bankruptcy since 2026-02-01: the automatic stay (11 U.S.C. § 362(a)(3)) stops repossession until the "
    "court lifts it"
)


@pytest.fixture
def bankrupt() -> Contract:
    contract = Contract.objects.select_related("customer").get(pk=book().contract_id)
    party_flag_set(party=contract.customer, kind="bankruptcy", set_date=date(2026, 2, 1), at=AT, set_by=None)
    return contract


def test_the_command_prints_the_bar_as_json(capsys, bankrupt):
    code = main(["repossession-permission", bankrupt.account_number, "--on", "2026-03-16", "--json"])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"allowed": False, "reasons": [STAY]}


def test_the_command_names_the_order_that_lifts_the_stay_in_readable_lines(capsys, bankrupt):
    court_order_record(
        account_number=bankrupt.account_number,
        kind="stay_relief",
        court="U.S. Bankruptcy Court for the Southern District of Texas",
        reference="26-30001",
        granted_date=date(2026, 3, 10),
        by=user_make("team_leader"),
        at=AT,
    )

    before = main(["repossession-permission", bankrupt.account_number, "--on", "2026-03-09"])
    before_out = capsys.readouterr().out
    main(["repossession-permission", bankrupt.account_number, "--on", "2026-03-16"])

    assert before == 0
    assert before_out.splitlines() == [
        f"{bankrupt.account_number}: repossession on 2026-03-09 refused",
        f"  - {STAY}",
    ]
    assert capsys.readouterr().out.splitlines() == [
        f"{bankrupt.account_number}: repossession on 2026-03-16 allowed",
        "  - Court order 26-30001 of U.S. Bankruptcy Court for the Southern District of Texas, granted "
        "2026-03-10: relief from the automatic stay (11 U.S.C. § 362(d)) of the bankruptcy since 2026-02-01",
    ]


def test_the_command_names_a_bad_day_or_an_unknown_account(capsys, bankrupt):
    bad_day = main(["repossession-permission", bankrupt.account_number, "--on", "16/03/2026", "--json"])
    day_out = json.loads(capsys.readouterr().out)
    unknown = main(["repossession-permission", "NO-SUCH", "--on", "2026-03-16", "--json"])
    unknown_out = json.loads(capsys.readouterr().out)

    assert (bad_day, day_out["field"]) == (2, "on")
    assert "'16/03/2026' is not a date (YYYY-MM-DD)" in day_out["error"]
    assert (unknown, unknown_out["field"]) == (2, "account_number")
