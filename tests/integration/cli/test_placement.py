"""recoup placement record / recall / list: an account placed with an agency and taken back from the
command line, as lines or JSON, with the contact gate's answer following it."""

import json
from datetime import UTC, datetime

import pytest

from recoup.access.models import AuditEvent
from recoup.cli.main import main
from recoup.compliance.models import Placement
from recoup.kernel import clock
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 10:00 in Houston.
AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: AT)


@pytest.fixture
def account() -> str:
    return Contract.objects.get(pk=book().contract_id).account_number


def _gate(capsys, account: str) -> str:
    main(["contact-permission", account, "--channel", "letter", "--at", AT.isoformat(), "--json"])
    return json.loads(capsys.readouterr().out)["reasons"][-1]


def test_placing_with_an_agency_and_recalling_it_switch_the_gate_s_pack(capsys, account):
    leader = user_make("team_leader").username

    placed = main(
        [
            "placement",
            "record",
            account,
            "--kind",
            "collection_agency",
            "--agency",
            "Lone Star Recoveries LLC",
            "--on",
            "2026-03-02",
            "--by",
            leader,
        ]
    )
    placed_out = capsys.readouterr().out
    while_placed = _gate(capsys, account)
    recalled = main(
        [
            "placement",
            "recall",
            account,
            "--kind",
            "collection_agency",
            "--reason",
            "Contract ended",
            "--by",
            leader,
            "--json",
        ]
    )
    recalled_out = json.loads(capsys.readouterr().out)
    after = _gate(capsys, account)

    assert (placed, recalled) == (0, 0)
    assert (
        placed_out
        == f"{account}: placed with Lone Star Recoveries LLC (debt collection agency) from 2026-03-02\n"
    )
    assert while_placed.startswith("Policy us-federal-third-party: ")
    assert while_placed.endswith("Lone Star Recoveries LLC (debt collection agency) since 2026-03-02")
    assert (recalled_out["state"], recalled_out["recalled_date"], recalled_out["recall_reason"]) == (
        "recalled",
        "2026-03-16",
        "Contract ended",
    )
    assert after.startswith("Policy us-federal: ")
    assert AuditEvent.objects.filter(object_type="placement").count() == 2


def test_the_list_shows_each_placement_and_who_collects_today(capsys, account):
    leader = user_make("team_leader").username
    main(
        [
            "placement",
            "record",
            account,
            "--kind",
            "trace_specialist",
            "--agency",
            "Finders Inc",
            "--by",
            leader,
        ]
    )
    capsys.readouterr()

    main(["placement", "list", account])
    lines = capsys.readouterr().out.splitlines()
    main(["placement", "list", account, "--json"])
    listed = json.loads(capsys.readouterr().out)

    assert lines[0] == f"{account}: collected by the lender today, 2026-03-16"
    assert "trace_specialist  Finders Inc  2026-03-16" in lines[3]
    assert listed["third_party"] is False
    assert [(p["kind"], p["agency"], p["state"]) for p in listed["placements"]] == [
        ("trace_specialist", "Finders Inc", "placed")
    ]


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        (["--kind", "bailiff", "--agency", "A"], "kind", "'bailiff' is not one of collection_agency"),
        (["--kind", "solicitor", "--agency", " "], "agency", "agency: required"),
        (["--kind", "solicitor", "--agency", "A", "--on", "02/03/2026"], "on", "is not a date (YYYY-MM-DD)"),
        (["--kind", "solicitor", "--agency", "A", "--on", "2026-03-17"], "placed_date", "is after today"),
    ],
)
def test_a_bad_placement_is_named_and_nothing_is_written(capsys, account, arguments, field, words):
    code = main(
        ["placement", "record", account, *arguments, "--by", user_make("team_leader").username, "--json"]
    )
    out = json.loads(capsys.readouterr().out)

    assert (code, out["field"]) == (2, field)
    assert words in out["error"]
    assert not Placement.objects.exists()


def test_an_agent_an_unknown_user_or_account_and_a_recall_of_nothing_are_refused(capsys, account):
    refusals = []
    for arguments in (
        ["record", account, "--kind", "solicitor", "--agency", "A", "--by", user_make("agent").username],
        ["record", account, "--kind", "solicitor", "--agency", "A", "--by", "nobody"],
        [
            "record",
            "NO-SUCH",
            "--kind",
            "solicitor",
            "--agency",
            "A",
            "--by",
            user_make("team_leader").username,
        ],
        [
            "recall",
            account,
            "--kind",
            "solicitor",
            "--reason",
            "R",
            "--by",
            user_make("team_leader").username,
        ],
    ):
        code = main(["placement", *arguments])
        refusals.append((code, capsys.readouterr().err.strip()))

    assert refusals == [
        (
            2,
            "recoup placement: by: only a team leader, the head of credit or an administrator may place an "
            "account with an agency or recall it",
        ),
        (2, "recoup placement: by: no user 'nobody'"),
        (2, "recoup placement: account_number: no account 'NO-SUCH'"),
        (
            2,
            f"recoup placement: kind: account {account} is not placed with a solicitor or collection "
            "attorney",
        ),
    ]
