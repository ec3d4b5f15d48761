"""`recoup worker --once` as a real process against the test database (a SQLite file holding the
test's book, or the PostgreSQL test database): it fetches the collections mailbox from a real IMAP
server and sends the letters of a completed close, and two workers started at once do each once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from recoup.arrears.models import CobRun, CobStatus
from recoup.collections.strategy_batch import strategies_apply
from recoup.comms.inbox.models import InboxItem
from recoup.comms.models import SentItem
from recoup.ledger.append_only import journal_triggers_lifted
from recoup.portfolio.operations import products_install_standard
from tests.imap_server import dovecot_server
from tests.integration.collections.work_builders import AS_OF, AT, account_in_arrears, strategy_make
from tests.integration.comms.inbox.builders import us_account
from tests.integration.comms.inbox.conftest import LiveMailbox, mailbox
from tests.unit.comms.inbox import samples

__all__ = ["dovecot_server", "mailbox"]

pytestmark = pytest.mark.django_db(transaction=True)

RECOUP = str(Path(__file__).resolve().parents[3] / ".venv" / "bin" / "recoup")


class Book:
    """The test database as a worker process reaches it: on PostgreSQL the test database itself; on
    SQLite (in memory for the tests) a file the book is copied to before the worker runs and copied
    back from after it."""

    def __init__(self, tmp_path: Path) -> None:
        self.file = tmp_path / "book.sqlite3"
        self.sqlite = connection.vendor == "sqlite"

    def url(self) -> str:
        if self.sqlite:
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"

    def __enter__(self) -> Book:
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)
        return self

    def successful_runs(self) -> int:
        """Runs the worker has finished so far, read as another process would."""
        if not self.sqlite:
            return DBTaskResult.objects.filter(status="SUCCESSFUL").count()
        with sqlite3.connect(self.file, timeout=5) as db:
            query = f"SELECT COUNT(*) FROM {DBTaskResult._meta.db_table} WHERE status = 'SUCCESSFUL'"  # noqa: S608
            return int(db.execute(query).fetchone()[0])

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            with sqlite3.connect(self.file) as source:
                source.backup(connection.connection)


@pytest.fixture
def worker_env(tmp_path: Path, mailbox: LiveMailbox) -> dict[str, str]:
    """The environment of a worker: the test's mailbox, and letters and outbox under tmp_path (the
    settings the project reads from the environment, and MEDIA_ROOT through a settings module)."""
    (tmp_path / "worker_settings.py").write_text(
        f"from recoup.settings import *  # noqa: F403\nMEDIA_ROOT = {str(tmp_path / 'media')!r}\n"
    )
    s = mailbox.settings
    return {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        "RECOUP_COMMS_OUTBOX": str(tmp_path / "outbox"),
        "RECOUP_INBOX_IMAP_HOST": s.host,
        "RECOUP_INBOX_IMAP_PORT": str(s.port),
        "RECOUP_INBOX_IMAP_USER": s.user,
        "RECOUP_INBOX_IMAP_PASSWORD": s.password,
        "RECOUP_INBOX_IMAP_SSL": "0",
        "RECOUP_INBOX_IMAP_FOLDER": s.folder,
    }


@pytest.fixture
def closed_book(mailbox: LiveMailbox) -> Iterator[dict[str, Any]]:
    """A customer's email waiting in the mailbox; two accounts whose strategy writes to them and one
    it calls, placed after the close of AS_OF, which has completed."""
    products_install_standard()
    customer = us_account()
    mailbox.deliver(samples.plain(), received_at=datetime(2024, 6, 14, 15, 15, tzinfo=UTC))
    strategy_make("early", "letters", priority=10, rules={"buckets": ["30-59"]}, treatment="letter")
    strategy_make("late", "calls", priority=5, rules={"buckets": ["60-89"]}, treatment="call")
    written = [account_in_arrears(time_zones="America/Chicago") for _ in range(2)]
    account_in_arrears(days_past_due=65, bucket="60-89", time_zones="America/Chicago")
    strategies_apply(as_of=AS_OF, at=AT)
    CobRun.objects.create(business_date=AS_OF, status=CobStatus.COMPLETED, started_at=AT, finished_at=AT)
    yield {"customer": customer, "written": written}
    with journal_triggers_lifted():  # a flush on SQLite deletes journal rows one by one
        call_command("flush", verbosity=0, interactive=False)


def _worker_once(book: Book, env: dict[str, str], **more: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [RECOUP, "worker", "--once", "--json"],
        env={**env, "DATABASE_URL": book.url(), **more},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finished(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=240)
    assert process.returncode == 0, err
    return dict(json.loads(out))


def test_a_worker_run_once_fetches_the_mailbox_and_sends_the_letters_of_the_close(
    tmp_path: Path, worker_env: dict[str, str], closed_book: dict[str, Any]
) -> None:
    with Book(tmp_path) as book:
        first = _finished(_worker_once(book, worker_env))
        again = _finished(_worker_once(book, worker_env, RECOUP_INBOX_FETCH_MINUTES="0"))

    assert [(e["task"], e["slot"]) for e in first["enqueued"]][1:] == [("letter_run", "2024-06-14")]
    assert first["enqueued"][0]["task"] == "inbox_fetch"
    ran = {line["task"]: line for line in first["ran"]}
    assert {task: line["status"] for task, line in ran.items()} == {
        "inbox_fetch": "SUCCESSFUL",
        "letter_run": "SUCCESSFUL",
    }
    assert "stored 1" in ran["inbox_fetch"]["result"]
    assert "letter 2" in ran["letter_run"]["result"]
    item = InboxItem.objects.get()
    assert (item.contract_id, item.subject) == (closed_book["customer"].contract_id, "About my payment")
    letters = SentItem.objects.filter(channel="letter")
    assert sorted(letters.values_list("contract_id", flat=True)) == sorted(
        c.pk for c in closed_book["written"]
    )
    assert all((tmp_path / "media" / letter.pdf.name).is_file() for letter in letters)
    assert (again["enqueued"], again["ran"]) == ([], [])
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_two_workers_started_at_once_enqueue_and_run_each_slot_once(
    tmp_path: Path, worker_env: dict[str, str], closed_book: dict[str, Any]
) -> None:
    with Book(tmp_path) as book:
        racers = [_worker_once(book, worker_env) for _ in range(2)]
        results = [_finished(racer) for racer in racers]

    enqueued = sorted(e["task"] for result in results for e in result["enqueued"])
    ran = sorted(line["task"] for result in results for line in result["ran"])
    assert enqueued == ran == ["inbox_fetch", "letter_run"]
    assert DBTaskResult.objects.count() == 2
    assert InboxItem.objects.count() == 1
    assert SentItem.objects.filter(channel="letter").count() == 2


def test_a_worker_left_running_does_what_its_schedule_queues_and_stops_cleanly_when_told(
    tmp_path: Path, worker_env: dict[str, str], closed_book: dict[str, Any]
) -> None:
    with Book(tmp_path) as book:
        worker = subprocess.Popen(
            [RECOUP, "worker", "--interval", "0.2"],
            env={**worker_env, "DATABASE_URL": book.url()},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while book.successful_runs() < 2 and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=60)

    assert worker.returncode == 0, err
    assert "enqueued letter_run for 2024-06-14" in err
    assert InboxItem.objects.count() == 1
    assert SentItem.objects.filter(channel="letter").count() == 2


def test_a_run_once_whose_task_failed_says_why_and_exits_1(
    tmp_path: Path, worker_env: dict[str, str], closed_book: dict[str, Any]
) -> None:
    with Book(tmp_path) as book:
        process = subprocess.run(
            [RECOUP, "worker", "--once"],
            env={**worker_env, "DATABASE_URL": book.url(), "RECOUP_INBOX_IMAP_PASSWORD": "wrong"},
            capture_output=True,
            text=True,
            timeout=240,
        )

    assert process.returncode == 1, process.stderr
    assert "ran inbox_fetch: failed (MailboxUnavailable: mailbox: " in process.stdout
    assert "ran letter_run 2024-06-14: successful (" in process.stdout
    assert DBTaskResult.objects.get(status="FAILED").task_path.endswith(".inbox_fetch")
