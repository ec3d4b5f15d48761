"""What an arrangement is asked with, what the calculator answers, and how a made one reads back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from recoup.access.limits import Authority, Limit
from recoup.access.models import Role
from recoup.collections.models import ArrangementKind
from recoup.kernel.money import Money

MAY_ARRANGE = (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)
# Arrangements that make a new schedule version, and those the customer pays as dated amounts
# while the schedule stays as it is.
SCHEDULE_KINDS = (ArrangementKind.DEFERRAL, ArrangementKind.EXTENSION, ArrangementKind.DUE_DATE_CHANGE)
PLAN_KINDS = (ArrangementKind.REDUCED_PAYMENT, ArrangementKind.SETTLEMENT)

# (date, amount): minor units as an int, or a decimal string in the account's currency.
DatedAmount = tuple[date, int | str]


@dataclass(frozen=True)
class ArrangementTerms:
    """What the agent agreed.

    Deferral: `periods` to defer by. Extension: `periods`, the installments to add. Due-date change:
    `new_due_date`. For these three `from_installment` defaults to the next installment not yet due.
    Reduced-payment plan: `amount` a month for `periods` months from `first_date`.
    Settlement: `payments`, one or several dated amounts adding up to less than the balance.
    """

    kind: str
    periods: int | None = None
    new_due_date: date | None = None
    from_installment: int | None = None
    amount: int | str | None = None
    first_date: date | None = None
    payments: tuple[DatedAmount, ...] = ()


@dataclass(frozen=True)
class InstallmentChange:
    number: int
    due_date_before: date | None
    payment_before: Money | None
    due_date_after: date | None
    payment_after: Money | None


@dataclass(frozen=True)
class PlannedPayment:
    """One dated amount of a plan or a settlement; for a plan, the scheduled installment it stands in for."""

    number: int
    due_date: date
    amount: Money
    scheduled_due_date: date | None = None
    scheduled: Money | None = None


@dataclass(frozen=True)
class ArrangementQuote:
    account_number: str
    kind: str
    from_installment: int | None  # the first installment moved or stood in for; none for a settlement
    months: int
    reduction_percent: Decimal
    end_date: date
    changes: tuple[InstallmentChange, ...]  # a schedule change's installments, before and after
    exceeded: tuple[str, ...]  # the limits of the asker's authority it goes beyond
    asks: dict[str, str] = field(default_factory=dict)  # what it asks of each limit, as text
    payments: tuple[PlannedPayment, ...] = ()  # a plan's or settlement's dated amounts
    balance: Money | None = None  # a settlement's: what the customer owes now
    agreed: Money | None = None  # a plan's or settlement's total
    discount_percent: Decimal | None = None  # a settlement's: (balance − agreed) / balance

    @property
    def within_authority(self) -> bool:
        return not self.exceeded


@dataclass(frozen=True)
class ArrangementPaymentView:
    due_date: date
    amount: Money
    paid: Money
    status: str


@dataclass(frozen=True)
class ArrangementView:
    id: int
    account_number: str
    kind: str
    status: str
    months: int
    reduction_percent: Decimal
    effective_date: date
    end_date: date
    requested_by: str
    requested_at: datetime
    schedule_version: int | None
    approval_id: int | None
    exceeded: tuple[str, ...]
    note: str
    payments: tuple[ArrangementPaymentView, ...] = ()
    balance: Money | None = None
    agreed: Money | None = None
    discount_percent: Decimal | None = None
    decided_date: date | None = None


def asks_judged(
    authority: Authority, asks: dict[Limit, int | Decimal]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """What an arrangement asks of each limit, as text for the approval request, and the limits of
    `authority` it goes beyond."""
    return (
        {limit.value: str(value) for limit, value in asks.items()},
        tuple(limit.value for limit in authority.exceeded(asks)),
    )
