"""Money for an account: payments through the waterfall and manual ledger entries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from recoup.access.models import User
from recoup.kernel.money import Money, currency_check
from recoup.ledger import operations as ledger
from recoup.ledger import queries as ledger_queries
from recoup.ledger.errors import InvalidInstallment
from recoup.ledger.models import AccountCode
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import (
    Contract,
)
from recoup.portfolio.operations.values import _money, _refuse


def payment_apply(
    *,
    account_number: str,
    amount: str | Decimal,
    received_date: date,
    reference: str,
    idempotency_key: str,
    at: datetime,
    currency: str | None = None,
    created_by: User | None = None,
) -> PaymentTaken:
    """Take money received for an account through the product's allocation waterfall.

    The same idempotency key with the same request returns the first receipt; with a different
    request it raises. Raises InvalidApplication naming the field for bad input.
    """
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    if currency is not None:
        currency_check(currency, field="currency")
        if currency != contract.currency:
            raise _refuse("currency", f"account {account_number} is in {contract.currency}, not {currency}")
    money = _money(amount, contract.currency, "amount")
    if not money.is_positive():
        raise _refuse("amount", "must be more than zero")
    if not idempotency_key.strip():
        raise _refuse("idempotency_key", "is required")
    receipt = ledger.receipt_allocate(
        book=ledger.book_get(contract_id=contract.pk),
        amount=money,
        received_date=received_date,
        at=at,
        reference=reference,
        idempotency_key=idempotency_key,
        created_by=created_by,
    )
    return PaymentTaken(
        receipt_id=receipt.pk,
        account_number=contract.account_number,
        amount=Money(receipt.amount_minor, receipt.currency),
        received_date=receipt.received_date,
        status=receipt.status,
        balance=ledger_queries.receivable_total(contract.pk),
    )


# The accounts holding what is due of an installment's principal and interest.
OWED_CODES = (AccountCode.PRINCIPAL_DUE.value, AccountCode.INTEREST_DUE.value)


@dataclass(frozen=True)
class PaymentTaken:
    receipt_id: int
    account_number: str
    amount: Money
    received_date: date
    status: str
    balance: Money


@dataclass(frozen=True)
class AdjustmentLine:
    """One line of a manual entry as a person gives it: a ledger account code and a signed amount."""

    code: str
    amount: str | Decimal
    currency: str
    installment: int | None = None


@dataclass(frozen=True)
class Adjusted:
    entry_id: int
    account_number: str
    reason_code: str
    effective_date: date
    balance: Money


def journal_adjust(
    *,
    account_number: str,
    reason_code: str,
    lines: Sequence[AdjustmentLine],
    effective_date: date,
    idempotency_key: str,
    at: datetime,
    memo: str = "",
    created_by: User | None = None,
) -> Adjusted:
    """Post a balanced manual entry to an account's ledger (debits positive, credits negative).

    A line on what is due of an installment (principal_due, interest_due) names one that has fallen
    due: no act posts to an installment's dues before then, which the close of business relies on
    when it works an account's arrears out from the installment alone (arrears.batch.steps).

    Raises a DomainError naming the field ("lines[1].currency", "lines[0].amount", "lines", …)
    and writes nothing when it does.
    """
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    ledger_lines = []
    last_due: int | None = None
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        if line.code.strip() in OWED_CODES and line.installment is not None:
            if last_due is None:
                last_due = ledger_queries.last_installments_due([contract.pk]).get(contract.pk, 0)
            if line.installment > last_due:
                raise InvalidInstallment(
                    f"{where}.installment: installment {line.installment} has not fallen due "
                    f"(the last due is {last_due})",
                    field=f"{where}.installment",
                )
        currency = currency_check(line.currency.strip().upper(), field=f"{where}.currency")
        ledger_lines.append(
            ledger.Line(
                code=line.code.strip(),
                amount=Money.parse(str(line.amount), currency, field=f"{where}.amount"),
                installment=line.installment,
            )
        )
    entry = ledger.entry_post(
        book=ledger.book_get(contract_id=contract.pk),
        idempotency_key=f"adjustment:{idempotency_key}",
        reason_code=reason_code,
        effective_date=effective_date,
        at=at,
        lines=ledger_lines,
        memo=memo,
        created_by=created_by,
    )
    return Adjusted(
        entry_id=entry.pk,
        account_number=contract.account_number,
        reason_code=entry.reason_code,
        effective_date=entry.effective_date,
        balance=ledger_queries.receivable_total(contract.pk),
    )
