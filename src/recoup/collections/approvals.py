"""Maker–checker decisions on changes beyond their maker's authority: arrangements and credits.

Nobody decides their own request; an approver's own authority must cover what it asks; a request
is decided once. Approving makes the change (the arrangement's schedule version, or its plan of
dated payments becoming active; the credit's posting) in the same transaction as the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from recoup.access.authority import authority_of
from recoup.access.limits import Authority, Limit
from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.collections import arrangements, credits
from recoup.collections.errors import ApprovalNotAllowed, ApprovalNotFound
from recoup.collections.models import ApprovalRequest, ApprovalStatus
from recoup.portfolio.models import Contract

MAY_APPROVE = (Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)


@dataclass(frozen=True)
class ApprovalView:
    id: int
    account_number: str
    subject: str  # "arrangement" or "credit"
    summary: str  # what is asked, in words
    arrangement: arrangements.ArrangementView | None
    credit: credits.CreditView | None
    asks: dict[str, str]
    exceeded: tuple[str, ...]
    requested_by: str
    requested_at: datetime
    status: str
    may_decide: bool  # the reader is not its maker and their authority covers it
    why_not: str  # when they may not, why


@dataclass(frozen=True)
class Decided:
    approval_id: int
    account_number: str
    subject: str
    status: str
    arrangement: arrangements.ArrangementView | None
    credit: credits.CreditView | None


def approval_decide(
    *, approval_id: int, decided_by: User, approve: bool, note: str, as_of: date, at: datetime
) -> Decided:
    """Approve (the change is made) or reject a pending request.

    Raises ApprovalNotFound, ApprovalNotAllowed (field "decided_by": the maker, a role that does not
    decide, or an approver whose authority does not cover it; field "approval_id": already decided),
    and what making the change raises (then nothing is written).
    """
    with transaction.atomic():
        approval = (
            ApprovalRequest.objects.select_for_update(of=("self",))
            .select_related("arrangement", "credit")
            .filter(pk=approval_id)
            .first()
        )
        if approval is None:
            raise ApprovalNotFound(f"approval_id: no approval request {approval_id}", field="approval_id")
        if approval.status != ApprovalStatus.PENDING:
            raise ApprovalNotAllowed(
                f"approval_id: request {approval_id} was already {approval.status}", field="approval_id"
            )
        why_not = _why_not(approval, decided_by, approving=approve)
        if why_not:
            raise ApprovalNotAllowed(f"decided_by: {why_not}", field="decided_by")
        approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        approval.decided_by = decided_by
        approval.decided_at = at
        approval.decision_note = note
        approval.save()
        audit_record(
            actor=decided_by,
            action="approval.approve" if approve else "approval.reject",
            object_type="approval_request",
            object_id=approval.pk,
            at=at,
            before={"status": ApprovalStatus.PENDING},
            after={"status": approval.status, "note": note},
        )
        contract = Contract.objects.select_for_update().get(pk=approval.contract_id)
        if approval.arrangement is not None:
            if approve:
                arrangements.arrangement_apply(
                    approval.arrangement, contract, by=decided_by, as_of=as_of, at=at
                )
            else:
                arrangements.arrangement_reject(approval.arrangement, by=decided_by, at=at)
        elif approval.credit is not None:
            if approve:
                credits.credit_post(approval.credit, by=decided_by, at=at)
            else:
                credits.credit_reject(approval.credit, by=decided_by, at=at)
    arrangement = arrangements.arrangement_view(approval.arrangement.pk) if approval.arrangement else None
    credit = credits.credit_view(approval.credit.pk) if approval.credit else None
    return Decided(
        approval_id=approval.pk,
        account_number=contract.account_number,
        subject="arrangement" if arrangement else "credit",
        status=approval.status,
        arrangement=arrangement,
        credit=credit,
    )


def approvals_pending(*, reader: User) -> list[ApprovalView]:
    """Every request awaiting a decision, oldest first, each saying whether `reader` may decide it."""
    rows = list(
        ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING)
        .select_related("requested_by", "arrangement", "credit")
        .order_by("requested_at", "pk")
    )
    numbers = dict(
        Contract.objects.filter(pk__in={r.contract_id for r in rows}).values_list("pk", "account_number")
    )
    views = []
    for row in rows:
        arrangement = arrangements.arrangement_view(row.arrangement.pk) if row.arrangement else None
        credit = credits.credit_view(row.credit.pk) if row.credit else None
        why_not = _why_not(row, reader, approving=True)
        views.append(
            ApprovalView(
                id=row.pk,
                account_number=numbers[row.contract_id],
                subject="arrangement" if arrangement else "credit",
                summary=_summary(arrangement, credit),
                arrangement=arrangement,
                credit=credit,
                asks=dict(row.asks),
                exceeded=tuple(row.exceeded),
                requested_by=row.requested_by.username,
                requested_at=row.requested_at,
                status=row.status,
                may_decide=not why_not,
                why_not=why_not,
            )
        )
    return views


def _why_not(approval: ApprovalRequest, reader: User, *, approving: bool) -> str:
    """Why `reader` may not decide the request, or "" when they may."""
    if approval.requested_by_id == reader.pk:
        return "nobody may decide their own request"
    if reader.role not in MAY_APPROVE:
        return "team leaders and the head of credit decide requests"
    if approving:
        beyond = _exceeded(authority_of(user=reader, currency=approval.currency), approval.asks)
        if beyond:
            return f"the request goes beyond your authority too ({', '.join(beyond)})"
    return ""


def _exceeded(authority: Authority, asks: dict[str, str]) -> list[str]:
    parsed: dict[Limit, int | Decimal] = {
        Limit(name): (
            Decimal(value)
            if name in (Limit.PAYMENT_REDUCTION_PERCENT, Limit.SETTLEMENT_DISCOUNT_PERCENT)
            else int(value)
        )
        for name, value in asks.items()
    }
    return [limit.value for limit in authority.exceeded(parsed)]


def _summary(arrangement: arrangements.ArrangementView | None, credit: credits.CreditView | None) -> str:
    if arrangement is not None:
        months = arrangement.months
        text = f"{arrangement.kind.replace('_', ' ')}, {months} month{'s' if months != 1 else ''}"
        if arrangement.balance is not None and arrangement.agreed is not None:
            text += (
                f": {arrangement.agreed} {arrangement.agreed.currency} for a balance of"
                f" {arrangement.balance} ({arrangement.discount_percent}% discount)"
            )
        elif arrangement.payments:
            text += f" of {arrangement.payments[0].amount} {arrangement.payments[0].amount.currency}"
        return f"{text} — {arrangement.note}" if arrangement.note else text
    assert credit is not None
    reason = credits.CREDIT_REASONS[credit.reason].lower()
    text = f"{credit.kind.replace('_', ' ')} of {credit.amount} {credit.amount.currency} ({reason})"
    return f"{text} — {credit.note}" if credit.note else text
