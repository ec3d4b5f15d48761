"""Reads of bank statements: the unapplied-cash queue, one line with its history, and the daily
cash reconciliation. Plain dataclasses, the same shapes for the web pages and the command line."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from recoup.kernel.money import Money
from recoup.ledger.models import Receipt, ReceiptStatus
from recoup.payments.statements.errors import LineNotFound
from recoup.payments.statements.models import (
    QUEUE_STATUSES,
    AgentAction,
    LineAction,
    LineStatus,
    Statement,
    StatementLine,
)
from recoup.portfolio.models import Contract

QUEUE_PAGE = 50


@dataclass(frozen=True)
class CandidateView:
    contract_id: int
    account_number: str
    confidence: int
    reason: str


@dataclass(frozen=True)
class ActionView:
    action: str
    account_number: str
    amount: Money
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class LineView:
    line_id: int
    bank_account: str
    statement_id: str
    position: int
    booking_date: date
    direction: str
    amount: Money
    payer_name: str
    remittance: str
    bank_reference: str
    customer_reference: str
    return_code: str
    status: str
    status_label: str
    confidence: int | None
    match_reason: str
    candidates: tuple[CandidateView, ...]
    actions: tuple[ActionView, ...] = ()


@dataclass(frozen=True)
class Queue:
    lines: tuple[LineView, ...]
    total: int  # lines waiting, of which `lines` is one page
    page: int
    pages: int


def unapplied_queue(*, page: int = 1, per_page: int = QUEUE_PAGE) -> Queue:
    """The lines agents still have to work (ambiguous or unmatched), oldest first."""
    waiting = StatementLine.objects.filter(status__in=QUEUE_STATUSES)
    total = waiting.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = waiting.select_related("statement").order_by("booking_date", "id")[
        (page - 1) * per_page : page * per_page
    ]
    return Queue(tuple(_view(line) for line in rows), total, page, pages)


def line_detail(*, line_id: int) -> LineView:
    """One line with what agents did to it. Raises LineNotFound."""
    line = StatementLine.objects.select_related("statement").filter(pk=line_id).first()
    if line is None:
        raise LineNotFound(f"no statement line {line_id}", field="line")
    actions = list(line.actions.select_related("by").order_by("pk"))
    numbers = _account_numbers(a.contract_id for a in actions)
    return _view(
        line,
        tuple(
            ActionView(
                action=a.action,
                account_number=numbers.get(a.contract_id, "") if a.contract_id else "",
                amount=Money(a.amount_minor, line.currency),
                reason=a.reason,
                by=a.by.get_username(),
                at=a.at,
            )
            for a in actions
        ),
    )


def _view(line: StatementLine, actions: tuple[ActionView, ...] = ()) -> LineView:
    return LineView(
        line_id=line.pk,
        bank_account=line.statement.account_id,
        statement_id=line.statement.statement_id,
        position=line.position,
        booking_date=line.booking_date,
        direction=line.direction,
        amount=Money(line.amount_minor, line.currency),
        payer_name=line.payer_name,
        remittance=line.remittance,
        bank_reference=line.bank_reference,
        customer_reference=line.customer_reference,
        return_code=line.return_code,
        status=line.status,
        status_label=LineStatus(line.status).label,
        confidence=line.confidence,
        match_reason=line.match_reason,
        candidates=tuple(
            CandidateView(c["contract_id"], c["account_number"], c["confidence"], c["reason"])
            for c in line.candidates
        ),
        actions=actions,
    )


def _account_numbers(contract_ids: object) -> dict[int, str]:
    ids = {cid for cid in contract_ids if cid is not None}  # type: ignore[attr-defined]
    return dict(Contract.objects.filter(pk__in=ids).values_list("pk", "account_number"))


@dataclass(frozen=True)
class Difference:
    """Something that does not reconcile, or cash not yet accounted for, named by line when it is one."""

    kind: str
    amount: Money
    description: str
    line_id: int | None = None


@dataclass(frozen=True)
class StatementReconciliation:
    bank_account: str
    statement_id: str
    file_name: str
    currency: str
    credits: Money
    debits: Money
    credit_count: int
    debit_count: int
    posted: Money  # receipts in the ledger, still allocated, from this statement's lines
    unapplied: Money  # credits waiting in the queue
    not_customer: Money  # credits set aside as not customer money
    returned: Money  # credits returned since, and debits that returned them
    differences: tuple[Difference, ...] = field(default_factory=tuple)

    @property
    def reconciled(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class CashReconciliation:
    business_date: date
    statements: tuple[StatementReconciliation, ...]

    @property
    def differences(self) -> int:
        return sum(len(s.differences) for s in self.statements)


def cash_reconciliation(*, business_date: date) -> CashReconciliation:
    """Every statement of `business_date`: its credits and debits against the receipts posted from
    them, the cash still unapplied and the money set aside, with every difference listed.

    Credits reconcile when they equal what was posted, unapplied, set aside and returned; each
    posted line's receipts must be in the ledger, allocated, for the line's amount; a statement's
    closing balance must be its opening balance moved by its lines. A line still unapplied is
    listed too: cash received that is nobody's yet.
    """
    statements = list(
        Statement.objects.filter(statement_date=business_date)
        .select_related("file")
        .order_by("account_id", "statement_id")
    )
    lines_by_statement: dict[int, list[StatementLine]] = defaultdict(list)
    for line in StatementLine.objects.filter(statement__in=statements).order_by("statement_id", "position"):
        lines_by_statement[line.statement_id].append(line)
    applied = _applied_parts([line.pk for lines in lines_by_statement.values() for line in lines])
    receipt_ids = {
        line.receipt_id for lines in lines_by_statement.values() for line in lines if line.receipt_id
    }
    receipt_ids |= {rid for parts in applied.values() for rid, _ in parts}
    receipts = {
        pk: (amount, status)
        for pk, amount, status in Receipt.objects.filter(pk__in=receipt_ids).values_list(
            "pk", "amount_minor", "status"
        )
    }
    return CashReconciliation(
        business_date,
        tuple(_statement(s, lines_by_statement[s.pk], applied, receipts) for s in statements),
    )


def _applied_parts(line_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    parts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = LineAction.objects.filter(line_id__in=line_ids, action=AgentAction.APPLIED).values_list(
        "line_id", "receipt_id", "amount_minor"
    )
    for line_id, receipt_id, amount in rows:
        if receipt_id is not None:
            parts[line_id].append((receipt_id, amount))
    return parts


def _statement(
    statement: Statement,
    lines: list[StatementLine],
    applied: dict[int, list[tuple[int, int]]],
    receipts: dict[int, tuple[int, str]],
) -> StatementReconciliation:
    currency = statement.currency

    def money(minor: int) -> Money:
        return Money(minor, currency)

    differences: list[Difference] = []
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[f"{line.direction}_count"] += 1
        if line.direction == "debit":
            totals["debits"] += line.amount_minor
            if line.status == LineStatus.RETURNED:
                totals["returned"] += line.amount_minor
            elif line.status in QUEUE_STATUSES:
                differences.append(
                    Difference(
                        "unapplied", money(line.amount_minor), _words(line, line.match_reason), line.pk
                    )
                )
            continue
        totals["credits"] += line.amount_minor
        if line.status in QUEUE_STATUSES:
            totals["unapplied"] += line.amount_minor
            differences.append(
                Difference(
                    "unapplied", money(line.amount_minor), _words(line, "waiting in the queue"), line.pk
                )
            )
        elif line.status == LineStatus.NOT_CUSTOMER:
            totals["not_customer"] += line.amount_minor
        elif line.status == LineStatus.RETURNED:
            totals["returned"] += line.amount_minor
            totals["returned_credits"] += line.amount_minor
        else:
            parts = [(line.receipt_id, line.amount_minor)] if line.receipt_id else applied.get(line.pk, [])
            for receipt_id, amount in parts:
                held = receipts.get(receipt_id)
                if held is None:
                    differences.append(
                        Difference(
                            "missing_receipt",
                            money(amount),
                            _words(line, f"receipt {receipt_id} is not in the ledger"),
                            line.pk,
                        )
                    )
                elif held[1] != ReceiptStatus.ALLOCATED:
                    differences.append(
                        Difference(
                            "reversed_receipt",
                            money(amount),
                            _words(line, f"receipt {receipt_id} was reversed but the line was not returned"),
                            line.pk,
                        )
                    )
                elif held[0] != amount:
                    differences.append(
                        Difference(
                            "receipt_amount",
                            money(held[0] - amount),
                            _words(
                                line,
                                f"receipt {receipt_id} is for {money(held[0])}, the line for {money(amount)}",
                            ),
                            line.pk,
                        )
                    )
                else:
                    totals["posted"] += amount
            if sum(amount for _, amount in parts) != line.amount_minor:
                differences.append(
                    Difference(
                        "unposted",
                        money(line.amount_minor),
                        _words(line, "matched but not posted in full"),
                        line.pk,
                    )
                )
    accounted = totals["posted"] + totals["unapplied"] + totals["not_customer"]
    gap = totals["credits"] - accounted - totals["returned_credits"]
    if gap and not any(
        d.kind in {"missing_receipt", "reversed_receipt", "receipt_amount", "unposted"} for d in differences
    ):
        differences.append(
            Difference(
                "credits", money(gap), "credits not accounted for by receipts, the queue or money set aside"
            )
        )
    if statement.credit_total_minor != totals["credits"] or statement.debit_total_minor != totals["debits"]:
        differences.append(
            Difference(
                "lines",
                money(statement.credit_total_minor - totals["credits"]),
                "the statement's totals differ from its lines",
            )
        )
    if statement.opening_balance_minor is not None and statement.closing_balance_minor is not None:
        moved = statement.opening_balance_minor + totals["credits"] - totals["debits"]
        if moved != statement.closing_balance_minor:
            differences.append(
                Difference(
                    "balance",
                    money(statement.closing_balance_minor - moved),
                    f"closing balance {money(statement.closing_balance_minor)} is not the opening balance "
                    f"{money(statement.opening_balance_minor)} moved by the lines ({money(moved)})",
                )
            )
    return StatementReconciliation(
        bank_account=statement.account_id,
        statement_id=statement.statement_id,
        file_name=statement.file.name,
        currency=currency,
        credits=money(totals["credits"]),
        debits=money(totals["debits"]),
        credit_count=totals["credit_count"],
        debit_count=totals["debit_count"],
        posted=money(totals["posted"]),
        unapplied=money(totals["unapplied"]),
        not_customer=money(totals["not_customer"]),
        returned=money(totals["returned"]),
        differences=tuple(differences),
    )


def _words(line: StatementLine, what: str) -> str:
    who = f" from {line.payer_name}" if line.payer_name else ""
    return f"line {line.position} ({line.booking_date.isoformat()}{who}): {what}"
