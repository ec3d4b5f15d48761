"""Two operators import the same bank file at the same moment, from two OS processes: the file is
posted once. The loser waits on the winner's insert of the file's row, then finds it taken. Two
agents applying the same unapplied line at once apply it once: the second waits on the line's lock."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from recoup.access.models import User
from recoup.access.operations import user_create
from recoup.ledger.models import JournalEntry, Receipt
from recoup.payments.statements.errors import LineNotInQueue
from recoup.payments.statements.models import LineAction, Statement, StatementFile, StatementLine
from recoup.payments.statements.operations import statement_file_import
from recoup.payments.statements.unapplied import line_apply
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due, products_install_standard
from tests.integration.factories import book
from tests.integration.payments.statements_builders import AT, camt053, credit, file_bytes, statement_file

pytestmark = pytest.mark.django_db(transaction=True)

RECOUP = str(Path(__file__).resolve().parents[3] / ".venv" / "bin" / "recoup")
LINES = 400


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two processes writing at once need PostgreSQL; SQLite serialises writers instead")
    products_install_standard()  # a transactional test starts from a flushed database


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def test_two_processes_importing_the_same_file_post_it_once(tmp_path: Path) -> None:
    loan = Contract.objects.get(pk=book().contract_id)
    installments_fall_due(contract=loan, as_of=date(2024, 3, 5), at=AT)
    path = tmp_path / "race.xml"
    path.write_bytes(
        camt053(
            *(credit(1000 + n, remittance=loan.account_number, bank_reference=f"R{n}") for n in range(LINES))
        )
    )
    environment = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}

    racers = [
        subprocess.Popen(
            [RECOUP, "import-statement", str(path), "--json"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for racer in racers:
        out, err = racer.communicate(timeout=300)
        assert racer.returncode == 0, err
        results.append(json.loads(out))

    assert sorted(result["duplicate"] for result in results) == [False, True]
    assert sorted(result["matched"] for result in results) == [0, LINES]
    assert (StatementFile.objects.count(), Statement.objects.count()) == (1, 1)
    assert StatementLine.objects.count() == LINES
    assert Receipt.objects.count() == LINES
    assert JournalEntry.objects.filter(receipt__isnull=False).count() == LINES


def test_two_agents_applying_the_same_line_at_once_apply_it_once() -> None:
    loan = Contract.objects.get(pk=book().contract_id)
    parsed = statement_file(credit(5000, payer_name="Nobody Known", bank_reference="Q1"))
    statement_file_import(parsed=parsed, data=file_bytes(parsed), file_name="q.xml", at=AT)
    line = StatementLine.objects.get()
    agents = [
        user_create(username=f"agent{n}", password="a-long-enough-password", role="agent") for n in (1, 2)
    ]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def work(agent: User) -> None:
        try:
            start.wait()
            line_apply(line_id=line.pk, account_number=loan.account_number, by=agent, at=AT)
            outcomes.append("applied")
        except LineNotInQueue:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["applied", "refused"]
    assert Receipt.objects.filter(reference="Q1").count() == 1
    assert LineAction.objects.filter(line=line).count() == 1
