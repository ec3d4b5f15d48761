"""Get next and the queues: an agent takes the best workable account nobody holds; team leaders
pause, reprioritise and assign.

Two agents never get the same account, even at the same instant. On PostgreSQL the candidate row
is locked with SELECT … FOR UPDATE SKIP LOCKED (a second agent skips it and takes the next) and
then taken with a conditional UPDATE (held_by IS NULL) in the same transaction. On SQLite the
IMMEDIATE transaction serialises writers, and the same conditional UPDATE, retried, settles it.

A hold older than HOLD_TIMEOUT counts as free: an agent who went home does not sit on an account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.collections.errors import (
    NothingToWork,
    QueueNotFound,
    WorkItemNotFound,
    WorkItemNotHeld,
    WorkNotPermitted,
    WorkNotRecorded,
)
from recoup.collections.models import Contact, Queue, Strategy, WorkItem
from recoup.collections.strategies import strategy_check
from recoup.compliance.calling_hours import callable_time_zones
from recoup.compliance.queries import contact_permission
from recoup.portfolio.models import Contract

HOLD_TIMEOUT = timedelta(minutes=30)
TAKE_ATTEMPTS = 5
# Candidates the contact gate may refuse in one Get next before it says there is nothing to work.
GATE_TRIES = 50
WORKING_ROLES = frozenset({Role.AGENT.value, Role.TEAM_LEADER.value})
MANAGING_ROLES = frozenset({Role.TEAM_LEADER.value, Role.HEAD_OF_CREDIT.value, Role.ADMINISTRATOR.value})
BOARD_ROLES = MANAGING_ROLES | {Role.AUDITOR.value}


@dataclass(frozen=True)
class WorkTaken:
    """The work item an agent now holds, and how it came to them: "held" (they already held it),
    "assigned" (a team leader assigned it) or "queue"."""

    item_id: int
    contract_id: int
    account_number: str
    queue_code: str
    queue_name: str
    strategy_code: str
    treatment: str
    arm: str
    rank: int
    time_zone: str
    held_at: datetime
    how: str


def may_take_work(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and getattr(user, "role", None) in WORKING_ROLES


def may_manage_queues(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and getattr(user, "role", None) in MANAGING_ROLES


def may_read_board(user: Any) -> bool:
    return bool(getattr(user, "is_active", False)) and getattr(user, "role", None) in BOARD_ROLES


def work_next(*, agent: User, at: datetime) -> WorkTaken:
    """Hand the agent the highest-priority workable item nobody holds, and hold it for them.

    In order: the item the agent already holds (unless they have recorded a contact on it since
    taking it, when it counts as done and the next is taken); else the items a team leader
    assigned to them; else their queues (every queue when they belong to none), unpaused, higher
    queue priority first, then rank. Skips items whose next-action date is after today and
    customers outside calling hours (08:00–21:00 their time) now, in SQL; then asks the contact
    gate about the one candidate and, when it refuses a call now (a flag, the call limits, no
    number to call), skips to the next, at most GATE_TRIES of them.

    Raises WorkNotPermitted (field "agent"), NothingToWork.
    """
    if not may_take_work(agent):
        raise WorkNotPermitted(f"agent: a {agent.role} does not take work from the queues", field="agent")
    today = timezone.localdate(at)
    zones = sorted(callable_time_zones(at=at))
    refused: dict[int, tuple[int, str]] = {}  # item id: (contract id, the gate's first reason)
    for _ in range(TAKE_ATTEMPTS):
        with transaction.atomic():
            held = _own_hold(agent=agent, at=at, today=today)
            if held is not None:
                return held
            _stale_holds_release(agent=agent, at=at)
            candidate = _gated_candidate(agent=agent, today=today, zones=zones, at=at, refused=refused)
            if candidate is None:
                raise NothingToWork(_nothing_message(agent=agent, today=today, refused=refused))
            item_id, how = candidate
            taken = WorkItem.objects.filter(pk=item_id, held_by__isnull=True).update(
                held_by=agent, held_at=at
            )
            if taken:
                return _taken(item_id, how)
    raise NothingToWork("nothing could be taken: other agents took every candidate; try again")


def _gated_candidate(
    *, agent: User, today: date, zones: list[str], at: datetime, refused: dict[int, tuple[int, str]]
) -> tuple[int, str] | None:
    """The best candidate the contact gate allows a call to now; those it refuses go in `refused`."""
    while len(refused) < GATE_TRIES:
        candidate = _candidate(agent=agent, today=today, zones=zones, skip=sorted(refused))
        if candidate is None:
            return None
        item_id, how, contract_id = candidate
        permission = contact_permission(contract_id=contract_id, channel="call", at=at)
        if permission.allowed:
            return item_id, how
        refused[item_id] = (contract_id, permission.reasons[0])
    return None


def _nothing_message(*, agent: User, today: date, refused: dict[int, tuple[int, str]]) -> str:
    if refused:
        numbers = dict(
            Contract.objects.filter(pk__in=[c for c, _ in refused.values()]).values_list(
                "pk", "account_number"
            )
        )
        examples = "; ".join(f"{numbers.get(c, c)}: {reason}" for c, reason in list(refused.values())[:3])
        more = "" if len(refused) < GATE_TRIES else f" (stopped after {GATE_TRIES})"
        return (
            f"nothing to work now: the contact gate refused a call now to {len(refused)} "
            f"account{'s' if len(refused) != 1 else ''}{more} — {examples}"
        )
    if _candidate(agent=agent, today=today, zones=None) is not None:
        return (
            "nothing to work now: the accounts left in your queues are outside calling hours "
            "(08:00–21:00 in the customer's time)"
        )
    return "nothing to work in your queues now"


def _own_hold(*, agent: User, at: datetime, today: date) -> WorkTaken | None:
    """The agent's held item, its hold renewed; or None, finishing it first if a contact was recorded."""
    item = WorkItem.objects.filter(held_by=agent).order_by("held_at", "pk").first()
    if item is None:
        return None
    assert item.held_at is not None  # work_item_held_whole
    worked = _contact_since(item=item, agent=agent)
    if worked is not None:
        _finish(item=item, at=at, not_before_date=worked.next_action_date or today + timedelta(days=1))
        return None
    WorkItem.objects.filter(pk=item.pk, held_by=agent).update(held_at=at)
    return _taken(item.pk, "held")


