"""The strategy run after the close of business: accounts in arrears placed in queues, set-based."""

import json
from datetime import datetime, timedelta

import pytest

from recoup.access.models import AuditEvent
from recoup.arrears.models import ArrearsState
from recoup.cli.main import main
from recoup.collections.defaults import strategies_default_ensure
from recoup.collections.errors import InvalidStrategy
from recoup.collections.models import Contact, Promise, Queue, Strategy, WorkItem
from recoup.collections.strategies import challenger_bucket, rank_of
from recoup.collections.strategy_batch import strategies_apply
from recoup.collections.work_queries import strategy_results
from recoup.parties.models import PartyFlag
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import (
    AS_OF,
    AT,
    account_in_arrears,
    item_of,
    strategy_make,
    user_make,
)

pytestmark = pytest.mark.django_db

TEXAS = "America/Chicago America/Denver"


@pytest.fixture
def stages() -> None:
    strategy_make("late", "late", priority=80, rules={"min_days_past_due": 90})
    strategy_make("early", "early", priority=20, rules={})


def test_accounts_in_arrears_go_to_the_first_matching_strategy_by_priority(stages):
    late = account_in_arrears(days_past_due=95, arrears_minor=90_000)
    early = account_in_arrears(days_past_due=10, arrears_minor=5_000)

    counts = strategies_apply(as_of=AS_OF, at=AT)

    assert counts["accounts"] == 2
    assert counts["placed"] == 2
    assert item_of(late).queue.code == "late"
    assert item_of(late).strategy.code == "late"
    assert item_of(late).rank == rank_of(priority=80, arrears_minor=90_000, days_past_due=95, as_of=AS_OF)
    assert item_of(early).queue.code == "early"
    assert item_of(early).placed_date == AS_OF


def test_an_account_up_to_date_and_not_flagged_is_not_placed(stages):
    account_in_arrears(arrears_minor=0, collections_flag=False)
    flagged = account_in_arrears(arrears_minor=0, collections_flag=True)

    strategies_apply(as_of=AS_OF, at=AT)

    assert list(WorkItem.objects.values_list("contract_id", flat=True)) == [flagged.pk]


def test_a_paid_off_account_is_not_placed(stages):
    paid = account_in_arrears()
    Contract.objects.filter(pk=paid.pk).update(status="paid_off")

    strategies_apply(as_of=AS_OF, at=AT)

    assert not WorkItem.objects.exists()


def test_the_time_zone_is_the_primary_address_s_else_the_jurisdiction_s(stages):
    by_address = account_in_arrears(time_zones="America/New_York")
    by_jurisdiction = account_in_arrears()
    in_scotland = account_in_arrears(product="UK-HP", jurisdiction="GB-SCT")

    strategies_apply(as_of=AS_OF, at=AT)

    assert item_of(by_address).time_zone == "America/New_York"
    assert item_of(by_jurisdiction).time_zone == TEXAS
    assert item_of(in_scotland).time_zone == "Europe/London"


def test_a_second_run_over_the_same_book_changes_nothing(stages):
    account_in_arrears()
    strategies_apply(as_of=AS_OF, at=AT)

    counts = strategies_apply(as_of=AS_OF, at=AT)

    assert (counts["placed"], counts["moved"], counts["removed"]) == (0, 0, 0)


def test_an_account_that_rolls_moves_queue_and_keeps_its_agent_s_hold(stages):
    account = account_in_arrears(days_past_due=85)
    strategies_apply(as_of=AS_OF, at=AT)
    agent = user_make()
    WorkItem.objects.filter(contract=account).update(held_by=agent, held_at=AT)
    ArrearsState.objects.filter(contract=account).update(oldest_unpaid_due_date=AS_OF - timedelta(days=95))
    tomorrow = AS_OF + timedelta(days=10)

    counts = strategies_apply(as_of=tomorrow, at=AT + timedelta(days=10))

    item = item_of(account)
    assert counts["moved"] == 1
    assert item.queue.code == "late"
    assert item.placed_date == tomorrow
    assert item.held_by == agent


