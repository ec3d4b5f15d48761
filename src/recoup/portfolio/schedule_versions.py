"""Schedule versions: stored as the terms of the segment each one re-builds, read back exactly.

Version 1 builds the whole schedule from the origination terms; each later version keeps the
installments before its `from_installment` and re-builds the rest, so reading version k replays
versions 1..k through the pure engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from recoup.access.models import User
from recoup.kernel.money import Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.models import Contract, ScheduleVersion
from recoup.portfolio.schedules import (
    Frequency,
    Schedule,
    ScheduleTerms,
    lease_schedule_build,
    schedule_build,
    schedule_modify,
)

TERM_FIELDS = (
    "principal_minor",
    "apr",
    "installment_count",
    "start_date",
    "first_due_date",
    "frequency",
    "day_count",
    "rounding",
    "balloon_minor",
    "method",
    "money_factor",
)


def _terms(fields: Mapping[str, Any]) -> ScheduleTerms:
    return ScheduleTerms(
        principal_minor=int(fields["principal_minor"]),
        apr=Decimal(fields["apr"]),
        count=int(fields["installment_count"]),
        start_date=fields["start_date"],
        first_due_date=fields["first_due_date"],
        frequency=Frequency(fields["frequency"]),
        day_count=DayCount(fields["day_count"]),
        rounding=Rounding(fields["rounding"]),
        balloon_minor=int(fields["balloon_minor"]),
    )


def segment_build(
    fields: Mapping[str, Any], *, previous: Schedule | None = None, from_installment: int = 1
) -> Schedule:
    """The schedule a version's terms give, on top of the previous version when it is a modification."""
    if fields.get("method") == "lease":
        segment = lease_schedule_build(
            capitalized_cost_minor=int(fields["principal_minor"]),
            residual_minor=int(fields["balloon_minor"]),
            money_factor=Decimal(fields["money_factor"]),
            count=int(fields["installment_count"]),
            start_date=fields["start_date"],
            first_due_date=fields["first_due_date"],
            frequency=Frequency(fields["frequency"]),
            rounding=Rounding(fields["rounding"]),
        )
        assert previous is None, "a lease is modified as an annuity segment"
        return segment
    terms = _terms(fields)
    if previous is None:
        return schedule_build(terms)
    return schedule_modify(previous, from_number=from_installment, terms=terms)


def terms_as_fields(terms: ScheduleTerms) -> dict[str, Any]:
    return {
        "principal_minor": terms.principal_minor,
        "apr": terms.apr,
        "installment_count": terms.count,
        "start_date": terms.start_date,
        "first_due_date": terms.first_due_date,
        "frequency": str(terms.frequency),
        "day_count": str(terms.day_count),
        "rounding": str(terms.rounding),
        "balloon_minor": terms.balloon_minor,
        "method": "annuity",
        "money_factor": None,
    }


def terms_of(row: ScheduleVersion) -> ScheduleTerms:
    return _terms({name: getattr(row, name) for name in TERM_FIELDS})


def version_record(
    *,
    contract: Contract,
    version: int,
    reason: str,
    effective_date: date,
    from_installment: int,
    terms: Mapping[str, Any],
    schedule: Schedule,
    at: datetime,
    created_by: User | None,
    note: str = "",
) -> ScheduleVersion:
    return ScheduleVersion.objects.create(
        contract=contract,
        version=version,
        reason=reason,
        note=note,
        effective_date=effective_date,
        from_installment=from_installment,
        **{name: terms[name] for name in TERM_FIELDS},
        payment_minor=schedule.payment_minor,
        final_payment_minor=schedule.final_payment_minor,
        total_installments=len(schedule.installments),
        last_due_date=schedule.last_due_date,
        created_at=at,
        created_by=created_by,
    )


def schedules_replay(rows: list[ScheduleVersion]) -> list[Schedule]:
    """Every version's full schedule, oldest first, from the version rows of one contract."""
    schedules: list[Schedule] = []
    for row in sorted(rows, key=lambda r: r.version):
        fields = {name: getattr(row, name) for name in TERM_FIELDS}
        previous = schedules[-1] if schedules else None
        schedules.append(segment_build(fields, previous=previous, from_installment=row.from_installment))
    return schedules


def version_schedule(contract: Contract, version: int | None = None) -> Schedule:
    """The full schedule of one version (the current one by default)."""
    rows = list(contract.schedule_versions.all())
    if version is not None:
        rows = [r for r in rows if r.version <= version]
    return schedules_replay(rows)[-1]
