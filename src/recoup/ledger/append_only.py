"""Lifting the journal's append-only triggers, for the one job that must: emptying a whole
database on SQLite (a flush deletes row by row, which the triggers refuse; PostgreSQL truncates,
which row triggers do not see). The triggers are the ones the ledger's migration defines."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_MIGRATION = "recoup.ledger.migrations.0002_append_only_journal"


@contextmanager
def journal_triggers_lifted() -> Iterator[None]:
    """Drop the SQLite journal triggers for the block and put them back after, whatever happens."""
    if connection.vendor != "sqlite":
        yield
        return
    journal = importlib.import_module(_MIGRATION)
    with connection.cursor() as cursor:
        for statement in journal.SQLITE_BACKWARD:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in journal.SQLITE_FORWARD:
                cursor.execute(statement)
