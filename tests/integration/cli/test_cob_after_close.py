"""`recoup cob` records the notices a night makes due and does the collections work after the close,
side by side on PostgreSQL (each on a connection of its own), and reports both and the wall time
they took together."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from django.core.management import call_command

from recoup.arrears.models import BucketScheme
from recoup.cli.main import main
from recoup.comms.notices.models import Notice
from recoup.ledger.append_only import journal_triggers_lifted
from recoup.portfolio.demo import demo_load

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2025, 6, 14)


@pytest.fixture(autouse=True)
def _emptied_after() -> Iterator[None]:
    """The teardown's flush would be refused by the journal's triggers on SQLite."""
    yield
    with journal_triggers_lifted():
        call_command("flush", verbosity=0, interactive=False)


def test_the_notices_and_the_collections_work_are_both_done_and_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    BucketScheme.objects.get_or_create(
        code="standard", defaults={"name": "Standard", "boundaries": "1 30 60 90 120 180"}
    )
    demo_load(accounts=60, seed=4, as_of=AS_OF)

    status = main(["cob", "--as-of", AS_OF.isoformat(), "--json"])

    printed = json.loads(capsys.readouterr().out)
    assert status == 0
    notices = printed["notices"]
    assert notices["recorded"] == Notice.objects.filter(by_rule=True).count() > 0
    assert printed["strategies"]["accounts"] > 0  # it saw the accounts the close left in arrears
    assert printed["escalations"]["raised"] == 0
    # Wall time: no more than the parts' seconds added up, and no less than the longest of them.
    parts = [printed[name]["seconds"] for name in ("promises", "arrangements", "escalations", "strategies")]
    assert max([*parts, notices["seconds"]]) <= printed["after_close_seconds"] + 0.001
    assert printed["after_close_seconds"] <= printed["seconds"]
