"""The schedule in the database: what it enqueues for the inbox fetch and the letter run, once per
slot, from the closes of business that completed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from recoup.arrears.models import CobRun, CobStatus
from recoup.comms.background.models import ScheduleMark
from recoup.comms.background.operations import schedule_enqueue_due

pytestmark = pytest.mark.django_db

AT = datetime(2024, 6, 14, 22, 3, tzinfo=UTC)
MAILBOX = {
    "RECOUP_INBOX_IMAP_HOST": "127.0.0.1",
    "RECOUP_INBOX_IMAP_USER": "collections@lender.example",
    "RECOUP_INBOX_IMAP_PASSWORD": "secret",
}


def _closed(*days: int) -> None:
    for day in days:
        CobRun.objects.create(
            business_date=date(2024, 6, day), status=CobStatus.COMPLETED, started_at=AT, finished_at=AT
        )


def _queued(task: str) -> list[dict]:
    rows = DBTaskResult.objects.filter(task_path=f"recoup.comms.background.tasks.{task}")
    return [row.args_kwargs["kwargs"] for row in rows.order_by("enqueued_at")]


def test_the_inbox_fetch_is_enqueued_once_per_interval():
    first = schedule_enqueue_due(at=AT, every_minutes=5, environ=MAILBOX)
    same_slot = schedule_enqueue_due(at=AT + timedelta(minutes=1), every_minutes=5, environ=MAILBOX)
    next_slot = schedule_enqueue_due(at=AT + timedelta(minutes=2), every_minutes=5, environ=MAILBOX)

    assert [(e.task, e.slot) for e in first] == [("inbox_fetch", "2024-06-14T22:00Z")]
    assert same_slot == []
    assert [(e.task, e.slot) for e in next_slot] == [("inbox_fetch", "2024-06-14T22:05Z")]
    assert len(_queued("inbox_fetch")) == 2
    assert ScheduleMark.objects.get(task="inbox_fetch").slot == "2024-06-14T22:05Z"


def test_no_fetch_is_enqueued_while_no_mailbox_is_configured_or_the_interval_is_zero():
    assert schedule_enqueue_due(at=AT, every_minutes=5, environ={}) == []
    assert schedule_enqueue_due(at=AT, every_minutes=0, environ=MAILBOX) == []
    assert _queued("inbox_fetch") == []


def test_a_mailbox_configured_wrongly_is_still_fetched_so_that_its_error_shows():
    no_login = {"RECOUP_INBOX_IMAP_HOST": "imap.example"}

    enqueued = schedule_enqueue_due(at=AT, every_minutes=5, environ=no_login)

    assert [e.task for e in enqueued] == ["inbox_fetch"]


def test_no_letter_run_is_enqueued_before_any_close_completes():
    CobRun.objects.create(business_date=date(2024, 6, 14), status=CobStatus.RUNNING, started_at=AT)

    assert schedule_enqueue_due(at=AT, every_minutes=0, environ={}) == []


def test_the_first_letter_run_follows_the_latest_close_and_later_ones_each_close_since():
    _closed(12, 13, 14)

    first = schedule_enqueue_due(at=AT, every_minutes=0, environ={})
    nothing_new = schedule_enqueue_due(at=AT + timedelta(hours=1), every_minutes=0, environ={})
    _closed(15, 16)
    after_two_closes = schedule_enqueue_due(at=AT + timedelta(days=2), every_minutes=0, environ={})

    assert [e.slot for e in first] == ["2024-06-14"]
    assert nothing_new == []
    assert [e.slot for e in after_two_closes] == ["2024-06-15", "2024-06-16"]
    assert _queued("letter_run") == [
        {"business_date": "2024-06-14"},
        {"business_date": "2024-06-15"},
        {"business_date": "2024-06-16"},
    ]
    assert ScheduleMark.objects.get(task="letter_run").slot == "2024-06-16"