def test_an_account_that_cures_leaves_its_queue_unless_an_agent_holds_it(stages):
    cured = account_in_arrears()
    held = account_in_arrears()
    strategies_apply(as_of=AS_OF, at=AT)
    WorkItem.objects.filter(contract=held).update(held_by=user_make(), held_at=AT)
    ArrearsState.objects.update(arrears_minor=0, oldest_unpaid_due_date=None, collections_flag=False)

    counts = strategies_apply(as_of=AS_OF, at=AT)

    assert (counts["removed"], counts["kept_held"]) == (1, 1)
    assert list(WorkItem.objects.values_list("contract_id", flat=True)) == [held.pk]
    assert not WorkItem.objects.filter(contract=cured).exists()


def test_a_customer_who_asked_for_no_contact_goes_only_to_a_strategy_for_them(stages):
    stopped = account_in_arrears()
    PartyFlag.objects.create(party=stopped.customer, kind="cease_communication", set_date=AS_OF, set_at=AT)
    strategies_apply(as_of=AS_OF, at=AT)
    assert not WorkItem.objects.filter(contract=stopped).exists()

    strategy_make(
        "restricted",
        "specialist",
        priority=100,
        rules={"flags_any": ["cease_communication"]},
        treatment="escalate",
    )
    strategies_apply(as_of=AS_OF, at=AT)

    assert item_of(stopped).queue.code == "specialist"
    assert item_of(stopped).treatment == "escalate"


def test_a_cleared_flag_no_longer_stops_contact(stages):
    account = account_in_arrears()
    PartyFlag.objects.create(
        party=account.customer,
        kind="bankruptcy",
        set_date=AS_OF - timedelta(days=30),
        set_at=AT - timedelta(days=30),
        cleared_date=AS_OF - timedelta(days=1),
        cleared_at=AT - timedelta(days=1),
    )

    strategies_apply(as_of=AS_OF, at=AT)

    assert item_of(account).queue.code == "early"


def test_a_breathing_space_past_its_until_date_no_longer_stops_contact(stages):
    lapsed, running = account_in_arrears(), account_in_arrears()
    for account, until in ((lapsed, AS_OF - timedelta(days=1)), (running, AS_OF)):
        PartyFlag.objects.create(
            party=account.customer,
            kind="breathing_space",
            detail="standard",
            set_date=until - timedelta(days=59),
            set_at=AT - timedelta(days=60),
            until_date=until,
        )

    strategies_apply(as_of=AS_OF, at=AT)

    assert item_of(lapsed).queue.code == "early"
    assert not WorkItem.objects.filter(contract=running).exists()


def _contact(contract: Contract, at: datetime, **more: object) -> Contact:
    more.setdefault("agent", user_make())
    more.setdefault("outcome", "no_answer")
    return Contact.objects.create(contract=contract, at=at, channel="call", direction="outbound", **more)


def test_broken_promises_and_days_since_contact_steer_the_strategies():
    strategy_make("broken", "promises", priority=90, rules={"min_broken_promises": 1})
    strategy_make("rested", "rested", priority=50, rules={"min_days_since_contact": 3})
    strategy_make("recent", "recent", priority=10, rules={})
    broke = account_in_arrears()
    contact = _contact(broke, AT - timedelta(days=20), outcome="promise")
    Promise.objects.create(
        contract=broke,
        contact=contact,
        made_date=AS_OF - timedelta(days=20),
        currency="USD",
        total_minor=10_000,
        status="broken",
    )
    rested = account_in_arrears()
    _contact(rested, AT - timedelta(days=3))
    recent = account_in_arrears()
    _contact(recent, AT - timedelta(days=1))
    never = account_in_arrears()

    strategies_apply(as_of=AS_OF, at=AT)

    assert item_of(broke).queue.code == "promises"
    assert item_of(rested).queue.code == "rested"
    assert item_of(recent).queue.code == "recent"
    assert item_of(never).queue.code == "rested"


