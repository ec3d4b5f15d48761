"""What a user may agree alone: one row of the approval matrix, and the checks against it.

Pure: the matrix is read by `access.authority`; here a request is measured against it. A request
beyond any limit is not refused — it becomes an approval request for someone whose limits cover
it (maker–checker), so each check says which limit it exceeds, in words an approver can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Limit(StrEnum):
    ARRANGEMENT_MONTHS = "arrangement_months"  # longest arrangement
    PAYMENT_REDUCTION_PERCENT = "payment_reduction_percent"  # largest payment reduction
    CREDIT = "credit_minor"  # largest credit or fee waiver
    SETTLEMENT_DISCOUNT_PERCENT = "settlement_discount_percent"  # largest settlement discount
    WRITE_OFF = "write_off_minor"  # largest write-off


LIMIT_LABELS = {
    Limit.ARRANGEMENT_MONTHS: "longest arrangement (months)",
    Limit.PAYMENT_REDUCTION_PERCENT: "largest payment reduction (%)",
    Limit.CREDIT: "largest credit or fee waiver",
    Limit.SETTLEMENT_DISCOUNT_PERCENT: "largest settlement discount (%)",
    Limit.WRITE_OFF: "largest write-off",
}


@dataclass(frozen=True)
class Authority:
    """One user's limits in one currency; money in minor units, percentages of the amount concerned."""

    currency: str
    arrangement_months: int = 0
    payment_reduction_percent: Decimal = Decimal(0)
    credit_minor: int = 0
    settlement_discount_percent: Decimal = Decimal(0)
    write_off_minor: int = 0

    def value(self, limit: Limit) -> int | Decimal:
        return getattr(self, limit.value)

    def allows(self, limit: Limit, asked: int | Decimal) -> bool:
        """Whether asking for `asked` (months, minor units or a percentage) is within this limit."""
        if asked < 0:
            raise ValueError(f"{limit.value}: a request cannot ask for less than nothing ({asked})")
        return asked <= self.value(limit)

    def exceeded(self, asks: dict[Limit, int | Decimal]) -> list[Limit]:
        """The limits that the asks go beyond, in the order of `Limit`."""
        return [limit for limit in Limit if limit in asks and not self.allows(limit, asks[limit])]


def reduction_percent(*, scheduled_minor: int, proposed_minor: int) -> Decimal:
    """By how much a proposed payment falls short of the scheduled one, in percent (two places, rounded up
    so that a request just over a limit is never shown as within it)."""
    if scheduled_minor <= 0:
        raise ValueError(f"scheduled payment must be positive, not {scheduled_minor}")
    if proposed_minor >= scheduled_minor:
        return Decimal(0)
    shortfall = Decimal(scheduled_minor - max(proposed_minor, 0)) * 100 / Decimal(scheduled_minor)
    return shortfall.quantize(Decimal("0.01"), rounding="ROUND_CEILING")
