"""`recoup worker [--once] [--json]`: run background work. The worker runs the queued tasks
(django-tasks' database backend) and, in a thread beside it, the schedule enqueues the inbox fetch
every RECOUP_INBOX_FETCH_MINUTES (5 by default, 0 for never; only while RECOUP_INBOX_IMAP_HOST
names a mailbox) and a letter run after each close of business. Start as many workers as you like,
on as many machines: each slot is enqueued once, and each task is run by one worker.

`--once` enqueues what is due, runs every queued task, prints what it did and exits: for cron, or
for a laptop where nothing runs all day. It exits 1 when a task failed.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import threading
from typing import TYPE_CHECKING, Any

from recoup.cli.output import print_json

if TYPE_CHECKING:
    from django_tasks_db.management.commands.db_worker import Worker

SCHEDULE_EVERY_SECONDS = 15.0
LOG = logging.getLogger("recoup.worker")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--once", action="store_true", help="enqueue what is due, run every queued task, then exit"
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds to wait before looking at an empty queue again (default 1)",
    )
    parser.add_argument("--json", action="store_true", help="with --once: print what was run as JSON")


def run(args: argparse.Namespace) -> int:
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    from recoup.comms.background.queries import fetch_minutes_setting

    every_minutes = fetch_minutes_setting()
    worker = Worker(
        queue_names=["default"],
        interval=max(args.interval, 0.1),
        batch=args.once,
        backend_name="default",
        startup_delay=not args.once,
        max_tasks=None,
        worker_id=f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}",
        excluded_queue_names=[],
    )
    if args.once:
        return _once(worker, every_minutes, as_json=args.json)
    for name in ("recoup.worker", "django_tasks", "django_tasks_db"):
        logging.getLogger(name).setLevel(logging.INFO)
    schedule = Schedule(every_minutes)
    schedule.start()
    fetch = f"every {every_minutes} minutes" if every_minutes else "off"
    LOG.info("worker %s started; inbox fetch %s, letter run after each close", worker.worker_id, fetch)
    worker.configure_signals()
    try:
        worker.run()
    finally:
        schedule.stop()
    return 0


class Schedule(threading.Thread):
    """Enqueues what is due every SCHEDULE_EVERY_SECONDS until stopped; a failure (the database
    away a moment) is logged and tried again at the next look."""

    def __init__(self, every_minutes: int) -> None:
        super().__init__(name="recoup-schedule", daemon=True)
        self.every_minutes = every_minutes
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import connection

        from recoup.comms.background.operations import schedule_enqueue_due
        from recoup.kernel import clock

        while not self.stopped.is_set():
            try:
                for enqueued in schedule_enqueue_due(at=clock.now(), every_minutes=self.every_minutes):
                    LOG.info("enqueued %s for %s (task %s)", enqueued.task, enqueued.slot, enqueued.result_id)
            except Exception:
                LOG.exception(
                    "the schedule could not enqueue; it looks again in %s s", SCHEDULE_EVERY_SECONDS
                )
            finally:
                connection.close()  # this thread's own connection; a new one at the next look
            self.stopped.wait(SCHEDULE_EVERY_SECONDS)

    def stop(self) -> None:
        self.stopped.set()


def _once(worker: Worker, every_minutes: int, *, as_json: bool) -> int:
    from django_tasks.signals import task_finished

    from recoup.comms.background.operations import schedule_enqueue_due
    from recoup.comms.background.queries import runs_of
    from recoup.kernel import clock

    finished: list[str] = []

    def _finished(sender: object, task_result: Any, **kwargs: object) -> None:
        finished.append(str(task_result.id))

    task_finished.connect(_finished, weak=False)
    try:
        enqueued = schedule_enqueue_due(at=clock.now(), every_minutes=every_minutes)
        worker.run()
    finally:
        task_finished.disconnect(_finished)
    runs = runs_of(ids=finished)
    failed = any(line.status == "FAILED" for line in runs)
    if as_json:
        print_json({"enqueued": [e.__dict__ for e in enqueued], "ran": [line.__dict__ for line in runs]})
        return 1 if failed else 0
    print("enqueued: " + (", ".join(f"{e.task} {e.slot}" for e in enqueued) or "nothing due"))
    for line in runs:
        what = f"{line.task} {line.business_date}".strip()
        detail = line.error if line.status == "FAILED" else line.result
        print(f"ran {what}: {line.status.lower()} ({detail})")
    if not runs:
        print("ran: no task was queued")
    return 1 if failed else 0
