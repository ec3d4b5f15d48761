"""On an SQLite file, the commits inside `checkpoint_beside` leave their pages in the WAL until the
checkpoint it starts copies them into the database file, beside the work that follows; when the
block ends, that checkpoint has run. Run in a process of its own, on a file (the tests' own
database lives in memory, where there is no WAL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoup.settings")
import django; django.setup()
from django.db import connection, transaction
from recoup.arrears.operations import checkpoint_beside

path = sys.argv[1]

def night(label):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("INSERT INTO filler (text) VALUES (%s)", [(label * 200,)] * 20000)

def wal():
    return os.path.getsize(path + "-wal")

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT)")
before = os.path.getsize(path)
with checkpoint_beside() as checkpoint:
    night("a")  # a catch-up's first date
    held = os.path.getsize(path)
    first_wal = wal()
    checkpoint(True)  # more dates follow: copied there and then
    caught_up = os.path.getsize(path)
    night("b")  # the last date
    second_wal = wal()
    checkpoint(False)  # beside what follows
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO filler (text) VALUES ('after')")
after = os.path.getsize(path)
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_autocheckpoint")
    autocheckpoint = cursor.fetchone()[0]
print(before, held, caught_up, after, first_wal, second_wal, autocheckpoint)
"""


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on SQLite files")
def test_the_night_reaches_the_database_file_by_the_end_of_the_block(tmp_path: Path) -> None:
    book = tmp_path / "book.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{book}", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(book)], env=env, check=True, capture_output=True, text=True
    )
    before, held, caught_up, after, first_wal, second_wal, autocheckpoint = (
        int(n) for n in result.stdout.split()
    )

    assert held == before  # the commit left its 4 MB in the WAL: no checkpoint at the commit
    assert caught_up > before + 4_000_000  # before another date, copied into the file at once
    # So the next date wrote the WAL from its start again (grown on, it would be twice the size).
    assert second_wal < first_wal * 3 // 2
    assert after > caught_up + 4_000_000  # the checkpoint beside copied the last date too
    assert autocheckpoint == 1000  # and commits checkpoint again as before
