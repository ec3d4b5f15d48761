"""Making arrangements: the calculator's quote, the request, applying and rejecting, reading back.

An agent quotes an arrangement (what it would do, and what it asks of the approval matrix), then
requests it. Within the agent's authority it takes effect at once; beyond it, it becomes an
approval request that someone else with enough authority approves (maker–checker). A deferral,
extension or due-date change takes effect as a new schedule version; a reduced-payment plan or a
settlement as its dated payments becoming active, decided after each close of business
(`evaluation.arrangements_evaluate`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from recoup.access.authority import authority_of
from recoup.access.limits import reduction_percent
from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.collections.approval_requests import approval_request_make
from recoup.collections.arrangements.plans import plan_quote, plan_terms_plain, settlement_quote
from recoup.collections.arrangements.schedule_changes import (
    schedule_change_apply,
    schedule_change_quote,
    schedule_change_terms_plain,
)
from recoup.collections.arrangements.shapes import (
    MAY_ARRANGE,
    PLAN_KINDS,
    SCHEDULE_KINDS,
    ArrangementPaymentView,
    ArrangementQuote,
    ArrangementTerms,
    ArrangementView,
)
from recoup.collections.errors import ArrangementNotAllowed
from recoup.collections.models import (
    ApprovalRequest,
    Arrangement,
    ArrangementKind,
    ArrangementPayment,
    ArrangementStatus,
)
from recoup.kernel.money import Money
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract


def arrangement_quote(
    *, account_number: str, terms: ArrangementTerms, asked_by: User, as_of: date
) -> ArrangementQuote:
    """What the arrangement would do, and whether it is within `asked_by`'s authority. Nothing is
    written. Raises AccountNotFound, ArrangementNotAllowed and ModificationNotAllowed (field names
    the term at fault)."""
    return _quote(_contract(account_number), terms, asked_by, as_of)


def arrangement_request(
    *,
    account_number: str,
    terms: ArrangementTerms,
    requested_by: User,
    as_of: date,
    at: datetime,
    note: str = "",
) -> ArrangementView:
    """Make the arrangement: at once within the requester's authority, else as an approval request.

    One arrangement awaits approval on an account at a time, and one plan or settlement is active.
    Raises AccountNotFound, ArrangementNotAllowed and ModificationNotAllowed (field names the term
    at fault); nothing is written when it raises.
    """
    if requested_by.role not in MAY_ARRANGE:
        raise ArrangementNotAllowed(
            "agents, team leaders and the head of credit make arrangements", field="role"
        )
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=_contract(account_number).pk)
        quote = _quote(contract, terms, requested_by, as_of)
        mine = Arrangement.objects.filter(contract=contract)
        if mine.filter(status=ArrangementStatus.PENDING_APPROVAL).exists():
            raise ArrangementNotAllowed(
                "kind: an arrangement on this account is already awaiting approval", field="kind"
            )
        if (
            quote.kind in PLAN_KINDS
            and mine.filter(status=ArrangementStatus.ACTIVE, kind__in=PLAN_KINDS).exists()
        ):
            raise ArrangementNotAllowed(
                "kind: a reduced-payment plan or settlement on this account is still active", field="kind"
            )
        arrangement = Arrangement.objects.create(
            contract=contract,
            kind=quote.kind,
            terms=_terms_plain(terms, quote),
            status=ArrangementStatus.PENDING_APPROVAL,
            months=quote.months,
            reduction_percent=quote.reduction_percent,
            requested_by=requested_by,
            requested_at=at,
            effective_date=as_of,
            end_date=quote.end_date,
            note=note,
            currency=contract.currency if quote.payments else "",
            balance_minor=quote.balance.minor if quote.balance else None,
            agreed_minor=quote.agreed.minor if quote.agreed else None,
        )
        ArrangementPayment.objects.bulk_create(
            ArrangementPayment(arrangement=arrangement, due_date=p.due_date, amount_minor=p.amount.minor)
            for p in quote.payments
        )
        audit_record(
            actor=requested_by,
            action="arrangement.request",
            object_type="arrangement",
            object_id=arrangement.pk,
            at=at,
            after={**_arrangement_plain(arrangement), "exceeded": list(quote.exceeded)},
        )
        if quote.within_authority:
            arrangement_apply(arrangement, contract, by=requested_by, as_of=as_of, at=at)
        else:
            approval_request_make(
                contract=contract,
                subject=arrangement,
                currency=contract.currency,
                asks=quote.asks,
                exceeded=quote.exceeded,
                requested_by=requested_by,
                at=at,
            )
    return arrangement_view(arrangement.pk)


def arrangement_apply(
    arrangement: Arrangement, contract: Contract, *, by: User, as_of: date, at: datetime
) -> None:
    """Make the arrangement take effect (the caller holds the contract's lock): a schedule change
    makes its schedule version; a plan or settlement becomes active, its payments to be decided
    after each close of business."""
    before = _arrangement_plain(arrangement)
    if arrangement.kind in SCHEDULE_KINDS:
        arrangement.schedule_version = schedule_change_apply(arrangement, contract, by=by, as_of=as_of, at=at)
    arrangement.status = ArrangementStatus.ACTIVE
    arrangement.save(update_fields=["status", "schedule_version"])
    audit_record(
        actor=by,
        action="arrangement.apply",
        object_type="arrangement",
        object_id=arrangement.pk,
        at=at,
        before=before,
        after=_arrangement_plain(arrangement),
    )


def arrangement_reject(arrangement: Arrangement, *, by: User, at: datetime) -> None:
    before = _arrangement_plain(arrangement)
    arrangement.status = ArrangementStatus.REJECTED
    arrangement.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="arrangement.reject",
        object_type="arrangement",
        object_id=arrangement.pk,
        at=at,
        before=before,
        after=_arrangement_plain(arrangement),
    )


def arrangement_view(arrangement_id: int) -> ArrangementView:
    row = Arrangement.objects.select_related("requested_by").get(pk=arrangement_id)
    approval = ApprovalRequest.objects.filter(arrangement=row).first()
    account_number = Contract.objects.values_list("account_number", flat=True).get(pk=row.contract_id)
    payments = list(ArrangementPayment.objects.filter(arrangement=row))
    return _view(row, account_number, approval, payments)


def arrangements_of(account_number: str) -> list[ArrangementView]:
    """The account's arrangements, newest first, a plan's or settlement's with its payments."""
    contract = _contract(account_number)
    rows = list(
        Arrangement.objects.filter(contract=contract)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )
    approvals = {a.arrangement_id: a for a in ApprovalRequest.objects.filter(arrangement__in=rows)}
    payments: dict[int, list[ArrangementPayment]] = {}
    for payment in ArrangementPayment.objects.filter(arrangement__in=rows).order_by("due_date"):
        payments.setdefault(payment.arrangement_id, []).append(payment)
    return [_view(r, contract.account_number, approvals.get(r.pk), payments.get(r.pk, [])) for r in rows]


def _view(
    row: Arrangement,
    account_number: str,
    approval: ApprovalRequest | None,
    payments: list[ArrangementPayment],
) -> ArrangementView:
    currency = row.currency
    settlement = row.kind == ArrangementKind.SETTLEMENT
    return ArrangementView(
        id=row.pk,
        account_number=account_number,
        kind=row.kind,
        status=row.status,
        months=row.months,
        reduction_percent=Decimal(row.reduction_percent),
        effective_date=row.effective_date,
        end_date=row.end_date,
        requested_by=row.requested_by.username,
        requested_at=row.requested_at,
        schedule_version=row.schedule_version,
        approval_id=approval.pk if approval else None,
        exceeded=tuple(approval.exceeded) if approval else (),
        note=row.note,
        payments=tuple(
            ArrangementPaymentView(
                due_date=p.due_date,
                amount=Money(p.amount_minor, currency),
                paid=Money(p.paid_minor, currency),
                status=p.status,
            )
            for p in payments
        ),
        balance=Money(row.balance_minor, currency) if row.balance_minor is not None else None,
        agreed=Money(row.agreed_minor, currency) if row.agreed_minor is not None else None,
        discount_percent=(
            reduction_percent(scheduled_minor=row.balance_minor, proposed_minor=row.agreed_minor)
            if settlement and row.balance_minor and row.agreed_minor is not None
            else None
        ),
        decided_date=row.decided_date,
    )


def _contract(account_number: str) -> Contract:
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    return contract


def _quote(contract: Contract, terms: ArrangementTerms, asked_by: User, as_of: date) -> ArrangementQuote:
    if terms.kind not in ArrangementKind.values:
        raise ArrangementNotAllowed(
            f"kind: {terms.kind!r} is not one of {', '.join(ArrangementKind.values)}", field="kind"
        )
    if contract.status != "active":
        raise ArrangementNotAllowed(
            f"account_number: the account is {contract.status}, not active", field="account_number"
        )
    authority = authority_of(user=asked_by, currency=contract.currency)
    if terms.kind == ArrangementKind.REDUCED_PAYMENT:
        return plan_quote(contract, terms, authority, as_of)
    if terms.kind == ArrangementKind.SETTLEMENT:
        return settlement_quote(contract, terms, authority, as_of)
    return schedule_change_quote(contract, terms, authority, as_of)


def _terms_plain(terms: ArrangementTerms, quote: ArrangementQuote) -> dict[str, object]:
    if quote.kind in PLAN_KINDS:
        return plan_terms_plain(terms, quote)
    assert quote.from_installment is not None
    return schedule_change_terms_plain(terms, quote.from_installment)


def _arrangement_plain(row: Arrangement) -> dict[str, object]:
    return {
        "kind": row.kind,
        "status": row.status,
        "terms": row.terms,
        "months": row.months,
        "reduction_percent": str(row.reduction_percent),
        "schedule_version": row.schedule_version,
        "balance_minor": row.balance_minor,
        "agreed_minor": row.agreed_minor,
    }
