"""Late-fee rules: how much a product charges for an installment left unpaid past its grace days.

Pure: no Django, no clock. Amounts are integer minor units; the percentage is a Decimal of percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LATE_FEE_REASON = "late_fee"


@dataclass(frozen=True)
class LateFeeRule:
    grace_days: int
    fixed_minor: int = 0
    percent: Decimal = Decimal(0)  # of the installment; when set, it replaces the fixed amount
    cap_minor: int | None = None
    max_cost_minor: int | None = None  # UK: the lender's configured cost of a missed payment

    @property
    def charges(self) -> bool:
        return self.fixed_minor > 0 or self.percent > 0


def late_fee_minor(rule: LateFeeRule, *, installment_minor: int) -> int:
    """The fee for one late installment: the percentage (half up) or the fixed amount, within the caps."""
    if rule.percent > 0:
        fee = int((Decimal(installment_minor) * rule.percent / 100).quantize(Decimal(1), ROUND_HALF_UP))
    else:
        fee = rule.fixed_minor
    for ceiling in (rule.cap_minor, rule.max_cost_minor):
        if ceiling is not None:
            fee = min(fee, ceiling)
    return max(fee, 0)


def late_fee_key(contract_id: int, installment: int) -> str:
    """The idempotency key of an installment's late fee: charged once, however often the night runs."""
    return f"arrears:{contract_id}:late-fee:{installment}"