def _contact_since(*, item: WorkItem, agent: User) -> Contact | None:
    return (
        Contact.objects.filter(contract_id=item.contract_id, agent=agent, at__gte=item.held_at)
        .order_by("-at", "-pk")
        .first()
    )


def _finish(*, item: WorkItem, at: datetime, not_before_date: date) -> None:
    WorkItem.objects.filter(pk=item.pk).update(
        held_by=None, held_at=None, worked_at=at, not_before_date=not_before_date
    )


def _stale_holds_release(*, agent: User, at: datetime) -> None:
    """Free the holds older than the timeout. Rows another agent is freeing or taking are skipped,
    not waited on, so two agents never wait on each other's locks here."""
    cutoff = at - HOLD_TIMEOUT
    stale = WorkItem.objects.filter(held_by__isnull=False, held_at__lt=cutoff).exclude(held_by=agent)
    if connection.features.has_select_for_update_skip_locked:
        stale = stale.select_for_update(skip_locked=True)
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        WorkItem.objects.filter(pk__in=ids, held_at__lt=cutoff).update(held_by=None, held_at=None)


def _candidate(
    *, agent: User, today: date, zones: list[str] | None, skip: Sequence[int] = ()
) -> tuple[int, str, int] | None:
    """The best free item for the agent but those in `skip`: (id, how, contract id), locked on
    PostgreSQL; None when there is none.

    With `zones` None, calling hours are not looked at and nothing is locked (to say why there is
    nothing to work)."""
    if zones is not None and not zones:
        return None
    workable = "w.held_by_id IS NULL AND (w.not_before_date IS NULL OR w.not_before_date <= %s) "
    if zones is not None:
        workable += f"AND w.time_zone IN ({', '.join(['%s'] * len(zones))}) "
    if skip:
        workable += f"AND w.id NOT IN ({', '.join(['%s'] * len(skip))}) "
    locking = zones is not None and connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE OF w SKIP LOCKED" if locking else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.id, w.contract_id FROM collections_workitem w "  # noqa: S608
            "JOIN collections_queue q ON q.id = w.queue_id "
            f"WHERE w.assigned_to_id = %s AND NOT q.paused AND {workable}"
            f"ORDER BY q.priority DESC, w.rank DESC, w.id LIMIT 1{lock}",
            [agent.pk, today, *(zones or ()), *skip],
        )
        row = cursor.fetchone()
        if row is not None:
            return int(row[0]), "assigned", int(row[1])
        for queue_ids in _queue_tiers(agent):
            marks = ", ".join(["%s"] * len(queue_ids))
            # Served by the partial index work_item_free (queue, -rank, id) WHERE held_by IS NULL.
            cursor.execute(
                "SELECT w.id, w.contract_id FROM collections_workitem w "  # noqa: S608
                f"WHERE w.queue_id IN ({marks}) AND (w.assigned_to_id IS NULL OR w.assigned_to_id = %s) "
                f"AND {workable}ORDER BY w.rank DESC, w.id LIMIT 1{lock.replace(' OF w', '')}",
                [*queue_ids, agent.pk, today, *(zones or ()), *skip],
            )
            row = cursor.fetchone()
            if row is not None:
                return int(row[0]), "queue", int(row[1])
    return None


