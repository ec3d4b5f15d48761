"""Two operators import the same bank file at the same moment, from two OS processes: the file is
posted once. The loser waits on the winner's insert of the file's row, then finds it taken."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from recoup.ledger.models import JournalEntry, Receipt
from recoup.payments.statements.models import Statement, StatementFile, StatementLine
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import installments_fall_due, products_install_standard
from tests.integration.factories import book
from tests.integration.payments.statements_builders import AT, camt053, credit

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
