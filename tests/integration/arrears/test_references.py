"""On PostgreSQL, the state and the bucket transitions name contracts that exist, and a contract they
name stays: checked once per statement by the triggers of arrears migration 0008, which replace the
foreign keys there (SQLite keeps them as constraints)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction

from recoup.arrears.models import ArrearsState, BucketTransition
from recoup.arrears.operations import cob_run
from tests.integration.factories import book

AT = datetime(2024, 1, 1, 23, 0, tzinfo=UTC)
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def _missing_contract_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1000 FROM portfolio_contract")
        return int(cursor.fetchone()[0])


def _run(sql: str, params: list[object]) -> None:
    """Run `sql` in a savepoint, and the checks deferred to the commit with it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _refused(sql: str, params: list[object]) -> str:
    """Why the database refused `sql`."""
    with pytest.raises(IntegrityError) as refused:
        _run(sql, params)
    return str(refused.value)


@pytest.mark.django_db
def test_a_transition_naming_no_contract_is_refused() -> None:
    _refused(
        "INSERT INTO arrears_buckettransition (contract_id, business_date, from_bucket, to_bucket, kind, "
        "days_past_due, arrears_minor, receivable_minor) VALUES (%s, %s, 'current', '1-29', 'roll_forward', "
        "1, 100, 100)",
        [_missing_contract_id(), date(2024, 2, 2)],
    )
    assert not BucketTransition.objects.exists()


@pytest.mark.django_db
def test_a_state_naming_no_contract_is_refused() -> None:
    _refused(
        "INSERT INTO arrears_arrearsstate (contract_id, currency, changed_date, installments_due, "
        "due_to_date_minor, paid_to_date_minor, arrears_minor, installments_missed, bucket, "
        "bucket_since_date, receivable_minor, accrued_interest_minor, accrual_remainder_micro, "
        "collections_flag, carried_interest_minor, jurisdiction, last_installment_minor, product_code, "
        "refresh_pending, schedule_balance_minor, frequency, aged_balance_minor, aged_arrears_minor) "
        "VALUES (%s, 'USD', %s, 0, 0, 0, 0, 0, 'current', %s, 0, 0, 0, FALSE, 0, 'US-TX', 0, 'US-RIC', "
        "FALSE, 0, 'monthly', 0, 0)",
        [_missing_contract_id(), date(2024, 2, 2), date(2024, 2, 2)],
    )
    assert not ArrearsState.objects.exists()


@pytest.mark.django_db
def test_a_contract_with_arrears_history_cannot_be_removed_or_renumbered() -> None:
    contract_id = book().contract_id
    cob_run(as_of=date(2024, 2, 2), at=AT)
    assert ArrearsState.objects.filter(contract_id=contract_id).exists()

    renumbered = _refused(
        "UPDATE portfolio_contract SET id = %s WHERE id = %s", [_missing_contract_id(), contract_id]
    )
    removed = _refused("DELETE FROM portfolio_contract WHERE id = %s", [contract_id])

    guarded = f"contract {contract_id} is named by an arrears state or a bucket transition"
    assert guarded in renumbered
    assert guarded in removed


@pytest.mark.django_db
def test_an_escalation_naming_no_contract_is_refused_and_a_contract_one_names_stays() -> None:
    contract_id = book().contract_id
    missing = _missing_contract_id()
    insert = (
        "INSERT INTO collections_escalation (contract_id, kind, detail, by_rule, raised_at, raised_date, "
        "status, handled_note) VALUES (%s, 'large_balance_rolling', '', TRUE, %s, %s, 'open', '')"
    )

    refused = _refused(insert, [missing, AT, AT.date()])
    _run(insert, [contract_id, AT, AT.date()])
    removed = _refused("DELETE FROM portfolio_contract WHERE id = %s", [contract_id])

    assert f"an escalation names contract {missing}, which does not exist" in refused
    assert f"contract {contract_id} is named by an escalation" in removed
