"""Credits and fee waivers, with a reason, under the approval matrix's credit limit.

Within the requester's authority the credit posts to the ledger at once (ledger.credit_grant:
Dr credits / Cr what it reduces); beyond it, it becomes an approval request and posts only when
someone else with enough authority approves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from recoup.access.authority import authority_of
from recoup.access.limits import Limit
from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.collections.approval_requests import approval_request_make
from recoup.collections.errors import CreditNotAllowed
from recoup.collections.models import ApprovalRequest, Credit, CreditKind, CreditStatus
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

MAY_CREDIT = (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)
# Why a credit is given; each becomes the ledger entry's reason code "credit_<reason>".
CREDIT_REASONS = {
    "goodwill": "Goodwill",
    "complaint": "Complaint redress",
    "our_error": "Our error",
    "hardship": "Financial hardship",
    "vulnerability": "Customer vulnerability",
    "bereavement": "Bereavement",
}


@dataclass(frozen=True)
class CreditView:
    id: int
    account_number: str
    kind: str
    reason: str
    amount: Money
    status: str
    requested_by: str
    requested_at: datetime
    approval_id: int | None
    exceeded: tuple[str, ...]
    note: str


def credit_request(
    *,
    account_number: str,
    kind: str,
    amount: str,
    reason: str,
    requested_by: User,
    as_of: date,
    at: datetime,
    note: str = "",
) -> CreditView:
    """Give a credit or waive fees: posted now within the requester's credit limit, else sent for approval.

    Raises AccountNotFound, CreditNotAllowed (field "kind", "reason" or "role"), InvalidAmount and
    CreditTooLarge (field "amount"); nothing is written when it raises.
    """
    if requested_by.role not in MAY_CREDIT:
        raise CreditNotAllowed("agents, team leaders and the head of credit give credits", field="role")
    if kind not in CreditKind.values:
        raise CreditNotAllowed(f"kind: {kind!r} is not one of {', '.join(CreditKind.values)}", field="kind")
    if reason not in CREDIT_REASONS:
        raise CreditNotAllowed(
            f"reason: {reason!r} is not one of {', '.join(CREDIT_REASONS)}", field="reason"
        )
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    money = Money.parse(amount, contract.currency, field="amount")
    if not money.is_positive():
        raise CreditNotAllowed(f"amount: {amount!r} must be more than nothing", field="amount")
    room = ledger.credit_room_minor(book=ledger.book_get(contract_id=contract.pk), kind=kind)
    if money.minor > room:
        what = "the fees due" if kind == CreditKind.FEE_WAIVER else "the balance"
        raise CreditNotAllowed(
            f"amount: {money} is more than {what} ({Money(room, money.currency)})", field="amount"
        )
    authority = authority_of(user=requested_by, currency=contract.currency)
    with transaction.atomic():
        credit = Credit.objects.create(
            contract=contract,
            kind=kind,
            reason=reason,
            amount_minor=money.minor,
            currency=money.currency,
            status=CreditStatus.PENDING_APPROVAL,
            requested_by=requested_by,
            requested_at=at,
            effective_date=as_of,
            note=note,
        )
        audit_record(
            actor=requested_by,
            action="credit.request",
            object_type="credit",
            object_id=credit.pk,
            at=at,
            after=_plain(credit),
        )
        if authority.allows(Limit.CREDIT, money.minor):
            credit_post(credit, by=requested_by, at=at)
        else:
            approval_request_make(
                contract=contract,
                subject=credit,
                currency=money.currency,
                asks={Limit.CREDIT.value: str(money.minor)},
                exceeded=[Limit.CREDIT.value],
                requested_by=requested_by,
                at=at,
            )
    return credit_view(credit.pk)


def credit_post(credit: Credit, *, by: User, at: datetime) -> None:
    """Post an agreed credit to the ledger (inside the caller's transaction) and audit it."""
    key = f"credit:{credit.pk}"
    ledger.credit_grant(
        book=ledger.book_get(contract_id=credit.contract_id),
        kind=credit.kind,
        amount=Money(credit.amount_minor, credit.currency),
        reason_code=f"credit_{credit.reason}",
        effective_date=credit.effective_date,
        at=at,
        idempotency_key=key,
        created_by=by,
        memo=credit.note[:200],
    )
    before = _plain(credit)
    credit.status = CreditStatus.POSTED
    credit.entry_key = key
    credit.save(update_fields=["status", "entry_key"])
    audit_record(
        actor=by,
        action="credit.post",
        object_type="credit",
        object_id=credit.pk,
        at=at,
        before=before,
        after=_plain(credit),
    )


def credit_reject(credit: Credit, *, by: User, at: datetime) -> None:
    before = _plain(credit)
    credit.status = CreditStatus.REJECTED
    credit.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="credit.reject",
        object_type="credit",
        object_id=credit.pk,
        at=at,
        before=before,
        after=_plain(credit),
    )


def credit_view(credit_id: int) -> CreditView:
    row = Credit.objects.select_related("requested_by").get(pk=credit_id)
    number = Contract.objects.values_list("account_number", flat=True).get(pk=row.contract_id)
    return _view(row, number, ApprovalRequest.objects.filter(credit=row).first())


def credits_of(account_number: str) -> list[CreditView]:
    """The account's credits and waivers, newest first."""
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    rows = list(
        Credit.objects.filter(contract=contract)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )
    approvals = {a.credit_id: a for a in ApprovalRequest.objects.filter(credit__in=rows)}
    return [_view(r, contract.account_number, approvals.get(r.pk)) for r in rows]


def _view(row: Credit, account_number: str, approval: ApprovalRequest | None) -> CreditView:
    return CreditView(
        id=row.pk,
        account_number=account_number,
        kind=row.kind,
        reason=row.reason,
        amount=Money(row.amount_minor, row.currency),
        status=row.status,
        requested_by=row.requested_by.username,
        requested_at=row.requested_at,
        approval_id=approval.pk if approval else None,
        exceeded=tuple(approval.exceeded) if approval else (),
        note=row.note,
    )


def _plain(row: Credit) -> dict[str, object]:
    return {
        "kind": row.kind,
        "reason": row.reason,
        "amount_minor": row.amount_minor,
        "currency": row.currency,
        "status": row.status,
        "entry_key": row.entry_key,
    }
