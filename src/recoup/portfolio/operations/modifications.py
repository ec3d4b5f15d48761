"""Schedule modifications and installments falling due for a single account."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from recoup.access.models import User
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.portfolio import schedule_versions
from recoup.portfolio.errors import ModificationNotAllowed
from recoup.portfolio.models import (
    Contract,
    ScheduleVersion,
)
from recoup.portfolio.schedules import (
    Schedule,
    ScheduleError,
    deferral_terms,
    due_date_change_terms,
    extension_terms,
    reamortisation_terms,
)

MODIFICATION_KINDS = ("due_date_change", "deferral", "extension", "reamortisation")


def schedule_modify(
    *,
    contract: Contract,
    kind: str,
    from_installment: int,
    effective_date: date,
    at: datetime,
    created_by: User | None = None,
    new_first_due_date: date | None = None,
    periods: int | None = None,
    apr: Decimal | None = None,
    count: int | None = None,
    note: str = "",
) -> ScheduleVersion:
    """Change the schedule from an installment not yet due; the earlier versions stay as they were.

    Raises ModificationNotAllowed naming the field.
    """
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        current_row = locked.schedule_versions.order_by("-version").first()
        assert current_row is not None
        _, version_terms, schedule = _modified(
            locked,
            current_row,
            kind=kind,
            from_installment=from_installment,
            effective_date=effective_date,
            new_first_due_date=new_first_due_date,
            periods=periods,
            apr=apr,
            count=count,
        )
        return schedule_versions.version_record(
            contract=locked,
            version=current_row.version + 1,
            reason=kind,
            note=note,
            effective_date=effective_date,
            from_installment=from_installment,
            terms=version_terms,
            schedule=schedule,
            at=at,
            created_by=created_by,
        )


def schedule_modification_preview(
    *,
    contract: Contract,
    kind: str,
    from_installment: int,
    effective_date: date,
    new_first_due_date: date | None = None,
    periods: int | None = None,
    apr: Decimal | None = None,
    count: int | None = None,
) -> tuple[Schedule, Schedule]:
    """The schedule as it stands and as `schedule_modify` with the same terms would make it;
    nothing is written. Raises ModificationNotAllowed naming the field."""
    current_row = contract.schedule_versions.order_by("-version").first()
    assert current_row is not None
    current, _, proposed = _modified(
        contract,
        current_row,
        kind=kind,
        from_installment=from_installment,
        effective_date=effective_date,
        new_first_due_date=new_first_due_date,
        periods=periods,
        apr=apr,
        count=count,
    )
    return current, proposed


def _modified(
    contract: Contract,
    current_row: ScheduleVersion,
    *,
    kind: str,
    from_installment: int,
    effective_date: date,
    new_first_due_date: date | None,
    periods: int | None,
    apr: Decimal | None,
    count: int | None,
) -> tuple[Schedule, dict[str, Any], Schedule]:
    """The current schedule, and the new version's terms and schedule for the modification asked."""
    if kind not in MODIFICATION_KINDS:
        raise ModificationNotAllowed(f"kind: unknown modification {kind!r}", field="kind")
    current = schedule_versions.version_schedule(contract)
    base = schedule_versions.terms_of(current_row)
    numbers = [i.number for i in current.installments]
    if from_installment not in numbers:
        raise ModificationNotAllowed(
            f"from_installment: {from_installment} is not an installment of this schedule",
            field="from_installment",
        )
    if current.installments[from_installment - 1].due_date < effective_date:
        raise ModificationNotAllowed(
            f"from_installment: installment {from_installment} fell due before {effective_date}",
            field="from_installment",
        )
    try:
        if kind == "due_date_change":
            if new_first_due_date is None:
                raise ModificationNotAllowed("new_first_due_date: is required", field="new_first_due_date")
            terms = due_date_change_terms(
                current, base, from_number=from_installment, new_first_due_date=new_first_due_date
            )
        elif kind == "deferral":
            terms = deferral_terms(
                current, base, from_number=from_installment, periods=_positive(periods, "periods")
            )
        elif kind == "extension":
            terms = extension_terms(
                current, base, from_number=from_installment, extra=_positive(periods, "periods")
            )
        else:
            terms = reamortisation_terms(current, base, from_number=from_installment, apr=apr, count=count)
        version_terms = schedule_versions.terms_as_fields(terms)
        schedule = schedule_versions.segment_build(
            version_terms, previous=current, from_installment=from_installment
        )
    except ScheduleError as error:
        raise ModificationNotAllowed(str(error), field=error.field) from None
    return current, version_terms, schedule


def _positive(value: int | None, name: str) -> int:
    if value is None or value < 1:
        raise ModificationNotAllowed(f"{name}: must be a whole number of at least 1", field=name)
    return value


def installments_fall_due(*, contract: Contract, as_of: date, at: datetime) -> int:
    """Post every installment of the current schedule due on or before `as_of`; returns how many are due.

    Idempotent: the ledger posts each installment once. The nightly close of business does the same
    set-based for a whole book; this serves a single account (demo data, corrections).
    """
    schedule = schedule_versions.version_schedule(contract)
    book = ledger.book_get(contract_id=contract.pk)
    due = [i for i in schedule.installments if i.due_date <= as_of]
    for installment in due:
        ledger.installment_fall_due(
            book=book,
            installment=installment.number,
            principal=Money(installment.principal_minor, contract.currency),
            interest=Money(installment.interest_minor, contract.currency),
            due_date=installment.due_date,
            at=at,
        )
    return len(due)
