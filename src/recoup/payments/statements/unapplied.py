"""The unapplied-cash queue's writes: an agent applies a line to an account, splits it among several,
or sets it aside as not customer money. Each takes the line's row lock, so two agents working the
same line apply it once; each is recorded as line actions and in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.payments.statements.errors import InvalidLineAction, LineNotFound, LineNotInQueue
from recoup.payments.statements.models import (
    QUEUE_STATUSES,
    AgentAction,
    LineAction,
    LineStatus,
    StatementLine,
)
from recoup.payments.statements.parsed import Direction
from recoup.portfolio.models import Contract

MAX_REASON = 400


@dataclass(frozen=True)
class Part:
    """One part of a line as the agent gives it: an account number and the amount in words ("125.00")."""

    account_number: str
    amount: str


@dataclass(frozen=True)
class LineWorked:
    line_id: int
    status: str
    receipt_ids: tuple[int, ...]


def line_apply(*, line_id: int, account_number: str, by: User, at: datetime) -> LineWorked:
    """Apply the whole line to one account through its waterfall.

    Raises LineNotFound, LineNotInQueue, InvalidLineAction (field "account_number"), the ledger's errors.
    """
    with transaction.atomic():
        line = _queued(line_id)
        amount = Money(line.amount_minor, line.currency)
        return _apply(line, [(account_number, amount)], fields=["account_number"], by=by, at=at)


def line_split(*, line_id: int, parts: Sequence[Part], by: User, at: datetime) -> LineWorked:
    """Apply the line in parts to several accounts; the parts must add up to the line.

    Raises LineNotFound, LineNotInQueue, InvalidLineAction (field "parts[i].account_number",
    "parts[i].amount" or "parts"), the ledger's errors.
    """
    with transaction.atomic():
        line = _queued(line_id)
        if len(parts) < 2:
            raise InvalidLineAction("parts: a split has at least two parts", field="parts")
        money = []
        for index, part in enumerate(parts):
            where = f"parts[{index}].amount"
            try:
                amount = Money.parse(part.amount.strip(), line.currency, field=where)
            except DomainError as error:
                raise InvalidLineAction(f"{where}: {error.message}", field=where) from None
            if not amount.is_positive():
                raise InvalidLineAction(f"{where}: must be more than zero", field=where)
            money.append((part.account_number, amount))
        total = sum(amount.minor for _, amount in money)
        if total != line.amount_minor:
            raise InvalidLineAction(
                f"parts: they add up to {Money(total, line.currency)}, the line is "
                f"{Money(line.amount_minor, line.currency)}",
                field="parts",
            )
        fields = [f"parts[{index}].account_number" for index in range(len(parts))]
        return _apply(line, money, fields=fields, by=by, at=at)


def line_set_aside(*, line_id: int, reason: str, by: User, at: datetime) -> LineWorked:
    """Mark the line as not customer money (a transfer between the lender's accounts, a bank's error).

    Raises LineNotFound, LineNotInQueue, InvalidLineAction (field "reason").
    """
    reason = reason.strip()
    if not reason:
        raise InvalidLineAction("reason: say why this is not customer money", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidLineAction(f"reason: at most {MAX_REASON} characters", field="reason")
    with transaction.atomic():
        line = _queued(line_id)
        before = line.status
        line.status = LineStatus.NOT_CUSTOMER
        line.save(update_fields=["status"])
        LineAction.objects.create(
            line=line,
            action=AgentAction.NOT_CUSTOMER,
            amount_minor=line.amount_minor,
            reason=reason,
            by=by,
            at=at,
        )
        audit_record(
            actor=by,
            action="statement_line.set_aside",
            object_type="payments_statements.statementline",
            object_id=line.pk,
            at=at,
            before={"status": before},
            after={"status": line.status, "reason": reason},
        )
        return LineWorked(line.pk, line.status, ())


def _queued(line_id: int) -> StatementLine:
    line = StatementLine.objects.select_for_update().filter(pk=line_id).first()
    if line is None:
        raise LineNotFound(f"no statement line {line_id}", field="line")
    if line.status not in QUEUE_STATUSES:
        raise LineNotInQueue(
            f"line {line_id} is no longer unapplied: {LineStatus(line.status).label.lower()}", field="line"
        )
    return line


def _apply(
    line: StatementLine, parts: list[tuple[str, Money]], *, fields: list[str], by: User, at: datetime
) -> LineWorked:
    if line.direction != Direction.CREDIT:
        raise InvalidLineAction(
            "line: a debit takes money out; it cannot be applied to an account (set it aside with a reason)",
            field="line",
        )
    contracts = []
    for (number, _amount), field in zip(parts, fields, strict=True):
        contract = Contract.objects.filter(account_number=number.strip()).first()
        if contract is None:
            raise InvalidLineAction(f"{field}: no account {number.strip()!r}", field=field)
        if contract.currency != line.currency:
            raise InvalidLineAction(
                f"{field}: account {contract.account_number} is kept in {contract.currency}, "
                f"the payment is in {line.currency}",
                field=field,
            )
        contracts.append(contract)
    before = line.status
    receipts = []
    for index, (contract, (_number, amount)) in enumerate(zip(contracts, parts, strict=True)):
        receipt = ledger.receipt_allocate(
            book=ledger.book_get(contract_id=contract.pk),
            amount=amount,
            received_date=line.booking_date,
            at=at,
            reference=(line.bank_reference or line.customer_reference or f"statement line {line.pk}")[:140],
            idempotency_key=f"statement-line:{line.pk}:part:{index + 1}",
            created_by=by,
        )
        LineAction.objects.create(
            line=line,
            action=AgentAction.APPLIED,
            contract_id=contract.pk,
            amount_minor=amount.minor,
            receipt_id=receipt.pk,
            by=by,
            at=at,
        )
        receipts.append(receipt.pk)
    line.status = LineStatus.APPLIED_BY_AGENT
    line.contract_id = contracts[0].pk if len(contracts) == 1 else None
    line.save(update_fields=["status", "contract_id"])
    audit_record(
        actor=by,
        action="statement_line.applied" if len(parts) == 1 else "statement_line.split",
        object_type="payments_statements.statementline",
        object_id=line.pk,
        at=at,
        before={"status": before},
        after={
            "status": line.status,
            "parts": [
                {"account_number": c.account_number, "amount": str(amount), "receipt_id": receipt_id}
                for c, (_n, amount), receipt_id in zip(contracts, parts, receipts, strict=True)
            ],
        },
    )
    return LineWorked(line.pk, line.status, tuple(receipts))
