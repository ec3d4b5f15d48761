"""Get next: the agent's own hold, then assignments, then queues by priority and rank; calling hours,
next-action dates, paused queues and hold timeouts; the team leader's actions, audited."""

from datetime import timedelta

import pytest

from recoup.access.models import AuditEvent
from recoup.collections.errors import (
    NothingToWork,
    QueueNotFound,
    WorkItemNotHeld,
    WorkNotPermitted,
    WorkNotRecorded,
)
from recoup.collections.models import Contact, Queue, WorkItem
from recoup.collections.strategy_batch import strategies_apply
from recoup.collections.work import (
    HOLD_TIMEOUT,
    queue_pause,
    queue_reprioritise,
    queue_resume,
    work_assign,
    work_done,
    work_next,
    work_release,
)
from recoup.collections.work_queries import queue_board
from tests.integration.collections.work_builders import (
    AS_OF,
    AT,
    account_in_arrears,
    item_of,
    queue_make,
    strategy_make,
    user_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return user_make("agent")


@pytest.fixture
def leader():
    return user_make("team_leader")


def placed(*contracts):
    strategies_apply(as_of=AS_OF, at=AT)
    return [item_of(c) for c in contracts]


@pytest.fixture
def one_queue():
    strategy_make("all", "all", rules={})


def test_get_next_gives_the_highest_ranked_account_and_holds_it(one_queue, agent):
    small = account_in_arrears(arrears_minor=1_000)
    big = account_in_arrears(arrears_minor=90_000)
    placed(small, big)

    taken = work_next(agent=agent, at=AT)

    assert taken.account_number == big.account_number
    assert taken.how == "queue"
    assert item_of(big).held_by == agent
    assert item_of(big).held_at == AT


def test_two_agents_one_after_the_other_get_different_accounts(one_queue, agent):
    accounts = [account_in_arrears(), account_in_arrears()]
    placed(*accounts)

    first = work_next(agent=agent, at=AT)
    second = work_next(agent=user_make(), at=AT)

    assert first.contract_id != second.contract_id


def test_an_agent_who_holds_an_account_gets_it_again(one_queue, agent):
    placed(account_in_arrears(), account_in_arrears())
    first = work_next(agent=agent, at=AT)

    again = work_next(agent=agent, at=AT + timedelta(minutes=5))

    assert again.item_id == first.item_id
    assert again.how == "held"
    assert again.held_at == AT + timedelta(minutes=5)


def test_after_recording_a_contact_get_next_finishes_the_account_and_takes_another(one_queue, agent):
    placed(account_in_arrears(), account_in_arrears())
    first = work_next(agent=agent, at=AT)
    Contact.objects.create(
        contract_id=first.contract_id,
        at=AT + timedelta(minutes=3),
        channel="call",
        direction="outbound",
        outcome="no_answer",
        agent=agent,
    )

    second = work_next(agent=agent, at=AT + timedelta(minutes=4))

    done = WorkItem.objects.get(pk=first.item_id)
    assert second.item_id != first.item_id
    assert done.held_by is None
    assert done.worked_at == AT + timedelta(minutes=4)
    assert done.not_before_date == AS_OF + timedelta(days=1)


def test_nothing_to_work_is_said_plainly(one_queue, agent):
    with pytest.raises(NothingToWork, match="nothing to work"):
        work_next(agent=agent, at=AT)


def test_a_hold_older_than_the_timeout_counts_as_free(one_queue, agent):
    placed(account_in_arrears())
    first = work_next(agent=agent, at=AT)
    other = user_make()

    with pytest.raises(NothingToWork):
        work_next(agent=other, at=AT + HOLD_TIMEOUT - timedelta(seconds=1))
    taken = work_next(agent=other, at=AT + HOLD_TIMEOUT + timedelta(seconds=1))

    assert taken.item_id == first.item_id
    assert WorkItem.objects.get(pk=first.item_id).held_by == other


def test_an_account_whose_next_action_is_after_today_is_skipped(one_queue, agent):
    later, now = account_in_arrears(arrears_minor=90_000), account_in_arrears(arrears_minor=1_000)
    placed(later, now)
    WorkItem.objects.filter(contract=later).update(not_before_date=AS_OF + timedelta(days=1))

    assert work_next(agent=agent, at=AT).contract_id == now.pk


def test_an_account_whose_next_action_is_today_is_workable(one_queue, agent):
    today = account_in_arrears()
    placed(today)
    WorkItem.objects.filter(contract=today).update(not_before_date=AS_OF)

    assert work_next(agent=agent, at=AT).contract_id == today.pk


def test_customers_outside_calling_hours_are_skipped(one_queue, agent):
    west = account_in_arrears(arrears_minor=90_000, time_zones="America/Los_Angeles")
    east = account_in_arrears(arrears_minor=1_000, time_zones="America/New_York")
    placed(west, east)
    seven_in_la = AT - timedelta(hours=1)  # 07:00 in Los Angeles, 10:00 in New York

    assert work_next(agent=agent, at=seven_in_la).contract_id == east.pk


def test_when_only_customers_outside_calling_hours_are_left_the_agent_is_told_why(one_queue, agent):
    placed(account_in_arrears(time_zones="America/New_York"))
    half_past_seven_in_new_york = AT.replace(hour=11, minute=30)

    with pytest.raises(NothingToWork, match="outside calling hours"):
        work_next(agent=agent, at=half_past_seven_in_new_york)


def test_a_texan_is_called_only_when_it_is_eight_in_el_paso_too(one_queue, agent):
    texan = account_in_arrears()  # America/Chicago America/Denver
    placed(texan)
    eight_thirty_in_houston = AT.replace(hour=13, minute=30)  # 07:30 in El Paso

    with pytest.raises(NothingToWork):
        work_next(agent=agent, at=eight_thirty_in_houston)
    assert work_next(agent=agent, at=AT).contract_id == texan.pk


def test_a_paused_queue_gives_nothing_until_resumed(one_queue, agent, leader):
    placed(account_in_arrears())
    queue_pause(code="all", by=leader, at=AT)

    with pytest.raises(NothingToWork):
        work_next(agent=agent, at=AT)
    queue_resume(code="all", by=leader, at=AT)
    assert work_next(agent=agent, at=AT).queue_code == "all"


def test_the_higher_priority_queue_is_worked_first_whatever_the_ranks(agent, leader):
    strategy_make("big", "big", priority=90, rules={"min_arrears_minor": 50_000})
    strategy_make("small", "small", priority=10, rules={})
    queue_reprioritise(code="small", priority=5, by=leader, at=AT)
    queue_reprioritise(code="big", priority=1, by=leader, at=AT)
    big, small = account_in_arrears(arrears_minor=90_000), account_in_arrears(arrears_minor=1_000)
    placed(big, small)

    assert work_next(agent=agent, at=AT).contract_id == small.pk


def test_an_agent_with_queues_takes_only_from_them(agent):
    strategy_make("big", "big", priority=90, rules={"min_arrears_minor": 50_000})
    strategy_make("small", "small", priority=10, rules={})
    Queue.objects.get(code="small").members.add(agent)
    big, small = account_in_arrears(arrears_minor=90_000), account_in_arrears(arrears_minor=1_000)
    placed(big, small)

    assert work_next(agent=agent, at=AT).contract_id == small.pk


def test_an_account_assigned_to_an_agent_comes_to_them_first_and_to_nobody_else(one_queue, agent, leader):
    big, small = account_in_arrears(arrears_minor=90_000), account_in_arrears(arrears_minor=1_000)
    _, small_item = placed(big, small)
    work_assign(item_id=small_item.pk, agent=agent, by=leader, at=AT)
    other = user_make()

    assert work_next(agent=other, at=AT).contract_id == big.pk
    with pytest.raises(NothingToWork):
        work_next(agent=user_make(), at=AT)
    mine = work_next(agent=agent, at=AT)
    assert (mine.contract_id, mine.how) == (small.pk, "assigned")


def test_assignment_is_audited_with_before_and_after(one_queue, agent, leader):
    (item,) = placed(account_in_arrears())

    work_assign(item_id=item.pk, agent=agent, by=leader, at=AT)

    event = AuditEvent.objects.get(action="work_item.assign")
    assert (event.actor, event.object_id) == (leader, str(item.pk))
    assert (event.before, event.after) == ({"assigned_to": None}, {"assigned_to": agent.pk})


def test_pausing_resuming_and_reprioritising_are_audited(one_queue, leader):
    queue_pause(code="all", by=leader, at=AT)
    queue_resume(code="all", by=leader, at=AT)
    queue_reprioritise(code="all", priority=7, by=leader, at=AT)

    events = AuditEvent.objects.filter(object_type="queue", actor=leader).order_by("pk")
    assert [e.action for e in events] == ["queue.pause", "queue.resume", "queue.reprioritise"]
    assert (events[2].before, events[2].after) == ({"priority": 0}, {"priority": 7})


@pytest.mark.parametrize("role", ["agent", "auditor", "remarketing"])
def test_only_team_leaders_the_head_of_credit_and_administrators_manage_queues(one_queue, role):
    with pytest.raises(WorkNotPermitted):
        queue_pause(code="all", by=user_make(role), at=AT)

    assert not Queue.objects.get(code="all").paused
    assert not AuditEvent.objects.filter(action="queue.pause").exists()


@pytest.mark.parametrize("role", ["head_of_credit", "administrator"])
def test_the_head_of_credit_and_administrators_manage_queues_too(one_queue, role):
    queue_pause(code="all", by=user_make(role), at=AT)

    assert Queue.objects.get(code="all").paused


@pytest.mark.parametrize("role", ["auditor", "remarketing"])
def test_auditors_and_remarketing_do_not_take_work(one_queue, role):
    placed(account_in_arrears())

    with pytest.raises(WorkNotPermitted):
        work_next(agent=user_make(role), at=AT)


def test_work_cannot_be_assigned_to_someone_who_does_not_take_work(one_queue, leader):
    (item,) = placed(account_in_arrears())

    with pytest.raises(WorkNotPermitted) as refused:
        work_assign(item_id=item.pk, agent=user_make("auditor"), by=leader, at=AT)

    assert refused.value.field == "agent"


def test_an_unknown_queue_is_named(leader):
    with pytest.raises(QueueNotFound) as refused:
        queue_pause(code="nope", by=leader, at=AT)

    assert refused.value.field == "code"


def test_a_released_account_goes_back_to_the_queue(one_queue, agent):
    placed(account_in_arrears())
    taken = work_next(agent=agent, at=AT)

    work_release(agent=agent, item_id=taken.item_id, at=AT)

    assert WorkItem.objects.get(pk=taken.item_id).held_by is None
    assert work_next(agent=user_make(), at=AT).item_id == taken.item_id


def test_an_agent_cannot_release_what_someone_else_holds(one_queue, agent):
    placed(account_in_arrears())
    taken = work_next(agent=agent, at=AT)

    with pytest.raises(WorkItemNotHeld) as refused:
        work_release(agent=user_make(), item_id=taken.item_id, at=AT)

    assert refused.value.field == "item_id"


def test_work_is_done_only_after_a_contact_is_recorded(one_queue, agent):
    placed(account_in_arrears())
    taken = work_next(agent=agent, at=AT)

    with pytest.raises(WorkNotRecorded):
        work_done(agent=agent, item_id=taken.item_id, at=AT)
    Contact.objects.create(
        contract_id=taken.contract_id,
        at=AT + timedelta(minutes=1),
        channel="call",
        direction="outbound",
        outcome="callback",
        agent=agent,
        next_action_date=AS_OF + timedelta(days=2),
    )
    work_done(agent=agent, item_id=taken.item_id, at=AT + timedelta(minutes=2))

    item = WorkItem.objects.get(pk=taken.item_id)
    assert (item.held_by, item.not_before_date) == (None, AS_OF + timedelta(days=2))


def test_the_board_counts_items_free_held_and_the_oldest_age(one_queue, agent):
    placed(account_in_arrears(), account_in_arrears(), account_in_arrears())
    WorkItem.objects.filter(pk=WorkItem.objects.order_by("pk")[0].pk).update(
        placed_date=AS_OF - timedelta(days=4)
    )
    work_next(agent=agent, at=AT)

    board = queue_board(at=AT + timedelta(minutes=10), as_of=AS_OF)

    (row,) = board.queues
    assert (row.code, row.items, row.free, row.held) == ("all", 3, 2, 1)
    assert row.oldest_placed_date == AS_OF - timedelta(days=4)
    assert row.oldest_age_days == 4
    assert [(h.agent, h.minutes) for h in board.holds] == [(agent.username, 10)]
    assert agent.username in [a.username for a in board.agents]


def test_on_the_board_a_timed_out_hold_counts_as_free(one_queue, agent):
    placed(account_in_arrears())
    work_next(agent=agent, at=AT)

    board = queue_board(at=AT + HOLD_TIMEOUT + timedelta(minutes=1), as_of=AS_OF)

    assert (board.queues[0].free, board.queues[0].held, board.holds) == (1, 0, ())


def test_an_empty_queue_shows_on_the_board(leader):
    queue_make("empty", priority=3)

    (row,) = queue_board(at=AT, as_of=AS_OF).queues

    assert (row.code, row.items, row.oldest_placed_date, row.oldest_age_days) == ("empty", 0, None, None)
