"""Payment arrangements — deferrals, extensions, due-date changes — within the agent's authority.

An agent quotes an arrangement (the calculator: the installments it moves, before and after, and
what it asks of the approval matrix), then requests it. Within the agent's authority it takes
effect at once as a new schedule version (portfolio.schedule_modify); beyond it, it becomes an
approval request that someone else with enough authority approves (maker–checker), and only then
changes the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from recoup.access.authority import authority_of
from recoup.access.limits import Authority, Limit, reduction_percent
from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.collections.approval_requests import approval_request_make
from recoup.collections.errors import ArrangementNotAllowed
from recoup.collections.models import (
    ApprovalRequest,
    Arrangement,
    ArrangementKind,
    ArrangementStatus,
)
from recoup.kernel.money import Money
from recoup.ledger.queries import last_installments_due
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import schedule_modification_preview, schedule_modify
from recoup.portfolio.schedules import Schedule

MAY_ARRANGE = (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)


@dataclass(frozen=True)
class ArrangementTerms:
    """What the agent agreed: `periods` to defer by or installments to add; a due-date change's new date.
    `from_installment` defaults to the next installment not yet due."""

    kind: str
    periods: int | None = None
    new_due_date: date | None = None
    from_installment: int | None = None


@dataclass(frozen=True)
class InstallmentChange:
    number: int
    due_date_before: date | None
    payment_before: Money | None
    due_date_after: date | None
    payment_after: Money | None


@dataclass(frozen=True)
class ArrangementQuote:
    account_number: str
    kind: str
    from_installment: int
    months: int
    reduction_percent: Decimal
    end_date: date
    changes: tuple[InstallmentChange, ...]
    exceeded: tuple[str, ...]  # the limits of the asker's authority it goes beyond

    @property
    def within_authority(self) -> bool:
        return not self.exceeded


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


def arrangement_quote(
    *, account_number: str, terms: ArrangementTerms, asked_by: User, as_of: date
) -> ArrangementQuote:
    """What the arrangement would do to the schedule, and whether it is within `asked_by`'s authority.
    Nothing is written. Raises AccountNotFound, ArrangementNotAllowed (field names the term)."""
    contract = _contract(account_number)
    quote, _ = _quote(contract, terms, asked_by, as_of)
    return quote


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

    Raises AccountNotFound, ArrangementNotAllowed (field names the term at fault).
    """
    if requested_by.role not in MAY_ARRANGE:
        raise ArrangementNotAllowed(
            "agents, team leaders and the head of credit make arrangements", field="role"
        )
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=_contract(account_number).pk)
        quote, authority = _quote(contract, terms, requested_by, as_of)
        if Arrangement.objects.filter(contract=contract, status=ArrangementStatus.PENDING_APPROVAL).exists():
            raise ArrangementNotAllowed(
                "kind: an arrangement on this account is already awaiting approval", field="kind"
            )
        arrangement = Arrangement.objects.create(
            contract=contract,
            kind=quote.kind,
            terms=_terms_plain(terms, quote.from_installment),
            status=ArrangementStatus.PENDING_APPROVAL,
            months=quote.months,
            reduction_percent=quote.reduction_percent,
            requested_by=requested_by,
            requested_at=at,
            effective_date=as_of,
            end_date=quote.end_date,
            note=note,
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
                currency=authority.currency,
                asks=_asks_plain(quote),
                exceeded=quote.exceeded,
                requested_by=requested_by,
                at=at,
            )
    return arrangement_view(arrangement.pk)


def arrangement_view(arrangement_id: int) -> ArrangementView:
    row = Arrangement.objects.select_related("requested_by").get(pk=arrangement_id)
    approval = ApprovalRequest.objects.filter(arrangement=row).first()
    account_number = Contract.objects.values_list("account_number", flat=True).get(pk=row.contract_id)
    return _view(row, account_number, approval)


def arrangements_of(account_number: str) -> list[ArrangementView]:
    """The account's arrangements, newest first."""
    contract = _contract(account_number)
    rows = list(
        Arrangement.objects.filter(contract=contract)
        .select_related("requested_by")
        .order_by("-requested_at", "-pk")
    )
    approvals = {a.arrangement_id: a for a in ApprovalRequest.objects.filter(arrangement__in=rows)}
    return [_view(r, contract.account_number, approvals.get(r.pk)) for r in rows]


def _view(row: Arrangement, account_number: str, approval: ApprovalRequest | None) -> ArrangementView:
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
    )


