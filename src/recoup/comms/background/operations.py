"""Writes of background work: enqueueing what the schedule makes due, and an inbox fetch asked
for by hand.

Each scheduled task has one ScheduleMark row, locked while the schedule decides: two workers
deciding at the same moment enqueue a slot once, as the second waits on the first's lock and then
finds the slot taken. The task rows (django-tasks-db) are written in the same transaction as the
mark, so a slot is marked exactly when its task is queued.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.comms.background import slots, tasks
from recoup.comms.background.errors import BackgroundNotAllowed
from recoup.comms.background.models import ScheduleMark
from recoup.comms.background.queries import closed_business_dates
from recoup.comms.inbox.errors import MailboxNotConfigured
from recoup.comms.inbox.mailbox import mailbox_settings


@dataclass(frozen=True)
class Enqueued:
    task: str
    slot: str
    result_id: str


def schedule_enqueue_due(
    *, at: datetime, every_minutes: int, environ: Mapping[str, str] | None = None
) -> list[Enqueued]:
    """Enqueue what is due at `at`: the inbox fetch of the current interval of `every_minutes`
    (none when 0, or while the environment names no mailbox), and a letter run for each business
    date closed since the last one enqueued (slots.py says which). Returns what was enqueued, in
    the order the worker will run it.
    """
    enqueued: list[Enqueued] = []
    if every_minutes > 0 and _inbox_on(os.environ if environ is None else environ):
        enqueued += _inbox_fetch_enqueue(at=at, every_minutes=every_minutes)
    enqueued += _letter_runs_enqueue(at=at)
    return enqueued


def inbox_fetch_run_now(*, by: User, at: datetime) -> str:
    """Queue an inbox fetch now, outside the schedule; returns the task's id. Audited.

    Raises BackgroundNotAllowed (field "role") for anyone but an administrator.
    """
    if by.role != Role.ADMINISTRATOR:
        raise BackgroundNotAllowed("role: only an administrator runs background work by hand", field="role")
    with transaction.atomic():
        result = tasks.inbox_fetch.enqueue()
        audit_record(
            actor=by,
            action="background.run_now",
            object_type="task",
            object_id=result.id,
            at=at,
            after={"task": slots.INBOX_FETCH},
        )
    return str(result.id)


def _inbox_on(environ: Mapping[str, str]) -> bool:
    try:
        return mailbox_settings(environ) is not None
    except MailboxNotConfigured:
        return True  # the fetch runs, and its failure names the setting on the Background work page


def _locked_mark(task: str) -> ScheduleMark:
    """The task's mark, locked until the caller's transaction ends."""
    return ScheduleMark.objects.select_for_update().get(task=task)


def _mark_ensure(task: str, at: datetime) -> None:
    # get_or_create reads the row again when another worker created it first.
    ScheduleMark.objects.get_or_create(task=task, defaults={"enqueued_at": at})


def _inbox_fetch_enqueue(*, at: datetime, every_minutes: int) -> list[Enqueued]:
    _mark_ensure(slots.INBOX_FETCH, at)
    with transaction.atomic():
        mark = _locked_mark(slots.INBOX_FETCH)
        slot = slots.inbox_fetch_due(
            at=at, every_minutes=every_minutes, last=slots.fetch_slot_from_text(mark.slot)
        )
        if slot is None:
            return []
        result = tasks.inbox_fetch.enqueue()
        mark.slot, mark.enqueued_at = slots.slot_text(slot), at
        mark.save(update_fields=["slot", "enqueued_at"])
    return [Enqueued(task=slots.INBOX_FETCH, slot=mark.slot, result_id=str(result.id))]


def _letter_runs_enqueue(*, at: datetime) -> list[Enqueued]:
    _mark_ensure(slots.LETTER_RUN, at)
    enqueued = []
    with transaction.atomic():
        mark = _locked_mark(slots.LETTER_RUN)
        last = slots.letter_date_from_text(mark.slot)
        for business_date in slots.letter_run_dates(closed=closed_business_dates(after=last), last=last):
            slot = slots.slot_text(business_date)
            result = tasks.letter_run.enqueue(business_date=slot)
            enqueued.append(Enqueued(task=slots.LETTER_RUN, slot=slot, result_id=str(result.id)))
        if enqueued:
            mark.slot, mark.enqueued_at = enqueued[-1].slot, at
            mark.save(update_fields=["slot", "enqueued_at"])
    return enqueued
