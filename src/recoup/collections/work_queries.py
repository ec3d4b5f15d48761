# ruff: noqa: S608 - the SQL is spliced only from constants
"""Reads for the queues: the team leader's board, an agent's held work, and results by arm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection

from recoup.access.models import User
from recoup.collections.models import Queue, WorkItem
from recoup.collections.work import HOLD_TIMEOUT, WORKING_ROLES


@dataclass(frozen=True)
class QueueRow:
    code: str
    name: str
    priority: int
    paused: bool
    members: tuple[str, ...]  # usernames; none means every agent takes from it
    items: int
    free: int  # nobody holds them, or the hold timed out
    held: int
    assigned: int
    oldest_placed_date: date | None
    oldest_age_days: int | None


@dataclass(frozen=True)
class HoldRow:
    item_id: int
    account_number: str
    queue_code: str
    agent: str
    held_at: datetime
    minutes: int


@dataclass(frozen=True)
class AgentChoice:
    user_id: int
    username: str
    name: str


@dataclass(frozen=True)
class QueueBoard:
    as_of: date
    queues: tuple[QueueRow, ...]
    holds: tuple[HoldRow, ...]
    agents: tuple[AgentChoice, ...]


@dataclass(frozen=True)
class ArmResult:
    """What happened to the accounts a strategy placed, by champion and challenger arm."""

    strategy_code: str
    arm: str
    treatment: str
    items: int
    worked: int
    contacts: int
    right_party_contacts: int
    promises: int
    promises_kept: int
    promises_broken: int


def queue_board(*, at: datetime, as_of: date) -> QueueBoard:
    """Per queue: items, free, held, assigned, the oldest placement and its age; the holds now."""
    cutoff = at - HOLD_TIMEOUT
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT queue_id, COUNT(*), "
            "SUM(CASE WHEN held_by_id IS NULL OR held_at < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN assigned_to_id IS NOT NULL THEN 1 ELSE 0 END), MIN(placed_date) "
            "FROM collections_workitem GROUP BY queue_id",
            [connection.ops.adapt_datetimefield_value(cutoff)],
        )
        counts = {row[0]: row[1:] for row in cursor.fetchall()}
    members: dict[int, list[str]] = {}
    for queue_id, username in Queue.members.through.objects.order_by("user__username").values_list(
        "queue_id", "user__username"
    ):
        members.setdefault(queue_id, []).append(username)
    rows = []
    for queue in Queue.objects.order_by("-priority", "code"):
        items, free, assigned, oldest = counts.get(queue.pk, (0, 0, 0, None))
        oldest_date = date.fromisoformat(oldest) if isinstance(oldest, str) else oldest
        rows.append(
            QueueRow(
                code=queue.code,
                name=queue.name,
                priority=queue.priority,
                paused=queue.paused,
                members=tuple(members.get(queue.pk, ())),
                items=int(items),
                free=int(free or 0),
                held=int(items) - int(free or 0),
                assigned=int(assigned or 0),
                oldest_placed_date=oldest_date,
                oldest_age_days=(as_of - oldest_date).days if oldest_date else None,
            )
        )
    holds = tuple(
        HoldRow(
            item_id=item.pk,
            account_number=item.contract.account_number,
            queue_code=item.queue.code,
            agent=item.held_by.username if item.held_by else "",
            held_at=item.held_at,
            minutes=int((at - item.held_at).total_seconds() // 60),
        )
        for item in WorkItem.objects.filter(held_by__isnull=False, held_at__gte=cutoff)
        .select_related("contract", "queue", "held_by")
        .order_by("held_at", "pk")
        if item.held_at is not None
    )
    agents = tuple(
        AgentChoice(user_id=user.pk, username=user.username, name=user.get_full_name() or user.username)
        for user in User.objects.filter(is_active=True, role__in=WORKING_ROLES).order_by("username")
    )
    return QueueBoard(as_of=as_of, queues=tuple(rows), holds=holds, agents=agents)


def work_held(*, agent: User) -> HoldRow | None:
    """The item the agent holds now, if any."""
    item = (
        WorkItem.objects.filter(held_by=agent).select_related("contract", "queue").order_by("held_at").first()
    )
    if item is None or item.held_at is None:
        return None
    return HoldRow(
        item_id=item.pk,
        account_number=item.contract.account_number,
        queue_code=item.queue.code,
        agent=agent.username,
        held_at=item.held_at,
        minutes=0,
    )


def strategy_results() -> list[ArmResult]:
    """For each strategy and arm: its work items now, how many were worked, and the contacts and
    promises recorded on those accounts since they were placed."""
    since = "k.at >= w.placed_date" if connection.vendor == "postgresql" else "date(k.at) >= w.placed_date"
    made = "p.made_date >= w.placed_date"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.code, w.arm, w.treatment, COUNT(*), "
            "SUM(CASE WHEN w.worked_at IS NOT NULL THEN 1 ELSE 0 END) "
            "FROM collections_workitem w JOIN collections_strategy s ON s.id = w.strategy_id "
            "GROUP BY s.code, w.arm, w.treatment"
        )
        items = {(code, arm, treatment): (n, worked) for code, arm, treatment, n, worked in cursor.fetchall()}
        cursor.execute(
            "SELECT s.code, w.arm, w.treatment, COUNT(k.id), "
            "SUM(CASE WHEN k.outcome IN ('right_party', 'promise') THEN 1 ELSE 0 END) "
            "FROM collections_workitem w JOIN collections_strategy s ON s.id = w.strategy_id "
            f"JOIN collections_contact k ON k.contract_id = w.contract_id AND {since} "
            "GROUP BY s.code, w.arm, w.treatment"
        )
        contacts = {(c, a, t): (n, rpc) for c, a, t, n, rpc in cursor.fetchall()}
        cursor.execute(
            "SELECT s.code, w.arm, w.treatment, COUNT(p.id), "
            "SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END) "
            "FROM collections_workitem w JOIN collections_strategy s ON s.id = w.strategy_id "
            f"JOIN collections_promise p ON p.contract_id = w.contract_id AND {made} "
            "GROUP BY s.code, w.arm, w.treatment"
        )
        promises = {(c, a, t): (n, kept, broken) for c, a, t, n, kept, broken in cursor.fetchall()}
    results = []
    for key in sorted(items):
        n, worked = items[key]
        contact_count, rpc = contacts.get(key, (0, 0))
        promise_count, kept, broken = promises.get(key, (0, 0, 0))
        results.append(
            ArmResult(
                strategy_code=key[0],
                arm=key[1],
                treatment=key[2],
                items=int(n),
                worked=int(worked or 0),
                contacts=int(contact_count),
                right_party_contacts=int(rpc or 0),
                promises=int(promise_count),
                promises_kept=int(kept or 0),
                promises_broken=int(broken or 0),
            )
        )
    return results
