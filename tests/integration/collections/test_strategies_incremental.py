"""After a first run, the strategy run reads only the accounts whose placement can have changed since
the last run. Night after night, through arrears that roll and cure, contacts, promises made and
broken, flags set and cleared, holds, next actions coming round and contracts paid off, it must leave
exactly the work items a read of every account leaves."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction

from recoup.arrears.models import ArrearsState
from recoup.collections.models import Contact, Promise, PromisePayment, Strategy, StrategyRun, WorkItem
from recoup.collections.strategy_batch import strategies_apply
from recoup.parties.models import PartyFlag
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import (
    AS_OF,
    account_in_arrears,
    strategy_make,
    user_make,
)

pytestmark = pytest.mark.django_db

PLACEMENT = ("contract_id", "strategy_id", "queue_id", "arm", "treatment", "rank", "placed_date", "time_zone")


class Undo(Exception):
    pass


def items() -> dict[int, tuple]:
    rows = WorkItem.objects.values_list(*PLACEMENT, "not_before_date", "held_by_id")
    return {row[0]: row for row in rows}


def run(night: date, *, full: bool) -> tuple[dict[str, int], dict[int, tuple]]:
    return strategies_apply(as_of=night, at=datetime.combine(night, time(22), tzinfo=UTC), full=full), items()


def incremental_then_undone(night: date) -> tuple[dict[str, int], dict[int, tuple]]:
    """The incremental run's result, then the database as it was."""
    result: list = []
    try:
        with transaction.atomic():
            result.append(run(night, full=False))
            raise Undo
    except Undo:
        pass
    return result[0]


@pytest.fixture
def strategies() -> None:
    strategy_make("disputed", "disputes", priority=90, rules={"flags_any": ["dispute"]})
    strategy_make("late", "late", priority=80, rules={"min_days_past_due": 60})
    strategy_make("broken", "broken", priority=70, rules={"min_broken_promises": 1})
    strategy_make(
        "quiet",
        "mid",
        priority=50,
        rules={"min_days_past_due": 30, "max_days_past_due": 59, "min_days_since_contact": 5},
    )
    strategy_make("early", "early", priority=10, rules={"max_days_past_due": 29})


def test_night_after_night_the_changed_accounts_leave_the_work_items_a_full_run_leaves(strategies):
    rng = random.Random(20261122)
    agent = user_make()
    accounts = [account_in_arrears(days_past_due=rng.choice((3, 25, 31, 58, 70))) for _ in range(14)]
    night = AS_OF
    strategies_apply(as_of=night, at=datetime.combine(night, time(22), tzinfo=UTC))
    partial_reads = 0
    for _ in range(45):
        night += timedelta(days=rng.choice((1, 1, 1, 2, 3, 6)))
        noon = datetime.combine(night, time(12), tzinfo=UTC)
        for contract in accounts:
            event = rng.random()
            state = ArrearsState.objects.filter(contract=contract)
            if event < 0.06:  # missed another payment, or fell behind afresh
                state.update(
                    arrears_minor=rng.choice((20_000, 40_000)),
                    oldest_unpaid_due_date=night - timedelta(days=rng.choice((0, 10, 40))),
                    collections_flag=True,
                    changed_date=night,
                )
            elif event < 0.10:  # caught up
                state.update(
                    arrears_minor=0, oldest_unpaid_due_date=None, collections_flag=False, changed_date=night
                )
            elif event < 0.18:  # a call, perhaps agreeing a next action
                Contact.objects.create(
                    contract=contract,
                    at=noon - timedelta(days=rng.choice((0, 1))),
                    channel="call",
                    direction="outbound",
                    outcome="right_party",
                    agent=agent,
                    next_action_date=night + timedelta(days=rng.choice((1, 2, 4)))
                    if rng.random() < 0.5
                    else None,
                )
            elif event < 0.22:  # a promise to pay in a few days
                contact = Contact.objects.create(
                    contract=contract,
                    at=noon,
                    channel="call",
                    direction="inbound",
                    outcome="promise",
                    agent=agent,
                )
                promise = Promise.objects.create(
                    contract=contract, contact=contact, made_date=night, currency="USD", total_minor=10_000
                )
                PromisePayment.objects.create(
                    promise=promise, due_date=night + timedelta(days=3), amount_minor=10_000
                )
            elif event < 0.25:  # a promise broken at the close
                Promise.objects.filter(contract=contract, status="open").update(
                    status="broken", settled_date=night
                )
            elif event < 0.28:  # a dispute raised, or cleared
                open_flag = PartyFlag.objects.filter(
                    party_id=contract.customer_id, kind="dispute", cleared_date=None
                )
                if open_flag.exists():
                    open_flag.update(cleared_date=night, cleared_at=noon)
                else:
                    PartyFlag.objects.create(
                        party_id=contract.customer_id, kind="dispute", set_date=night, set_at=noon
                    )
            elif event < 0.31:  # an agent takes the item, or lets it go having worked it
                item = WorkItem.objects.filter(contract=contract)
                if item.filter(held_by__isnull=True).exists():
                    item.update(held_by=agent, held_at=noon)
                else:
                    item.update(held_by=None, held_at=None, worked_at=noon)
            elif event < 0.32:  # paid off
                Contract.objects.filter(pk=contract.pk).update(status="paid_off")

        counts, partial = incremental_then_undone(night)
        full_counts, whole = run(night, full=True)

        assert partial == whole, night
        assert counts["full"] == 0
        assert counts["accounts"] <= full_counts["accounts"]
        partial_reads += counts["accounts"] < full_counts["accounts"]
    assert partial_reads > 20  # most nights read fewer accounts than the whole
    assert StrategyRun.objects.filter(full=True).count() == 46