def _queue_tiers(agent: User) -> list[list[int]]:
    """The agent's unpaused queues grouped by priority, highest first (every queue without membership)."""
    queues = Queue.objects.filter(paused=False)
    if Queue.members.through.objects.filter(user=agent).exists():
        queues = queues.filter(members=agent)
    tiers: dict[int, list[int]] = {}
    for pk, priority in queues.order_by("-priority", "pk").values_list("pk", "priority"):
        tiers.setdefault(priority, []).append(pk)
    return list(tiers.values())


def _taken(item_id: int, how: str) -> WorkTaken:
    item = WorkItem.objects.select_related("contract", "queue", "strategy").get(pk=item_id)
    assert item.held_at is not None
    return WorkTaken(
        item_id=item.pk,
        contract_id=item.contract_id,
        account_number=item.contract.account_number,
        queue_code=item.queue.code,
        queue_name=item.queue.name,
        strategy_code=item.strategy.code,
        treatment=item.treatment,
        arm=item.arm,
        rank=item.rank,
        time_zone=item.time_zone,
        held_at=item.held_at,
        how=how,
    )


def work_release(*, agent: User, item_id: int, at: datetime) -> None:
    """Give back an item the agent holds, unworked, for someone else to take.

    Raises WorkItemNotHeld (field "item_id").
    """
    with transaction.atomic():
        released = WorkItem.objects.filter(pk=item_id, held_by=agent).update(held_by=None, held_at=None)
    if not released:
        raise WorkItemNotHeld(f"item_id: you do not hold work item {item_id}", field="item_id")


def work_done(*, agent: User, item_id: int, at: datetime, next_action_date: date | None = None) -> None:
    """Finish an item the agent holds, after recording a contact on its account since taking it.

    It stays out of Get next until `next_action_date` (else the contact's next-action date, else
    tomorrow); the next strategy run places the account again.

    Raises WorkItemNotHeld (field "item_id"), WorkNotRecorded (field "contact").
    """
    with transaction.atomic():
        item = WorkItem.objects.select_for_update().filter(pk=item_id, held_by=agent).first()
        if item is None:
            raise WorkItemNotHeld(f"item_id: you do not hold work item {item_id}", field="item_id")
        contact = _contact_since(item=item, agent=agent)
        if contact is None:
            raise WorkNotRecorded(
                "contact: record a contact on the account before finishing it", field="contact"
            )
        tomorrow = timezone.localdate(at) + timedelta(days=1)
        _finish(item=item, at=at, not_before_date=next_action_date or contact.next_action_date or tomorrow)


def _manager_check(user: User) -> None:
    if not may_manage_queues(user):
        raise WorkNotPermitted(
            "by: queues are managed by team leaders, the head of credit and administrators", field="by"
        )


def _queue(code: str) -> Queue:
    queue = Queue.objects.select_for_update().filter(code=code).first()
    if queue is None:
        raise QueueNotFound(f"code: no queue {code!r}", field="code")
    return queue


def work_assign(
    *, item_id: int | None = None, account_number: str = "", agent: User | None, by: User, at: datetime
) -> None:
    """Reserve a work item (by its id, or its account's number) for one agent (None: back to the
    whole queue). Audited.

    Raises WorkNotPermitted (field "by" or "agent"), WorkItemNotFound (field "item_id" or
    "account_number").
    """
    _manager_check(by)
    if agent is not None and not may_take_work(agent):
        raise WorkNotPermitted(f"agent: {agent.username} does not take work from the queues", field="agent")
    with transaction.atomic():
        if item_id is not None:
            item = WorkItem.objects.select_for_update().filter(pk=item_id).first()
            if item is None:
                raise WorkItemNotFound(f"item_id: no work item {item_id}", field="item_id")
        else:
            number = account_number.strip()
            item = WorkItem.objects.select_for_update().filter(contract__account_number=number).first()
            if item is None:
                raise WorkItemNotFound(
                    f"account_number: account {number!r} is in no queue", field="account_number"
                )
        before = {"assigned_to": item.assigned_to_id}
        item.assigned_to = agent
        item.save(update_fields=["assigned_to"])
        audit_record(
            actor=by,
            action="work_item.assign",
            object_type="work_item",
            object_id=item.pk,
            at=at,
            before=before,
            after={"assigned_to": agent.pk if agent else None},
        )


