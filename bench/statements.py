# ruff: noqa: S603 - runs the project's own commands with arguments built here
"""`.venv/bin/python bench/statements.py`: time `recoup import-statement` on a camt.053 file of
100,000 payments for the accounts of a generated book, on PostgreSQL (issue 6 asks ≤ 20 s).

It builds a book with `recoup generate` on a durable throwaway cluster (the settings bench/run.py
uses), closes its first business day so installments are due, vacuums and analyses it, and writes
one camt.053 file: a
statement per currency, each account paying its installment once; nine in ten payments quote the
account number, one in twenty only the payer's name (matched by name, amount and due day), the
rest nobody we know (left for the unapplied-cash queue). The import is timed with /usr/bin/time, and
importing the same file again (a no-op) too. The table goes to its section of docs/benchmarks.md.

Environment: BENCH_STATEMENT_LINES (default 100000; the book has as many accounts),
BENCH_AS_OF (default 2025-06-10), DATABASE_URL (use this database instead of a new cluster: it
must hold a closed book of at least that many accounts).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DATA, PYTHON, RECOUP, ROOT, machine, postgres_start, timed

LINES = int(os.environ.get("BENCH_STATEMENT_LINES", "100000"))
AS_OF = date.fromisoformat(os.environ.get("BENCH_AS_OF", "2025-06-10"))
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Bank statement import (issue 6)"

FILE_WRITER = str(ROOT / "bench" / "statement_file.py")
_VACUUM = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'recoup.settings'); django.setup(); "
    "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
)


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    cluster = None
    rows: list[list[str]] = []
    if "DATABASE_URL" not in os.environ:
        cluster = DATA / f"pg-statements-{LINES}"
        env = postgres_start(env, cluster)
    try:
        if cluster is not None:
            subprocess.run([RECOUP, "migrate", "--no-input", "-v", "0"], env=env, check=True)
            seconds, kib, _ = timed(
                [RECOUP, "generate", "--accounts", str(LINES), "--as-of", AS_OF.isoformat()], env
            )
            rows.append(_row(f"recoup generate --accounts {LINES}", seconds, kib, ""))
            seconds, kib, _ = timed([RECOUP, "cob", "--as-of", AS_OF.isoformat(), "--json"], env)
            rows.append(_row("recoup cob (first close)", seconds, kib, ""))
            # A live book has long been vacuumed and analysed by autovacuum when a statement comes;
            # one loaded a minute ago has not, and autovacuum would catch up on it during the import,
            # on the same two cores (24.7 s for the import when measured that way).
            subprocess.run([PYTHON, "-c", _VACUUM], env=env, check=True)
        path = DATA / f"camt053-{LINES}.xml"
        subprocess.run([PYTHON, FILE_WRITER, str(LINES), str(path), AS_OF.isoformat()], env=env, check=True)
        seconds, kib, out = timed([RECOUP, "import-statement", str(path), "--json"], env)
        result = json.loads(out)
        summary = (
            f"{result['lines']:,} lines, {result['matched']:,} matched and posted, "
            f"{result['unmatched']:,} to the queue"
        )
        rows.append(_row("recoup import-statement (camt.053)", seconds, kib, summary))
        seconds, kib, out = timed([RECOUP, "import-statement", str(path), "--json"], env)
        again = json.loads(out)
        rows.append(
            _row("the same file again", seconds, kib, f"duplicate: {str(again['duplicate']).lower()}")
        )
    finally:
        if cluster is not None:
            subprocess.run([str(ROOT / "scripts" / "postgres-cluster"), "stop", str(cluster)], check=False)
    print("\n".join(" | ".join(r) for r in rows), file=sys.stderr)
    _write(rows)
    return 0


def _row(command: str, seconds: float, kib: int, result: str) -> list[str]:
    return [command, f"{seconds:.2f}", f"{kib / 1024:,.0f}", result]


def _write(rows: list[list[str]]) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or add it at the end)."""
    lines = [
        HEADING,
        "",
        f"Written by `.venv/bin/python bench/statements.py` (BENCH_STATEMENT_LINES={LINES}): a generated "
        f"book of {LINES:,} accounts on a durable PostgreSQL cluster (bench/run.py's settings), closed on "
        f"{AS_OF.isoformat()} and then vacuumed and analysed (as autovacuum keeps a live book), and one "
        f"camt.053 file of {LINES:,} payments (nine in ten quoting the account number, one in twenty "
        "only the payer's name, the rest unknown). Wall seconds include "
        "starting Python and Django.",
        "",
        f"Machine: {machine()}.",
        "",
        "| step | wall s | peak MiB | result |",
        "|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = text.find(HEADING)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + "\n".join(lines) + (text[end:] if end != -1 else "")
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
