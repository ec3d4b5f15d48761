from datetime import UTC, date, datetime

import pytest

from recoup.portfolio import queries
from recoup.portfolio.errors import ModificationNotAllowed
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import schedule_modify
from tests.integration.factories import book

pytestmark = pytest.mark.django_db
AT = datetime(2024, 6, 1, 12, tzinfo=UTC)


def _contract():
    return Contract.objects.get(pk=book().contract_id)


def test_a_deferral_adds_a_version_and_the_original_stays_readable():
    contract = _contract()

    version = schedule_modify(
        contract=contract,
        kind="deferral",
        from_installment=6,
        periods=2,
        effective_date=date(2024, 6, 1),
        at=AT,
    )

    assert version.version == 2
    original = queries.schedule_version_view(contract.account_number, 1)
    deferred = queries.schedule_version_view(contract.account_number, 2)
    assert original.installments[5].due_date == date(2024, 7, 1)
    assert deferred.installments[5].due_date == date(2024, 9, 1)
    assert deferred.installments[4] == original.installments[4]
    assert deferred.installments[-1].balance.minor == 0


def test_a_due_date_change_moves_the_remaining_installments():
    contract = _contract()

    schedule_modify(
        contract=contract,
        kind="due_date_change",
        from_installment=6,
        new_first_due_date=date(2024, 7, 15),
        effective_date=date(2024, 6, 1),
        at=AT,
    )

    current = queries.account_detail(contract.account_number, viewer_role="agent").schedule
    assert current.version == 2
    assert [i.due_date.day for i in current.installments[5:8]] == [15, 15, 15]
    assert len(current.installments) == 60


def test_an_extension_lowers_the_payment_over_more_installments():
    contract = _contract()

    schedule_modify(
        contract=contract,
        kind="extension",
        from_installment=6,
        periods=12,
        effective_date=date(2024, 6, 1),
        at=AT,
    )

    current = queries.account_detail(contract.account_number, viewer_role="agent").schedule
    assert len(current.installments) == 72
    assert current.payment.minor < 30415


def test_installments_already_due_cannot_be_modified():
    contract = _contract()

    with pytest.raises(ModificationNotAllowed) as error:
        schedule_modify(
            contract=contract,
            kind="deferral",
            from_installment=2,
            periods=1,
            effective_date=date(2024, 6, 1),
            at=AT,
        )

    assert error.value.field == "from_installment"
    assert contract.schedule_versions.count() == 1