def _contract(account_number: str) -> Contract:
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    return contract


def _quote(
    contract: Contract, terms: ArrangementTerms, asked_by: User, as_of: date
) -> tuple[ArrangementQuote, Authority]:
    if terms.kind not in ArrangementKind.values:
        raise ArrangementNotAllowed(
            f"kind: {terms.kind!r} is not one of {', '.join(ArrangementKind.values)}", field="kind"
        )
    if contract.status != "active":
        raise ArrangementNotAllowed(
            f"account_number: the account is {contract.status}, not active", field="account_number"
        )
    from_installment = terms.from_installment or last_installments_due([contract.pk]).get(contract.pk, 0) + 1
    before, after = schedule_modification_preview(
        contract=contract,
        kind=terms.kind,
        from_installment=from_installment,
        effective_date=as_of,
        new_first_due_date=terms.new_due_date,
        periods=terms.periods,
    )
    changes = _changes(before, after, from_installment, contract.currency)
    first_before = before.installments[from_installment - 1]
    first_after = after.installments[from_installment - 1]
    if terms.kind == ArrangementKind.EXTENSION:
        months = _months(before.last_due_date, after.last_due_date)
    else:
        months = _months(first_before.due_date, first_after.due_date)
    reduction = reduction_percent(
        scheduled_minor=first_before.payment_minor, proposed_minor=first_after.payment_minor
    )
    authority = authority_of(user=asked_by, currency=contract.currency)
    quote = ArrangementQuote(
        account_number=contract.account_number,
        kind=terms.kind,
        from_installment=from_installment,
        months=months,
        reduction_percent=reduction,
        end_date=max(c.due_date_after for c in changes if c.due_date_after is not None),
        changes=changes,
        exceeded=tuple(
            limit.value
            for limit in authority.exceeded(
                {Limit.ARRANGEMENT_MONTHS: months, Limit.PAYMENT_REDUCTION_PERCENT: reduction}
            )
        ),
    )
    return quote, authority


def _changes(
    before: Schedule, after: Schedule, from_installment: int, currency: str
) -> tuple[InstallmentChange, ...]:
    old = {i.number: i for i in before.installments if i.number >= from_installment}
    new = {i.number: i for i in after.installments if i.number >= from_installment}
    return tuple(
        InstallmentChange(
            number=n,
            due_date_before=old[n].due_date if n in old else None,
            payment_before=Money(old[n].payment_minor, currency) if n in old else None,
            due_date_after=new[n].due_date if n in new else None,
            payment_after=Money(new[n].payment_minor, currency) if n in new else None,
        )
        for n in sorted(old.keys() | new.keys())
    )


def _months(start: date, end: date) -> int:
    """Calendar months from `start` to `end`, a part month counting as one; none when `end` is not
    later. 1 March to 1 May is two; 31 January to 29 February is one (the date clipped to the month)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + 1 if end.day > start.day else months


def arrangement_apply(
    arrangement: Arrangement, contract: Contract, *, by: User, as_of: date, at: datetime
) -> None:
    """Make the schedule change an arrangement agreed (the caller holds the contract's lock)."""
    terms = arrangement.terms
    version = schedule_modify(
        contract=contract,
        kind=arrangement.kind,
        from_installment=int(terms["from_installment"]),
        effective_date=as_of,
        at=at,
        created_by=by,
        new_first_due_date=date.fromisoformat(terms["new_due_date"]) if terms.get("new_due_date") else None,
        periods=terms.get("periods"),
        note=f"arrangement {arrangement.pk}",
    )
    before = _arrangement_plain(arrangement)
    arrangement.status = ArrangementStatus.ACTIVE
    arrangement.schedule_version = version.version
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


def _asks_plain(quote: ArrangementQuote) -> dict[str, str]:
    return {
        Limit.ARRANGEMENT_MONTHS.value: str(quote.months),
        Limit.PAYMENT_REDUCTION_PERCENT.value: str(quote.reduction_percent),
    }


def _terms_plain(terms: ArrangementTerms, from_installment: int) -> dict[str, object]:
    return {
        "from_installment": from_installment,
        "periods": terms.periods,
        "new_due_date": terms.new_due_date.isoformat() if terms.new_due_date else None,
    }


def _arrangement_plain(row: Arrangement) -> dict[str, object]:
    return {
        "kind": row.kind,
        "status": row.status,
        "terms": row.terms,
        "months": row.months,
        "reduction_percent": str(row.reduction_percent),
        "schedule_version": row.schedule_version,
    }