def queue_pause(*, code: str, by: User, at: datetime) -> None:
    """Stop Get next taking from the queue. Audited. Raises WorkNotPermitted, QueueNotFound."""
    _queue_set(code=code, by=by, at=at, action="queue.pause", paused=True)


def queue_resume(*, code: str, by: User, at: datetime) -> None:
    """Let Get next take from the queue again. Audited. Raises WorkNotPermitted, QueueNotFound."""
    _queue_set(code=code, by=by, at=at, action="queue.resume", paused=False)


def queue_reprioritise(*, code: str, priority: int, by: User, at: datetime) -> None:
    """Set the queue's priority (higher is taken from first). Audited.

    Raises WorkNotPermitted, QueueNotFound.
    """
    _queue_set(code=code, by=by, at=at, action="queue.reprioritise", priority=priority)


def _queue_set(*, code: str, by: User, at: datetime, action: str, **changes: Any) -> None:
    _manager_check(by)
    with transaction.atomic():
        queue = _queue(code)
        before = {name: getattr(queue, name) for name in changes}
        for name, value in changes.items():
            setattr(queue, name, value)
        queue.save(update_fields=list(changes))
        audit_record(
            actor=by,
            action=action,
            object_type="queue",
            object_id=queue.code,
            at=at,
            before=before,
            after=changes,
        )


def queue_save(
    *,
    code: str,
    name: str,
    priority: int = 0,
    members: list[User] | None = None,
    by: User | None,
    at: datetime,
) -> Queue:
    """Create the queue or change its name, priority and (when given) members. Audited.

    Raises WorkNotPermitted (when `by` is a user who may not manage queues).
    """
    if by is not None:
        _manager_check(by)
    with transaction.atomic():
        queue, created = Queue.objects.get_or_create(code=code, defaults={"name": name, "priority": priority})
        before = None if created else {"name": queue.name, "priority": queue.priority}
        queue.name, queue.priority = name, priority
        queue.save(update_fields=["name", "priority"])
        if members is not None:
            queue.members.set(members)
        audit_record(
            actor=by,
            action="queue.save",
            object_type="queue",
            object_id=code,
            at=at,
            before=before,
            after={"name": name, "priority": priority},
        )
    return queue


def strategy_save(
    *,
    code: str,
    name: str,
    queue_code: str,
    rules: dict[str, Any],
    priority: int = 0,
    treatment: str = "call",
    challenger_percent: int = 0,
    challenger_treatment: str = "",
    active: bool = True,
    by: User | None,
    at: datetime,
) -> Strategy:
    """Create or change a strategy, its rules checked. Audited.

    Raises InvalidStrategy naming the field (e.g. "rules.buckets"), QueueNotFound (field
    "queue_code"), WorkNotPermitted.
    """
    if by is not None:
        _manager_check(by)
    parsed = strategy_check(
        code=code,
        rules=rules,
        treatment=treatment,
        challenger_percent=challenger_percent,
        challenger_treatment=challenger_treatment,
    )
    values = {
        "name": name,
        "priority": priority,
        "rules": parsed.as_json(),
        "treatment": treatment,
        "challenger_percent": challenger_percent,
        "challenger_treatment": challenger_treatment if challenger_percent else "",
        "active": active,
    }
    with transaction.atomic():
        queue = Queue.objects.filter(code=queue_code).first()
        if queue is None:
            raise QueueNotFound(f"queue_code: no queue {queue_code!r}", field="queue_code")
        existing = Strategy.objects.select_for_update().filter(code=code).first()
        before = None
        if existing is not None:
            before = {name: getattr(existing, name) for name in values} | {"queue": existing.queue.code}
        strategy, _ = Strategy.objects.update_or_create(code=code, defaults={**values, "queue": queue})
        audit_record(
            actor=by,
            action="strategy.save",
            object_type="strategy",
            object_id=code,
            at=at,
            before=before,
            after={**values, "queue": queue_code},
        )
    return strategy
