"""A close of business killed half-way and run again leaves what an uninterrupted run leaves."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RECOUP = str(ROOT / ".venv" / "bin" / "recoup")
AS_OF = "2025-06-10"
UNTIL = "2025-07-10"
# What each table holds, without the ids a run in parts gives in another order.
TABLES = {
    "arrears_arrearsstate": ("*", "contract_id"),
    "arrears_buckettransition": (
        "contract_id, business_date, from_bucket, to_bucket, kind, days_past_due, arrears_minor, "
        "receivable_minor",
        "contract_id, business_date",
    ),
    "arrears_ageddebttotal": ("*", "business_date, product_code, jurisdiction, currency, bucket"),
    "ledger_ledgeraccount": ("book_id, code, currency, balance_minor", "book_id, code"),
}


def _env(path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}


def _recoup(path: Path, *args: str) -> None:
    subprocess.run([RECOUP, *args], env=_env(path), check=True, capture_output=True)


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        contents = {
            table: db.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()  # noqa: S608
            for table, (columns, order) in TABLES.items()
        }
        contents["entries"] = db.execute(
            "SELECT idempotency_key, fingerprint, effective_date FROM ledger_journalentry ORDER BY 1"
        ).fetchall()
        contents["steps"] = db.execute(
            "SELECT business_date, status, steps_done FROM arrears_cobrun"
        ).fetchall()
    return contents


def _completed_steps(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=0.1) as db:
            row = db.execute("SELECT COUNT(*) FROM arrears_cobrun WHERE status = 'completed'").fetchone()
            return int(row[0])
    except sqlite3.OperationalError:
        return 0


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs on SQLite files")
@pytest.mark.parametrize("parts", ["1", "2"])
def test_a_run_killed_mid_way_and_run_again_equals_an_uninterrupted_run(tmp_path: Path, parts: str) -> None:
    """Killed while closing dates in one transaction each, or in two parts each (committed one after
    the other on SQLite), and run again in the same way: what one uninterrupted run in one
    transaction per date leaves."""
    book = tmp_path / "book.sqlite3"
    _recoup(book, "migrate", "--no-input", "-v", "0")
    _recoup(book, "generate", "--accounts", "3000", "--seed", "5", "--as-of", AS_OF)
    _recoup(book, "cob", "--as-of", AS_OF)
    calm, killed = tmp_path / "calm.sqlite3", tmp_path / "killed.sqlite3"
    shutil.copy(book, calm)
    shutil.copy(book, killed)

    _recoup(calm, "cob", "--as-of", UNTIL)
    child = subprocess.Popen(
        [RECOUP, "cob", "--as-of", UNTIL, "--parts", parts],
        env=_env(killed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _completed_steps(killed) < 5 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert child.poll() is None, "the run finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait()
    _recoup(killed, "cob", "--as-of", UNTIL, "--parts", parts)

    assert _contents(killed) == _contents(calm)
