"""On a random book, the set-based close of business leaves exactly what the per-account reference does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from django.db import connection, transaction

from recoup.arrears.batch import steps
from recoup.arrears.errors import CloseGoesBack
from recoup.arrears.operations import cob_run
from recoup.ledger.models import Receipt, ReceiptStatus
from recoup.ledger.operations import receipt_reverse
from recoup.ledger.queries import ledger_verify, receivable_totals
from recoup.portfolio.demo import demo_load
from recoup.portfolio.models import Contract
from tests.integration.arrears import snapshots
from tests.integration.arrears.payments import payments_of
from tests.integration.arrears.reference import reference_module

START = date(2025, 3, 20)
DAYS = 45
# The month ends inside the run, when the daily-simple accounts' interest is accrued.
ACCRUAL_DATES = {date(2025, 3, 31), date(2025, 4, 30)}
AT = datetime(2025, 6, 1, 23, 0, tzinfo=UTC)


class _Rollback(Exception):
    pass


def _run(close: object, accounts: list[str]) -> dict[str, object]:
    captured: dict[str, object] = {}
    try:
        with transaction.atomic():
            for offset in range(DAYS):
                day = START + timedelta(days=offset)
                payments_of(day, accounts, at=AT)
                close(day)  # type: ignore[operator]
            captured = {
                "states": snapshots.states(),
                "transitions": snapshots.transitions(),
                "ledger": snapshots.ledger(),
                "aged_debt": snapshots.aged_debt(),
            }
            raise _Rollback
    except _Rollback:
        pass
    return captured


def _differences(actual: object, expected: object) -> tuple[list[object], list[object]]:
    """What one run has and the other has not, per kind of ledger row."""
    only_actual, only_expected = [], []
    for kind in ("balances", "entries"):
        got, want = set(actual[kind]), set(expected[kind])  # type: ignore[index]
        only_actual += sorted(got - want)
        only_expected += sorted(want - got)
    return only_actual, only_expected


def _statistics_taken() -> None:
    """On PostgreSQL, analyse the ledger as autovacuum would have: after a test that emptied the
    tables, their statistics say they are empty, and the reference's per-account queries, planned on
    that, walk every posting of the book each time (minutes for this test)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("ledger_ledgeraccount", "ledger_journalentry", "ledger_posting"):
                cursor.execute(f"ANALYZE {table}")


@pytest.mark.django_db
def test_the_batch_leaves_the_state_transitions_and_ledger_the_reference_leaves() -> None:
    demo_load(accounts=40, seed=9, as_of=START - timedelta(days=1))
    _statistics_taken()
    accounts = list(Contract.objects.order_by("pk").values_list("account_number", flat=True))
    reference = reference_module()

    worked = []

    def close(day: date) -> None:
        (summary,) = cob_run(as_of=day, at=AT).summaries.values()
        refresh = summary["arrears_refresh"]
        worked.append((refresh.get("from_installments", 0), refresh["refreshed"]))

    expected = _run(lambda day: reference.reference_close(day, at=AT), accounts)
    actual = _run(close, accounts)

    assert actual["states"] == expected["states"]
    assert actual["transitions"] == expected["transitions"]
    assert _differences(actual["ledger"], expected["ledger"]) == ([], [])
    assert len(expected["transitions"]) > 0  # type: ignore[arg-type]
    accruals = [e for e in expected["ledger"]["entries"] if e[3] == "interest_accrued"]  # type: ignore[index]
    assert {e[2] for e in accruals} == ACCRUAL_DATES
    # Some accounts' arrears were worked out from their installment alone, without reading their
    # ledger back (see steps._worked_after), and others from the ledger.
    assert sum(alone for alone, _ in worked) > 0
    assert sum(refreshed - alone for alone, refreshed in worked) > 0