def test_the_next_action_agreed_at_the_last_contact_keeps_the_account_back_until_then(stages):
    account = account_in_arrears()
    later = AS_OF + timedelta(days=5)
    _contact(account, AT - timedelta(days=2), next_action_date=AS_OF + timedelta(days=30))
    _contact(account, AT - timedelta(days=1), next_action_date=later)

    strategies_apply(as_of=AS_OF, at=AT)

    assert item_of(account).not_before_date == later


def test_an_active_strategy_with_bad_rules_stops_the_run_naming_it_and_writes_nothing(stages):
    account_in_arrears()
    Strategy.objects.filter(code="early").update(rules={"buckets": "30-59"})

    with pytest.raises(InvalidStrategy) as refused:
        strategies_apply(as_of=AS_OF, at=AT)

    assert refused.value.field == "early.rules.buckets"
    assert not WorkItem.objects.exists()


def test_saving_a_strategy_with_bad_rules_names_the_key():
    with pytest.raises(InvalidStrategy) as refused:
        strategy_make("odd", "early", rules={"min_days_pastdue": 3})

    assert refused.value.field == "rules.min_days_pastdue"
    assert not Strategy.objects.filter(code="odd").exists()


def test_challengers_get_the_challenger_treatment_and_results_count_by_arm():
    strategy_make("mid", "mid", rules={}, treatment="call", challenger_percent=50, challenger_treatment="sms")
    accounts = [account_in_arrears() for _ in range(12)]
    _contact(accounts[0], AT + timedelta(hours=1), outcome="right_party")

    strategies_apply(as_of=AS_OF, at=AT)

    for account in accounts:
        item = item_of(account)
        challenger = challenger_bucket(contract_id=account.pk, strategy_code="mid") < 50
        assert (item.arm, item.treatment) == (("challenger", "sms") if challenger else ("champion", "call"))
    results = {(r.strategy_code, r.arm): r for r in strategy_results()}
    assert sum(r.items for r in results.values()) == 12
    assert sum(r.right_party_contacts for r in results.values()) == 1


def test_the_default_queues_and_strategies_are_created_once_and_audited():
    first = strategies_default_ensure(at=AT)
    second = strategies_default_ensure(at=AT)

    assert first == {"queues": 5, "strategies": 6}
    assert second == {"queues": 0, "strategies": 0}
    assert Queue.objects.count() == 5
    assert AuditEvent.objects.filter(action="strategy.save").count() == 6


def test_a_night_when_nothing_changed_rewrites_no_work_item(stages):
    account_in_arrears(days_past_due=5)
    account_in_arrears(days_past_due=45)
    strategies_apply(as_of=AS_OF, at=AT)

    counts = strategies_apply(as_of=AS_OF + timedelta(days=1), at=AT + timedelta(days=1))

    assert (counts["placed"], counts["moved"], counts["removed"]) == (0, 0, 0)


def test_the_default_strategies_place_each_stage(db):
    strategies_default_ensure(at=AT)
    early = account_in_arrears(days_past_due=5)
    mid = account_in_arrears(days_past_due=45)
    late = account_in_arrears(days_past_due=120)
    vulnerable = account_in_arrears(days_past_due=120)
    PartyFlag.objects.create(party=vulnerable.customer, kind="vulnerability", set_date=AS_OF, set_at=AT)

    strategies_apply(as_of=AS_OF, at=AT)

    assert [item_of(c).queue.code for c in (early, mid, late, vulnerable)] == [
        "early",
        "mid",
        "late",
        "specialist",
    ]


def test_the_command_line_runs_the_strategies_and_prints_json(stages, capsys):
    account_in_arrears()

    code = main(["strategies", "apply", "--as-of", AS_OF.isoformat(), "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["placed"] == 1
    assert out["as_of"] == AS_OF.isoformat()


def test_the_close_of_business_settles_promises_then_runs_the_strategies(stages, capsys):
    account_in_arrears()

    code = main(["cob", "--as-of", AS_OF.isoformat(), "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["strategies"]["placed"] == 1
    assert "promises" in out