def test_a_change_of_strategy_makes_the_next_run_read_every_account(strategies):
    account_in_arrears(days_past_due=40)
    account_in_arrears(days_past_due=10)
    strategies_apply(as_of=AS_OF, at=datetime.combine(AS_OF, time(22), tzinfo=UTC))
    tomorrow = AS_OF + timedelta(days=1)

    quiet = strategies_apply(as_of=tomorrow, at=datetime.combine(tomorrow, time(22), tzinfo=UTC))
    strategy_make("everyone", "everyone", priority=99, rules={})
    after_change = strategies_apply(
        as_of=tomorrow + timedelta(days=1), at=datetime.combine(tomorrow, time(23), tzinfo=UTC)
    )

    assert (quiet["full"], quiet["accounts"]) == (0, 0)
    assert (after_change["full"], after_change["accounts"], after_change["moved"]) == (1, 2, 2)


def test_with_no_strategy_active_a_night_reads_no_account_until_a_work_item_is_left_to_take_away():
    account_in_arrears(days_past_due=40)
    first = strategies_apply(as_of=AS_OF, at=datetime.combine(AS_OF, time(22), tzinfo=UTC))
    tomorrow = AS_OF + timedelta(days=1)
    ArrearsState.objects.update(changed_date=tomorrow)  # every account changed: each would be read

    quiet = strategies_apply(as_of=tomorrow, at=datetime.combine(tomorrow, time(22), tzinfo=UTC))
    strategy_make("everyone", "everyone", priority=99, rules={})
    strategies_apply(as_of=tomorrow + timedelta(days=1), at=datetime.combine(tomorrow, time(23), tzinfo=UTC))
    Strategy.objects.update(active=False)
    emptied = strategies_apply(
        as_of=tomorrow + timedelta(days=2), at=datetime.combine(tomorrow, time(23), tzinfo=UTC)
    )
    ArrearsState.objects.update(changed_date=tomorrow + timedelta(days=3))
    after = strategies_apply(
        as_of=tomorrow + timedelta(days=3), at=datetime.combine(tomorrow, time(23), tzinfo=UTC)
    )

    assert (first["full"], first["accounts"]) == (1, 1)
    assert (quiet["full"], quiet["accounts"]) == (0, 0)
    assert (emptied["full"], emptied["accounts"], emptied["removed"]) == (1, 1, 1)
    assert (after["full"], after["accounts"]) == (0, 0)
    assert not WorkItem.objects.exists()
