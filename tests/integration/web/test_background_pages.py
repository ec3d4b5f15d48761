"""The Background work settings page: administrators read the scheduled tasks' last runs with their
status, times and errors, and queue an inbox fetch now; nobody else may."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from recoup.access.models import AuditEvent
from recoup.access.operations import user_create
from recoup.arrears.models import CobRun, CobStatus
from recoup.comms.background.operations import schedule_enqueue_due

pytestmark = pytest.mark.django_db

PAGE = "/settings/background-work/"
FETCH_NOW = "/settings/background-work/inbox-fetch/"
AT = datetime(2024, 6, 14, 22, 3, tzinfo=UTC)
FETCH = "recoup.comms.background.tasks.inbox_fetch"


def _as(role: str) -> Client:
    client = Client()
    client.force_login(user_create(username=f"u-{role}", password="a-long-enough-password", role=role))
    return client


def _worker_runs_the_queue() -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fetch that failed (nothing listens on the mailbox's port) and the letter run of a close."""
    mailbox = {
        "RECOUP_INBOX_IMAP_HOST": "127.0.0.1",
        "RECOUP_INBOX_IMAP_PORT": "1",
        "RECOUP_INBOX_IMAP_SSL": "0",
        "RECOUP_INBOX_IMAP_USER": "collections@lender.example",
        "RECOUP_INBOX_IMAP_PASSWORD": "secret",
    }
    for name, value in mailbox.items():
        monkeypatch.setenv(name, value)
    CobRun.objects.create(business_date=date(2024, 6, 14), status=CobStatus.COMPLETED, started_at=AT)
    schedule_enqueue_due(at=AT, every_minutes=5)
    _worker_runs_the_queue()


# The worker closes its connection between tasks, which a test's open transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_an_administrator_sees_each_runs_status_times_and_error(runs: None) -> None:
    response = _as("administrator").get(PAGE)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Scheduled every 5 minutes · last queued for 2024-06-14T22:00Z" in page
    assert "Scheduled after each close of business · last queued for 2024-06-14" in page
    failed = DBTaskResult.objects.get(task_path=FETCH)
    assert f'id="run-{failed.id}" class="run-failed"' in page
    assert "MailboxUnavailable: mailbox: collections@lender.example@127.0.0.1:1 could not be read" in page
    assert failed.started_at.strftime("%Y-%m-%d %H:%M:%S") in page
    letter_run = DBTaskResult.objects.exclude(task_path=FETCH).get()
    assert f'id="run-{letter_run.id}" class="run-successful"' in page
    assert "<td>2024-06-14</td>" in page
    assert 'href="/settings/background-work/"' in page  # the navigation's link


def test_before_any_run_the_page_says_so(settings) -> None:
    settings.RECOUP_INBOX_FETCH_MINUTES = "0"

    page = _as("administrator").get(PAGE).content.decode()

    assert page.count("No runs yet.") == 2
    assert "Scheduled off (run by hand only)" in page


def test_an_interval_setting_that_is_not_minutes_is_shown_as_its_error(settings) -> None:
    settings.RECOUP_INBOX_FETCH_MINUTES = "often"

    page = _as("administrator").get(PAGE).content.decode()

    assert "RECOUP_INBOX_FETCH_MINUTES: &#x27;often&#x27; is not a whole number of minutes" in page


def test_fetch_now_queues_an_inbox_fetch_for_the_worker_and_audits_who_asked() -> None:
    client = _as("administrator")

    response = client.post(FETCH_NOW, follow=True)

    queued = DBTaskResult.objects.get(task_path=FETCH)
    assert queued.status == "READY"
    assert "Inbox fetch queued" in response.content.decode()
    assert f'id="run-{queued.id}" class="run-ready"' in response.content.decode()
    event = AuditEvent.objects.get(action="background.run_now")
    assert (event.actor.username, event.object_id) == ("u-administrator", str(queued.id))


@pytest.mark.parametrize("role", ["agent", "team_leader", "head_of_credit", "auditor"])
def test_other_roles_may_neither_read_the_page_nor_fetch_now(role: str) -> None:
    client = _as(role)

    assert client.get(PAGE).status_code == 403
    assert client.post(FETCH_NOW).status_code == 403
    assert not DBTaskResult.objects.exists()
    assert 'href="/settings/background-work/"' not in client.get("/").content.decode()
