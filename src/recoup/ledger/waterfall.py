"""The allocation waterfall: how a payment is shared among what a contract owes.

Pure: plain integers in minor units, no Django, no clock. The ledger reads what is
outstanding, asks `allocate` how to split a receipt, and posts the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recoup.ledger.errors import InvalidPolicy, NonPositiveAmount

COMPONENTS: tuple[str, ...] = ("fees", "interest", "principal")
OVERPAYMENT_CHOICES: tuple[str, ...] = ("principal", "unapplied")


@dataclass(frozen=True, slots=True)
class WaterfallPolicy:
    """The order components are paid in, and what happens to money left over.

    `order` names every component once, e.g. ("fees", "interest", "principal").
    `by_installment`: True pays the oldest installment in full (component by component in
    `order`) before the next; False pays one component across every installment, oldest
    first, before the next component.
    `overpayment`: "principal" reduces principal not yet due (the rest, if any, is held
    unapplied); "unapplied" holds all of it as the customer's cash.
    """

    order: tuple[str, ...]
    by_installment: bool
    overpayment: str

    def __post_init__(self) -> None:
        if sorted(self.order) != sorted(COMPONENTS) or len(self.order) != len(COMPONENTS):
            raise InvalidPolicy(
                f"order must name each of {', '.join(COMPONENTS)} exactly once, not {self.order!r}",
                field="order",
            )
        if self.overpayment not in OVERPAYMENT_CHOICES:
            raise InvalidPolicy(
                f"overpayment must be one of {', '.join(OVERPAYMENT_CHOICES)}, not {self.overpayment!r}",
                field="overpayment",
            )

    @classmethod
    def from_text(cls, order: str, *, by_installment: bool, overpayment: str) -> WaterfallPolicy:
        """A policy from the space-separated order that books store, e.g. "fees interest principal"."""
        return cls(order=tuple(order.split()), by_installment=by_installment, overpayment=overpayment)

    @property
    def order_text(self) -> str:
        return " ".join(self.order)


@dataclass(frozen=True, slots=True)
class DueItem:
    """What is still owed of one component of one installment (None: not tied to an installment)."""

    installment: int | None
    component: str
    outstanding_minor: int


@dataclass(frozen=True, slots=True)
class AllocationLine:
    component: str
    installment: int | None
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """How one payment was shared: lines against dues, a prepayment of principal, and the rest held."""

    lines: tuple[AllocationLine, ...]
    to_principal: int
    to_unapplied: int

    @property
    def total_minor(self) -> int:
        return sum(line.amount_minor for line in self.lines) + self.to_principal + self.to_unapplied


def _age(item: DueItem) -> tuple[int, int]:
    # Oldest installment first; charges tied to no installment come after every installment.
    return (1, 0) if item.installment is None else (0, item.installment)


def _in_payment_order(due_items: Sequence[DueItem], policy: WaterfallPolicy) -> list[DueItem]:
    rank = {component: position for position, component in enumerate(policy.order)}
    if policy.by_installment:
        return sorted(due_items, key=lambda item: (_age(item), rank[item.component]))
    return sorted(due_items, key=lambda item: (rank[item.component], _age(item)))


def allocate(
    *,
    amount_minor: int,
    due_items: Sequence[DueItem],
    policy: WaterfallPolicy,
    principal_not_due_minor: int,
) -> Allocation:
    """Share `amount_minor` among `due_items` in the policy's order; the parts always sum to the amount.

    Items with nothing outstanding are passed over. What is left after every due item is a
    prepayment of principal (never more than `principal_not_due_minor`) when the policy says
    so, and otherwise, or beyond that, held unapplied.

    Raises NonPositiveAmount (field "amount" or "principal_not_due"), InvalidPolicy (an item
    names a component the policy does not know, field "due_items").
    """
    if amount_minor <= 0:
        raise NonPositiveAmount(f"a payment must be positive, not {amount_minor}", field="amount")
    if principal_not_due_minor < 0:
        raise NonPositiveAmount(
            f"principal not yet due cannot be negative, not {principal_not_due_minor}",
            field="principal_not_due",
        )
    for item in due_items:
        if item.component not in COMPONENTS:
            raise InvalidPolicy(f"unknown component {item.component!r}", field="due_items")

    remaining = amount_minor
    lines: list[AllocationLine] = []
    for item in _in_payment_order(due_items, policy):
        if remaining == 0:
            break
        if item.outstanding_minor <= 0:
            continue
        paid = min(remaining, item.outstanding_minor)
        lines.append(AllocationLine(item.component, item.installment, paid))
        remaining -= paid

    to_principal = min(remaining, principal_not_due_minor) if policy.overpayment == "principal" else 0
    return Allocation(lines=tuple(lines), to_principal=to_principal, to_unapplied=remaining - to_principal)
