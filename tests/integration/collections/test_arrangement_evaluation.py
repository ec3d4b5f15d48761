"""Deferrals, extensions and due-date changes after the close of business: broken when an installment
due since they took effect is unpaid 30 days, completed past their end date with nothing in arrears."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.arrears.models import ArrearsState
from recoup.cli.main import main
from recoup.collections.arrangements import (
    ArrangementTerms,
    ArrangementView,
    arrangement_request,
    arrangement_view,
    arrangements_evaluate,
)
from recoup.portfolio.models import Contract
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 1, 15)
AT = datetime(2024, 1, 15, 15, tzinfo=UTC)
MOVED_TO = date(2024, 3, 1)  # a one-month deferral moves the 1 February installment here


def night(as_of: date) -> datetime:
    return datetime(as_of.year, as_of.month, as_of.day, 23, 0, tzinfo=UTC) + timedelta(hours=1)


@pytest.fixture
def deferred() -> ArrangementView:
    agent = user_create(username="agent", password="not-used-here-1", role=Role.AGENT)
    account = book().account_number
    return arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=1),
        requested_by=agent,
        as_of=AS_OF,
        at=AT,
    )


def arrears(made: ArrangementView, *, oldest_unpaid: date | None, as_of: date) -> None:
    """The arrears state as the close of business `as_of` left it."""
    contract = Contract.objects.get(account_number=made.account_number)
    ArrearsState.objects.update_or_create(
        contract=contract,
        defaults={
            "currency": contract.currency,
            "changed_date": as_of,
            "bucket_since_date": as_of,
            "arrears_minor": 30415 if oldest_unpaid else 0,
            "oldest_unpaid_due_date": oldest_unpaid,
        },
    )


def test_a_deferral_whose_moved_installment_is_unpaid_30_days_is_broken(deferred) -> None:
    arrears(deferred, oldest_unpaid=MOVED_TO, as_of=date(2024, 3, 30))
    day_29 = arrangements_evaluate(as_of=date(2024, 3, 30), at=night(date(2024, 3, 30)))
    assert arrangement_view(deferred.id).status == "active"

    day_30 = arrangements_evaluate(as_of=date(2024, 3, 31), at=night(date(2024, 3, 31)))
    again = arrangements_evaluate(as_of=date(2024, 3, 31), at=night(date(2024, 3, 31)))

    view = arrangement_view(deferred.id)
    assert (view.status, view.decided_date) == ("broken", date(2024, 3, 31))
    assert day_29["arrangements_broken"] == 0
    assert day_30["arrangements_broken"] == 1
    assert not any(again.values())


def test_arrears_from_before_the_deferral_took_effect_do_not_break_it(deferred) -> None:
    arrears(deferred, oldest_unpaid=date(2024, 1, 1), as_of=date(2024, 3, 31))

    arrangements_evaluate(as_of=date(2024, 3, 31), at=night(date(2024, 3, 31)))

    assert arrangement_view(deferred.id).status == "active"


def test_a_deferral_is_completed_once_past_its_end_date_with_nothing_in_arrears(deferred) -> None:
    after_the_end = deferred.end_date + timedelta(days=1)
    arrears(deferred, oldest_unpaid=deferred.end_date, as_of=deferred.end_date)
    arrangements_evaluate(as_of=deferred.end_date, at=night(deferred.end_date))
    arrangements_evaluate(as_of=after_the_end, at=night(after_the_end))
    assert arrangement_view(deferred.id).status == "active"  # the last installment is still unpaid

    arrears(deferred, oldest_unpaid=None, as_of=after_the_end)
    counts = arrangements_evaluate(as_of=after_the_end, at=night(after_the_end))

    view = arrangement_view(deferred.id)
    assert (view.status, view.decided_date) == ("completed", after_the_end)
    assert counts["arrangements_completed"] == 1


def test_the_close_of_business_evaluates_the_arrangements_after_the_promises(deferred, capsys) -> None:
    code = main(["cob", "--as-of", AS_OF.isoformat(), "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert list(out).index("arrangements") == list(out).index("promises") + 1
    assert out["arrangements"]["arrangements_broken"] == 0