@pytest.mark.django_db
def test_a_close_in_slices_of_a_few_accounts_leaves_what_one_slice_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A close reads and writes at most SLICE_ACCOUNTS accounts at a time (a first close reads every
    account); cut into slices of seven, the first close and the nights after it leave the same."""
    demo_load(accounts=40, seed=11, as_of=START - timedelta(days=1))
    _statistics_taken()
    accounts = list(Contract.objects.order_by("pk").values_list("account_number", flat=True))

    whole = _run(lambda day: cob_run(as_of=day, at=AT), accounts)
    monkeypatch.setattr(steps, "SLICE_ACCOUNTS", 7)
    sliced = _run(lambda day: cob_run(as_of=day, at=AT), accounts)

    assert sliced == whole
    assert len(whole["transitions"]) > 0  # type: ignore[arg-type]


@pytest.mark.django_db
def test_arrears_worked_out_from_the_installment_alone_equal_those_read_from_the_ledger(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a larger book than the reference's, the nights leave the same with every account's arrears
    read back from its ledger as with those of the accounts whose installment was their only news
    worked out from it (see steps._worked_after)."""
    demo_load(accounts=150, seed=13, as_of=START - timedelta(days=1))
    _statistics_taken()
    accounts = list(Contract.objects.order_by("pk").values_list("account_number", flat=True))
    worked = []

    def close(day: date) -> None:
        (summary,) = cob_run(as_of=day, at=AT).summaries.values()
        worked.append(summary["arrears_refresh"].get("from_installments", 0))

    alone = _run(close, accounts)
    unworked = steps._worked_after({}, True, pl.Series([], dtype=pl.Int64), [])
    monkeypatch.setattr(steps, "_worked_after", lambda *args: unworked)
    read = _run(lambda day: cob_run(as_of=day, at=AT), accounts)

    assert alone == read
    assert sum(worked) > 50


@pytest.mark.django_db
def test_aged_debt_totals_equal_the_ledgers_receivable_balances() -> None:
    demo_load(accounts=30, seed=4, as_of=START)

    cob_run(as_of=START, at=AT)
    cob_run(as_of=START + timedelta(days=20), at=AT)

    last = START + timedelta(days=20)
    rows = [row for row in snapshots.aged_debt() if row[0] == last]
    ledger_total = sum(
        m.minor for m in receivable_totals(Contract.objects.values_list("pk", flat=True)).values()
    )
    assert sum(row[6] for row in rows) == ledger_total
    assert sum(row[5] for row in rows) == len(
        [m for m in receivable_totals(Contract.objects.values_list("pk", flat=True)).values() if m.minor]
    )
    assert ledger_verify() == []


@pytest.mark.django_db
def test_a_second_run_for_the_same_date_changes_nothing() -> None:
    demo_load(accounts=20, seed=6, as_of=START)
    cob_run(as_of=START + timedelta(days=10), at=AT)
    before = (snapshots.states(), snapshots.transitions(), snapshots.ledger(), snapshots.aged_debt())

    cob_run(as_of=START + timedelta(days=10), at=AT)

    assert (snapshots.states(), snapshots.transitions(), snapshots.ledger(), snapshots.aged_debt()) == before


@pytest.mark.django_db
def test_each_nights_aged_debt_totals_are_a_full_count_of_the_state() -> None:
    """The close keeps the totals as the last night's moved by the rows that changed; counted afresh
    from every row they are the same, night after night of payments, returned payments, fees, rolls
    and cures."""
    demo_load(accounts=40, seed=5, as_of=START - timedelta(days=1))
    _statistics_taken()
    accounts = list(Contract.objects.order_by("pk").values_list("account_number", flat=True))
    returned = 0
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        payments_of(day, accounts, at=AT)
        if offset % 7 == 3:
            receipt = Receipt.objects.filter(status=ReceiptStatus.ALLOCATED).order_by("-pk").first()
            assert receipt is not None
            receipt_reverse(receipt=receipt, at=AT, effective_date=day, reason_code="payment_returned")
            returned += 1
        cob_run(as_of=day, at=AT)
        kept = [row[1:] for row in snapshots.aged_debt() if row[0] == day]
        assert kept == snapshots.aged_debt_recounted(), day
    assert returned == len(range(3, DAYS, 7))
    assert {row[4] for row in snapshots.aged_debt()} - {"current"}  # some accounts were in arrears


@pytest.mark.django_db
def test_a_close_never_goes_back_to_a_date_before_the_last_one() -> None:
    demo_load(accounts=5, seed=6, as_of=START)
    cob_run(as_of=START + timedelta(days=2), at=AT)

    with pytest.raises(CloseGoesBack) as raised:
        cob_run(as_of=START - timedelta(days=3), at=AT)

    assert raised.value.field == "as_of"
    assert cob_run(as_of=START + timedelta(days=2), at=AT).dates == (START + timedelta(days=2),)
