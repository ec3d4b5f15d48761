# ruff: noqa: S603 - runs the project's own server with arguments built here
"""`make bench-web`: the collections workspace under load — USERS agents at once on loopback.

Each agent signs in, then works accounts as an agent does: Get next (a POST that hands over the
next account), the account page it redirects to, and a contact recorded on it (so the next Get
next moves on). Get next and the account page are timed, from the request to the last byte of
the response; their percentiles go to docs/benchmarks.md ("Collections workspace under load").

The book is the one DATABASE_URL names (e.g. one `make bench` built: bench/data/book-N.sqlite3);
the default queues and strategies are ensured and applied to it first (`recoup strategies apply`)
so that queues hold work. The
server is gunicorn with WORKERS processes of THREADS threads, as in production.

Environment: DATABASE_URL (required), BENCH_USERS (16), BENCH_THINK (1.0 s between an agent's
requests), BENCH_SECONDS (60), BENCH_WARMUP (10),
BENCH_WORKERS (4), BENCH_THREADS (4), BENCH_AS_OF (the book's last close), BENCH_ACCOUNTS (the
book's size, for the table).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RECOUP = str(ROOT / ".venv" / "bin" / "recoup")
USERS = int(os.environ.get("BENCH_USERS", "16"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "10"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
# Seconds an agent spends between one request and the next (drawn from half to one and a half
# times this). Real agents spend minutes on each account; one second keeps the server far busier.
THINK = float(os.environ.get("BENCH_THINK", "1.0"))
PASSWORD = "bench-agent-password-1"  # noqa: S105 - the benchmark's own throwaway sign-ins
START, END = "<!-- workspace-load -->", "<!-- /workspace-load -->"

SETUP_SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoup.settings")
import django; django.setup()
from recoup.access.models import User
from recoup.collections.defaults import strategies_default_ensure
from datetime import UTC, datetime
strategies_default_ensure(at=datetime.now(tz=UTC))
for n in range(int(sys.argv[1])):
    user, _ = User.objects.get_or_create(username=f"bench-agent-{n:02d}", defaults={"role": "agent"})
    user.role = "agent"
    user.set_password(sys.argv[2])
    user.save()
"""


@dataclass
class Timings:
    get_next: list[float] = field(default_factory=list)
    account: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    nothing_to_work: int = 0


class Agent:
    """One signed-in browser's worth of cookies over one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.connection.port}/"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection: open another, as a browser does.
            self.connection.close()
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def sign_in(self, username: str) -> None:
        _, _, page = self.request("GET", "/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        status, _, _ = self.request(
            "POST",
            "/sign-in/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        )
        if status != 302:
            raise SystemExit(f"{username} could not sign in ({status})")


def think(pause: random.Random) -> None:
    time.sleep(THINK * pause.uniform(0.5, 1.5))


def work(agent: Agent, until: float, warm_until: float, timings: Timings) -> None:
    pause = random.Random(id(agent))
    while time.perf_counter() < until:
        think(pause)
        started = time.perf_counter()
        status, location, _ = agent.request("POST", "/work/next/", {})
        took = time.perf_counter() - started
        if status != 302:
            timings.errors.append(f"get next {status}")
            continue
        if not location.startswith("/accounts/"):
            timings.nothing_to_work += 1
            time.sleep(0.5)
            continue
        measuring = started >= warm_until
        if measuring:
            timings.get_next.append(took)
        think(pause)
        started = time.perf_counter()
        status, _, _ = agent.request("GET", location)
        took = time.perf_counter() - started
        if status != 200:
            timings.errors.append(f"account page {status}")
            continue
        if measuring:
            timings.account.append(took)
        think(pause)
        contact = {"channel": "call", "direction": "outbound", "outcome": "no_answer", "notes": "benchmark"}
        status, _, _ = agent.request("POST", f"{location}contacts/new/", contact)
        if status not in (200, 302):
            timings.errors.append(f"contact {status}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL must name the book to load")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "recoup.settings"}
    as_of = os.environ.get("BENCH_AS_OF", "2025-06-11")
    subprocess.run([PYTHON, "-c", SETUP_SCRIPT, str(USERS), PASSWORD], env=env, check=True)
    subprocess.run(
        [RECOUP, "strategies", "apply", "--as-of", as_of, "--json"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "recoup.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS),
            "--log-level", "warning",
        ],
        env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        agents = [Agent(port) for _ in range(USERS)]
        for n, agent in enumerate(agents):
            agent.sign_in(f"bench-agent-{n:02d}")
        timings = Timings()
        now = time.perf_counter()
        threads = [
            threading.Thread(target=work, args=(agent, now + WARMUP + SECONDS, now + WARMUP, timings))
            for agent in agents
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not timings.get_next or not timings.account:
        raise SystemExit(
            f"nothing measured: errors {timings.errors[:5]}, nothing to work {timings.nothing_to_work}"
        )
    _write(timings, as_of)
    return 0


def _write(timings: Timings, as_of: str) -> None:
    """Put this run's rows in the section, keeping other databases' and sizes' rows and runs."""
    vendor = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    accounts = os.environ.get("BENCH_ACCOUNTS", "?")
    rows = []
    for name, values in (("Get next", timings.get_next), ("account page", timings.account)):
        ms = [v * 1000 for v in values]
        rows.append(
            f"| {vendor} | {accounts} | {name} | {len(ms):,} | {statistics.median(ms):.1f} | "
            f"{percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} | {max(ms):.1f} |"
        )
    today = datetime.now(tz=UTC).date().isoformat()
    run = (
        f"- {vendor}, {accounts} accounts: `BENCH_USERS={USERS} BENCH_THINK={THINK:g} "
        f"BENCH_SECONDS={SECONDS:g} "
        f"BENCH_WORKERS={WORKERS} BENCH_THREADS={THREADS} DATABASE_URL=… make bench-web`, book closed on "
        f"{as_of}, run {today}; errors {len(timings.errors)}, Get next finding "
        f"nothing {timings.nothing_to_work}."
    )
    target = ROOT / "docs" / "benchmarks.md"
    text = target.read_text() if target.exists() else "# Benchmarks\n"
    old_rows: list[str] = []
    old_runs: list[str] = []
    if START in text:
        for line in text[text.index(START) : text.index(END)].splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if line.startswith("| ") and cells[0] in ("sqlite", "postgresql"):
                if (cells[0], cells[1]) != (vendor, accounts):
                    old_rows.append(line)
            elif line.startswith("- ") and not line.startswith(f"- {vendor}, {accounts} accounts:"):
                old_runs.append(line)
    section = "\n".join(
        [
            START,
            f"{USERS} agents at once on loopback, each doing Get next, the account page it leads to and a "
            f"contact, in a loop with {THINK:g} s (±50%) between requests, for {SECONDS:g} s after "
            f"{WARMUP:g} s of warm-up; gunicorn with "
            f"{WORKERS} workers of {THREADS} threads. Times are from the request to the response's last "
            "byte. Runs:",
            "",
            *old_runs,
            run,
            "",
            "| database | accounts | request | count | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|---|",
            *sorted(old_rows + rows),
            END,
        ]
    )
    if START in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n## Collections workspace under load (issue 4)\n\n" + section + "\n"
    target.write_text(text)
    print(section)


if __name__ == "__main__":
    sys.exit(main())
