"""Reads of background work: the closes of business the letter run follows, and the scheduled
tasks' last runs with their schedule, for the Background work page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django_tasks_db.models import DBTaskResult

from recoup.arrears.models import CobRun, CobStatus
from recoup.comms.background import slots, tasks
from recoup.comms.background.errors import InvalidSchedule
from recoup.comms.background.models import ScheduleMark

TITLES = {slots.INBOX_FETCH: "Inbox fetch", slots.LETTER_RUN: "Letter run"}


@dataclass(frozen=True)
class RunLine:
    id: str
    task: str
    status: str  # READY, RUNNING, SUCCESSFUL or FAILED
    business_date: str  # a letter run's; blank for a fetch
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: str  # a successful run's counts other than 0, "key value, …", or "nothing to do"
    error: str  # a failed run's exception and message


@dataclass(frozen=True)
class TaskRuns:
    task: str
    title: str
    schedule: str  # how often the schedule enqueues it
    last_slot: str  # the last slot the schedule enqueued, blank before the first
    runs: list[RunLine]


def closed_business_dates(*, after: date | None) -> list[date]:
    """The business dates whose close of business completed, after `after` when given, oldest first."""
    closed = CobRun.objects.filter(status=CobStatus.COMPLETED)
    if after is not None:
        closed = closed.filter(business_date__gt=after)
    return list(closed.order_by("business_date").values_list("business_date", flat=True))


def fetch_minutes_setting() -> int:
    """RECOUP_INBOX_FETCH_MINUTES; raises InvalidSchedule naming it when it is not whole minutes."""
    return slots.fetch_minutes(getattr(settings, slots.FETCH_MINUTES_SETTING, 5))


def background_runs(*, limit: int = 10) -> list[TaskRuns]:
    """Each scheduled task with its schedule and its `limit` latest runs, newest first (those run by
    hand too). A fetch interval setting that is not usable is shown as its error."""
    try:
        every_minutes = fetch_minutes_setting()
        fetch = f"every {every_minutes} minutes" if every_minutes else "off (run by hand only)"
    except InvalidSchedule as error:
        fetch = error.message
    marks = dict(ScheduleMark.objects.values_list("task", "slot"))
    schedules = {slots.INBOX_FETCH: fetch, slots.LETTER_RUN: "after each close of business"}
    return [
        TaskRuns(
            task=name,
            title=TITLES[name],
            schedule=schedules[name],
            last_slot=marks.get(name, ""),
            runs=[
                _line(row)
                for row in DBTaskResult.objects.filter(task_path=tasks.BY_NAME[name].module_path).order_by(
                    "-enqueued_at"
                )[:limit]
            ],
        )
        for name in slots.SCHEDULED
    ]


def runs_of(*, ids: list[str]) -> list[RunLine]:
    """The runs with these task ids, in the order they were queued."""
    return [_line(row) for row in DBTaskResult.objects.filter(id__in=ids).order_by("enqueued_at")]


def _line(row: DBTaskResult) -> RunLine:
    kwargs = row.args_kwargs.get("kwargs", {}) if isinstance(row.args_kwargs, dict) else {}
    result = ""
    if isinstance(row.return_value, dict):
        result = ", ".join(f"{key} {value}" for key, value in row.return_value.items() if value)
        result = result or "nothing to do"
    return RunLine(
        id=str(row.id),
        task=row.task_path.rsplit(".", 1)[-1],
        status=row.status,
        business_date=str(kwargs.get("business_date", "")),
        enqueued_at=row.enqueued_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        result=result,
        error=_error_text(row.exception_class_path, row.traceback),
    )


def _error_text(class_path: str, traceback: str) -> str:
    """The exception's name and message, from the traceback's last line (the module path left out)."""
    if not class_path:
        return ""
    last = next((line for line in reversed(traceback.splitlines()) if line.strip()), "")
    message = last.split(": ", 1)[1] if last.startswith(class_path) and ": " in last else ""
    name = class_path.rsplit(".", 1)[-1]
    return f"{name}: {message}" if message else name
