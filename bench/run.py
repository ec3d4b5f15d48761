# ruff: noqa: S603 - runs the project's own commands with arguments built here
"""`make bench`: time `recoup cob` on generated books of growing size, on SQLite and PostgreSQL.

For each size it builds a book with `recoup generate`, runs the first close of business (which
initialises the arrears state of every account), then the quiet night after it and a full night
four days on (one account in 28 has an installment due; see `_full_night`), timing each with
/usr/bin/time (wall seconds and peak resident memory of the child). It times the aged-debt report
when `recoup report aged-debt` exists, and at BENCH_REFERENCE_SIZE the per-account reference cycle
(bench/reference.py) for the ratio. The table goes to docs/benchmarks.md.

The aged-debt report is also timed inside one Python process (the query and the JSON export, by
product, jurisdiction and currency), since the command's wall time is mostly interpreter start-up.

Environment: BENCH_SIZES (default "500000 1000000 2000000 4000000"), BENCH_DATABASES
("sqlite postgresql"), BENCH_REFERENCE_SIZE (default 100000, as issue 3 asks; 0 skips it),
BENCH_AS_OF.
Books live under bench/data/, which git ignores.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RECOUP = str(ROOT / ".venv" / "bin" / "recoup")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
AS_OF = date.fromisoformat(os.environ.get("BENCH_AS_OF", "2025-06-10"))
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "500000 1000000 2000000 4000000").split()]
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite postgresql").split()
PG_OPTIONS = (
    "-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c shared_buffers=2GB "
    "-c work_mem=64MB -c maintenance_work_mem=1GB -c max_wal_size=8GB"
)
REFERENCE_SIZE = int(os.environ.get("BENCH_REFERENCE_SIZE", "100000"))
FULL_AFTER = 4  # days from the first close to the full night (see _full_night)
# What `recoup cob --json` reports after the close, with seconds (notices last: newer than the rest).
AFTER_CLOSE = ("promises", "arrangements", "escalations", "strategies", "notices")

REFERENCE_SCRIPT = """
import os, sys, time
from datetime import UTC, date, datetime
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoup.settings")
import django; django.setup()
sys.path.insert(0, sys.argv[1])
from reference import reference_close
started = time.perf_counter()
count = reference_close(date.fromisoformat(sys.argv[2]), at=datetime.now(tz=UTC))
print(count, time.perf_counter() - started)
"""

REPORT_SCRIPT = """
import os, sys, time
from datetime import date
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoup.settings")
import django; django.setup()
from recoup.reporting import exports, inputs, queries
as_of = date.fromisoformat(sys.argv[1])
queries.aged_debt_report(as_of=as_of, by=inputs.by_parse(None))  # warm the connection
started = time.perf_counter()
by = inputs.by_parse("product,jurisdiction,currency")
exports.aged_debt_json(queries.aged_debt_report(as_of=as_of, by=by))
print(time.perf_counter() - started)
"""


CHECKPOINT_SCRIPT = """
import os, psycopg
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as database:
    database.execute("CHECKPOINT")
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; its wall seconds, peak memory in KiB and standard output.

    On PostgreSQL a checkpoint comes first, untimed: the server writes back to its files what the
    commands before left in its buffers in the background, so without it a command pays for the
    writes of the one before (the untimed catch-up run before the full night, above all), where a
    nightly run starts a day after the last. SQLite's runs write back their own log as they end.
    """
    if env.get("DATABASE_URL", "").startswith("postgres"):
        subprocess.run([PYTHON, "-c", CHECKPOINT_SCRIPT], env=env, check=True)
    wrapped = ["/usr/bin/time", "-f", "TIME %e %M", *command]
    result = subprocess.run(wrapped, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    line = next(x for x in result.stderr.splitlines()[::-1] if x.startswith("TIME "))
    _, seconds, kib = line.split()
    return float(seconds), int(kib), result.stdout


def database(kind: str, size: int) -> tuple[dict[str, str], Path | None]:
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
    if kind == "sqlite":
        path = DATA / f"book-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        return env, None
    cluster = DATA / f"pg-{size}"
    return postgres_start(env, cluster), cluster


def postgres_start(env: dict[str, str], cluster: Path) -> dict[str, str]:
    """Start a throwaway cluster in `cluster`; returns `env` with its DATABASE_URL."""
    # Durable, as in production (the test clusters run without fsync), with memory to match the book.
    env = {**env, "RECOUP_PG_OPTIONS": PG_OPTIONS}
    cluster.mkdir(parents=True, exist_ok=True)
    url = subprocess.run(
        [str(ROOT / "scripts" / "postgres-cluster"), "start", str(cluster)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {**env, "DATABASE_URL": url}


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {model}, {python}"


def main() -> int:
    DATA.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    night = AS_OF + timedelta(days=1)
    full = AS_OF + timedelta(days=FULL_AFTER)
    sizes = sorted(set(SIZES + ([REFERENCE_SIZE] if REFERENCE_SIZE else [])))
    for kind in DATABASES:
        for size in sizes:
            env, cluster = database(kind, size)
            try:
                subprocess.run([RECOUP, "migrate", "--no-input", "-v", "0"], env=env, check=True)
                seconds, kib, _ = timed(
                    [RECOUP, "generate", "--accounts", str(size), "--as-of", AS_OF.isoformat()], env
                )
                rows.append(_row(kind, size, f"recoup generate --accounts {size}", seconds, kib))
                if size in SIZES or size == REFERENCE_SIZE:
                    seconds, kib, _ = timed([RECOUP, "cob", "--as-of", AS_OF.isoformat(), "--json"], env)
                    rows.append(_row(kind, size, "recoup cob (first close: initialises state)", seconds, kib))
                    seconds, kib, out = timed([RECOUP, "cob", "--as-of", night.isoformat(), "--json"], env)
                    rows.append(_row(kind, size, "recoup cob (one night)", seconds, kib))
                    _steps_print(kind, size, json.loads(out))
                    after = _collections_seconds(out)
                    if after is not None:
                        rows.append(
                            [
                                kind,
                                f"{size:,}",
                                "of which collections and notices after the close",
                                f"{after:.2f}",
                                "",
                                "",
                            ]
                        )
                    rows.extend(_full_night(kind, size, env))
                    report = [RECOUP, "report", "aged-debt", "--as-of", full.isoformat(), "--format", "json"]
                    if subprocess.run([*report[:2], "--help"], env=env, capture_output=True).returncode == 0:
                        seconds, kib, _ = timed(report, env)
                        rows.append(_row(kind, size, "recoup report aged-debt", seconds, kib))
                        _, kib, out = timed([PYTHON, "-c", REPORT_SCRIPT, full.isoformat()], env)
                        inside = float(out.strip().splitlines()[-1])
                        row = _row(kind, size, "aged-debt report, in process", inside, kib)
                        rows.append([*row[:3], f"{inside:.4f}", "", row[5]])  # milliseconds: no rate
                if size == REFERENCE_SIZE and kind == DATABASES[0]:
                    # The night after the full one `recoup cob` closed: as much work, on the same book.
                    after = (full + timedelta(days=1)).isoformat()
                    script = [PYTHON, "-c", REFERENCE_SCRIPT, str(ROOT / "bench"), after]
                    seconds, kib, _ = timed(script, env)
                    rows.append(_row(kind, size, "per-account reference cycle (one night)", seconds, kib))
                    batch = next(
                        (
                            r
                            for r in rows
                            if r[0] == kind
                            and r[1] == f"{size:,}"
                            and r[2].startswith("recoup cob (full night")
                        ),
                        None,
                    )
                    if batch is not None:
                        ratio = seconds / max(float(batch[3]), 1e-9)
                        rows.append(
                            [kind, f"{size:,}", "ratio reference / recoup cob", f"{ratio:.0f}x", "", ""]
                        )
            finally:
                if cluster is not None:
                    subprocess.run(
                        [str(ROOT / "scripts" / "postgres-cluster"), "stop", str(cluster)], check=False
                    )
            print("\n".join(" | ".join(r) for r in rows[-4:]), file=sys.stderr)
            _write(rows)
    return 0


def _full_night(kind: str, size: int, env: dict[str, str]) -> list[list[str]]:
    """Close the nights up to the full one (a catch-up run, not timed), then time the full night.

    `recoup generate` writes contracts over the 28 days up to its date, so a contract falls due on
    that day of the month: the two nights after it are the quietest of the month (few installments
    due) and the fourth a full one, about one account in 28 (36,000 installments per million), as
    on most days of a real book.
    """
    full = AS_OF + timedelta(days=FULL_AFTER)
    subprocess.run(
        [RECOUP, "cob", "--as-of", (full - timedelta(days=1)).isoformat(), "--json"],
        env=env,
        capture_output=True,
        check=True,
    )
    seconds, kib, out = timed([RECOUP, "cob", "--as-of", full.isoformat(), "--json"], env)
    summary = json.loads(out)
    steps = summary["steps"][full.isoformat()]
    _steps_print(kind, size, summary)
    due = int(steps["installments_fall_due"]["installments"])
    rows = [_row(kind, size, f"recoup cob (full night: {due:,} installments due)", seconds, kib)]
    after = _collections_seconds(out)
    if after is not None:
        rows.append(
            [kind, f"{size:,}", "of which collections and notices after the close", f"{after:.2f}", "", ""]
        )
    return rows


def _steps_print(kind: str, size: int, summary: dict[str, Any]) -> None:
    """Each step's seconds, and the collections', on standard error (the run's log)."""
    for day, steps in summary["steps"].items():
        parts = [f"{name} {step['seconds']}" for name, step in steps.items()]
        after = [f"{name} {summary[name]['seconds']}" for name in AFTER_CLOSE if name in summary]
        print(f"{kind} {size:,} {day}: {', '.join(parts + after)}", file=sys.stderr)


def _collections_seconds(printed: str) -> float | None:
    """The seconds `recoup cob --json` spent after the close on promises, arrangements, escalations,
    strategies and (when reported) recording the notices due (None from a version without them)."""
    try:
        summary = json.loads(printed)
    except ValueError:
        return None
    if "after_close_seconds" in summary:  # the wall time: the notices run beside the rest on PostgreSQL
        return float(summary["after_close_seconds"])
    parts = [summary.get(name) for name in AFTER_CLOSE[:-1]]
    if not all(isinstance(part, dict) and "seconds" in part for part in parts):
        return None
    notices = summary.get("notices")
    if isinstance(notices, dict) and "seconds" in notices:
        parts.append(notices)
    return sum(float(part["seconds"]) for part in parts if isinstance(part, dict))


def _row(kind: str, size: int, command: str, seconds: float, kib: int) -> list[str]:
    rate = f"{size / seconds:,.0f}" if seconds else ""
    return [kind, f"{size:,}", command, f"{seconds:.2f}", rate, f"{kib / 1024:,.0f}"]


def _write(rows: list[list[str]]) -> None:
    """Write the table, keeping the rows of earlier runs for database and size pairs this run did not
    measure (so that a long size can be run on its own), each run's command listed once."""
    target = ROOT / "docs" / "benchmarks.md"
    header = ["database", "accounts", "command", "wall s", "accounts/s", "peak MiB"]
    command = (
        f'`BENCH_SIZES="{" ".join(map(str, SIZES))}" BENCH_DATABASES="{" ".join(DATABASES)}" '
        f"BENCH_REFERENCE_SIZE={REFERENCE_SIZE} make bench`"
    )
    measured = {(r[0], r[1]) for r in rows}
    kept: list[list[str]] = []
    commands: list[str] = []
    sections = ""  # what follows the table (the workspace benchmark, notes) is kept as it is
    if target.exists():
        text = target.read_text()
        if "\n## " in text:
            sections = text[text.index("\n## ") + 1 :]
            text = text[: text.index("\n## ")]
        for line in text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("| ") and len(cells) == len(header) and cells[0] in ("sqlite", "postgresql"):
                if (cells[0], cells[1]) not in measured:
                    kept.append(cells)
            elif line.startswith("- `BENCH_SIZES=") and line[2:] != command:
                commands.append(line[2:])
    order = {"sqlite": 0, "postgresql": 1}
    table = sorted(
        kept + rows, key=lambda r: (order.get(r[0], 2), int(r[1].replace(",", "")))
    )  # stable: each size's rows stay in the order they were measured
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); sizes from `BENCH_SIZES`. Business date "
        f"{AS_OF.isoformat()} (first close), the night after (one night) and the night of "
        f"{(AS_OF + timedelta(days=FULL_AFTER)).isoformat()} (full night); the aged-debt report "
        "is for the full night. The rows come from these runs:",
        "",
        *(f"- {c}" for c in [*commands, command]),
        "",
        f"Machine: {machine()}.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in table),
        "",
    ]
    target.write_text("\n".join(lines) + ("\n" + sections if sections else ""))


if __name__ == "__main__":
    sys.exit(main())
