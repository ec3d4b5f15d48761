"""The tasks a worker runs (`recoup worker`): entry points like the CLI's commands, so each reads the
clock and makes the operation's call, and its return value (the operation's counts) is kept with
the run.

`inbox_fetch` reads the collections mailbox the environment names, as `recoup inbox fetch` does;
`letter_run` sends, after the close of a business date, the statutory notices the close recorded
and then the strategies' letters, emails and SMS, as `recoup letters run` does.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django_tasks import task
from django_tasks.base import Task

from recoup.comms import batch
from recoup.comms.inbox import operations as inbox
from recoup.kernel import clock


@task()
def inbox_fetch() -> dict[str, int]:
    return inbox.inbox_fetch(at=clock.now())


@task()
def letter_run(*, business_date: str) -> dict[str, int]:
    """The letter run for `business_date` (YYYY-MM-DD): the notices go first, as their clocks run."""
    return batch.letter_run_after_close(as_of=date.fromisoformat(business_date), at=clock.now())


BY_NAME: dict[str, Task[..., Any]] = {"inbox_fetch": inbox_fetch, "letter_run": letter_run}
