"""A date closed in parts (ranges of contracts, each in a transaction of its own, side by side on
PostgreSQL) leaves what a close in one transaction leaves; a part that fails leaves the parts that
committed, the date stays open, and the next run closes the rest to the same result."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from recoup.arrears.batch import steps
from recoup.arrears.batch.parts import Part
from recoup.arrears.models import AgedDebtTotal, BucketScheme, CobPart, CobRun, CobStatus
from recoup.arrears.operations import cob_run
from recoup.ledger.append_only import journal_triggers_lifted
from recoup.ledger.models import Receipt, ReceiptStatus
from recoup.ledger.operations import receipt_reverse
from recoup.ledger.queries import ledger_verify
from recoup.portfolio.demo import demo_load
from recoup.portfolio.models import Contract
from tests.integration.arrears import snapshots
from tests.integration.arrears.payments import payments_of

pytestmark = pytest.mark.django_db(transaction=True)

START = date(2025, 3, 20)
DAYS = 15  # over a month end, when the daily-simple accounts accrue
# After the last returned payment: a reversal's key names the entry it reverses, and PostgreSQL does
# not reuse the ids the failed part took.
FAILING = START + timedelta(days=13)
AT = datetime(2025, 6, 1, 23, 0, tzinfo=UTC)


class PartFailed(Exception):
    pass


@pytest.fixture(autouse=True)
def _emptied_after() -> Iterator[None]:
    """The teardown's flush would be refused by the journal's triggers on SQLite."""
    yield
    _flush()


def _flush() -> None:
    with journal_triggers_lifted():
        call_command("flush", verbosity=0, interactive=False)


def _book() -> list[str]:
    """The same 40 demo accounts in every run: the database emptied, ids counted from one again."""
    _flush()
    BucketScheme.objects.get_or_create(
        code="standard", defaults={"name": "Standard", "boundaries": "1 30 60 90 120 180"}
    )
    demo_load(accounts=40, seed=9, as_of=START - timedelta(days=1))
    return list(Contract.objects.order_by("pk").values_list("account_number", flat=True))


def _day(day: date, accounts: list[str]) -> None:
    payments_of(day, accounts, at=AT)
    if (day - START).days % 5 == 2:
        receipt = Receipt.objects.filter(status=ReceiptStatus.ALLOCATED).order_by("-pk").first()
        assert receipt is not None
        receipt_reverse(receipt=receipt, at=AT, effective_date=day, reason_code="payment_returned")


def _left() -> dict[str, Any]:
    return {
        "states": snapshots.states(),
        "transitions": snapshots.transitions(),
        "ledger": snapshots.ledger(),
        "aged_debt": snapshots.aged_debt(),
    }


def _closed(parts: int) -> dict[str, Any]:
    accounts = _book()
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        _day(day, accounts)
        cob_run(as_of=day, at=AT, parts=parts)
    return _left()


def test_a_close_in_three_parts_leaves_what_one_transaction_leaves() -> None:
    whole = _closed(parts=1)
    assert not CobRun.objects.exclude(parts=[]).exists()

    parted = _closed(parts=3)

    assert parted == whole
    assert len(whole["transitions"]) > 0
    # The first close is one transaction; every night after it, three parts.
    runs = list(CobRun.objects.order_by("business_date"))
    assert [len(run.parts) for run in runs] == [0] + [3] * (DAYS - 1)
    assert all(run.status == CobStatus.COMPLETED for run in runs)
    assert runs[-1].summary["state_init"]["parts"] == 3
    assert CobPart.objects.count() == 3 * (DAYS - 1)
    kept = [row[1:] for row in snapshots.aged_debt() if row[0] == runs[-1].business_date]
    assert kept == snapshots.aged_debt_recounted()
    assert ledger_verify() == []


def test_a_part_that_fails_leaves_the_date_open_and_the_next_run_closes_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = _closed(parts=1)
    accounts = _book()
    late_fees = steps.late_fees_assess

    def failing_in_the_middle_part(*args: Any, **kwargs: Any) -> Any:
        part: Part = args[4]
        if args[2] == FAILING and part.low is not None and part.high is not None:
            raise PartFailed
        return late_fees(*args, **kwargs)

    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        _day(day, accounts)
        if day != FAILING:
            cob_run(as_of=day, at=AT, parts=3)
            continue
        monkeypatch.setattr(steps, "late_fees_assess", failing_in_the_middle_part)
        with pytest.raises(PartFailed):
            cob_run(as_of=day, at=AT, parts=3)
        run = CobRun.objects.get(business_date=day)
        assert run.status == CobStatus.RUNNING
        # The first part committed, the middle one did not; the date has no totals yet.
        assert 0 in set(CobPart.objects.filter(run=run).values_list("part", flat=True))
        assert not CobPart.objects.filter(run=run, part=1).exists()
        assert not AgedDebtTotal.objects.filter(business_date=day).exists()
        monkeypatch.setattr(steps, "late_fees_assess", late_fees)
        assert cob_run(as_of=day, at=AT, parts=1).dates == (day,)  # begun in three parts, ended in them
        assert CobPart.objects.filter(run=run).count() == 3

    assert _left() == whole
