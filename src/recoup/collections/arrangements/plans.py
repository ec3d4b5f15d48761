"""Reduced-payment plans and settlements for less than the balance: dated amounts the customer agrees
to pay while the schedule stays as it is.

A reduced-payment plan is `amount` a month for `periods` months from `first_date`, instead of the
scheduled payment; the contract's schedule is not changed, so arrears keep counting. It asks the
approval matrix for its months and for the payment reduction (the scheduled payment of the next
installment not yet due against the plan's amount, rounded up to two places).

A settlement is one or several dated amounts adding up to less than what the customer owes now
(the ledger's receivable). It asks for its months and its discount, (balance − agreed) / balance in
percent, rounded up to two places. Once every amount is paid the rest of the balance is credited
through the ledger (`settlement_credit`); a missed amount breaks it and nothing is credited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from recoup.access.limits import Authority, Limit, reduction_percent
from recoup.collections.arrangements.schedule_changes import months_between, next_installment_not_due
from recoup.collections.arrangements.shapes import (
    ArrangementQuote,
    ArrangementTerms,
    DatedAmount,
    PlannedPayment,
    asks_judged,
)
from recoup.collections.errors import ArrangementNotAllowed
from recoup.collections.models import ArrangementKind
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.ledger.queries import receivable_total
from recoup.portfolio.models import Contract
from recoup.portfolio.schedule_versions import version_schedule
from recoup.portfolio.schedules import Frequency, due_dates

MAX_PLAN_PERIODS = 60
MAX_SETTLEMENT_PAYMENTS = 12
# A first payment further out than this is almost always a mistyped year.
MAX_DAYS_AHEAD = 366
SETTLEMENT_REASON = "credit_settlement"


def plan_quote(
    contract: Contract, terms: ArrangementTerms, authority: Authority, as_of: date
) -> ArrangementQuote:
    """Raises ArrangementNotAllowed (field "amount", "periods" or "first_date")."""
    periods = terms.periods
    if periods is None or not 1 <= periods <= MAX_PLAN_PERIODS:
        raise ArrangementNotAllowed(
            f"periods: a plan runs for 1 to {MAX_PLAN_PERIODS} monthly payments", field="periods"
        )
    if terms.first_date is None:
        raise ArrangementNotAllowed(
            "first_date: give the date of the plan's first payment", field="first_date"
        )
    _date_check(terms.first_date, as_of, field="first_date")
    amount = _amount(terms.amount, contract.currency, field="amount")
    schedule = version_schedule(contract)
    from_installment = next_installment_not_due(contract)
    remaining = [i for i in schedule.installments if i.number >= from_installment]
    if not remaining:
        raise ArrangementNotAllowed("kind: no installment is left to pay a reduced amount for", field="kind")
    scheduled = remaining[0].payment_minor
    if amount.minor >= scheduled:
        raise ArrangementNotAllowed(
            f"amount: a reduced payment is less than the scheduled {Money(scheduled, contract.currency)}",
            field="amount",
        )
    dates = due_dates(terms.first_date, periods, Frequency.MONTHLY)
    payments = tuple(
        PlannedPayment(
            number=k + 1,
            due_date=due,
            amount=amount,
            scheduled_due_date=remaining[k].due_date if k < len(remaining) else None,
            scheduled=Money(remaining[k].payment_minor, contract.currency) if k < len(remaining) else None,
        )
        for k, due in enumerate(dates)
    )
    reduction = reduction_percent(scheduled_minor=scheduled, proposed_minor=amount.minor)
    asks, exceeded = asks_judged(
        authority, {Limit.ARRANGEMENT_MONTHS: periods, Limit.PAYMENT_REDUCTION_PERCENT: reduction}
    )
    return ArrangementQuote(
        account_number=contract.account_number,
        kind=ArrangementKind.REDUCED_PAYMENT,
        from_installment=from_installment,
        months=periods,
        reduction_percent=reduction,
        end_date=dates[-1],
        changes=(),
        exceeded=exceeded,
        asks=asks,
        payments=payments,
        agreed=Money(amount.minor * periods, contract.currency),
    )


def settlement_quote(
    contract: Contract, terms: ArrangementTerms, authority: Authority, as_of: date
) -> ArrangementQuote:
    """Raises ArrangementNotAllowed (field "payments" or "payments.<index>.date" / ".amount", from 0)."""
    lines = _settlement_lines(terms.payments, contract.currency, as_of)
    balance = receivable_total(contract.pk)
    agreed = Money(sum(amount.minor for _, amount in lines), contract.currency)
    if agreed.minor >= balance.minor:
        raise ArrangementNotAllowed(
            f"payments: a settlement is for less than the balance ({balance}); these add up to {agreed}",
            field="payments",
        )
    months = max(1, months_between(as_of, lines[-1][0]))
    discount = reduction_percent(scheduled_minor=balance.minor, proposed_minor=agreed.minor)
    asks, exceeded = asks_judged(
        authority, {Limit.ARRANGEMENT_MONTHS: months, Limit.SETTLEMENT_DISCOUNT_PERCENT: discount}
    )
    return ArrangementQuote(
        account_number=contract.account_number,
        kind=ArrangementKind.SETTLEMENT,
        from_installment=None,
        months=months,
        reduction_percent=Decimal(0),
        end_date=lines[-1][0],
        changes=(),
        exceeded=exceeded,
        asks=asks,
        payments=tuple(
            PlannedPayment(number=k + 1, due_date=due, amount=amount) for k, (due, amount) in enumerate(lines)
        ),
        balance=balance,
        agreed=agreed,
        discount_percent=discount,
    )


def plan_terms_plain(terms: ArrangementTerms, quote: ArrangementQuote) -> dict[str, object]:
    if quote.kind == ArrangementKind.SETTLEMENT:
        return {"payments": [[p.due_date.isoformat(), p.amount.minor] for p in quote.payments]}
    return {
        "from_installment": quote.from_installment,
        "periods": terms.periods,
        "amount_minor": quote.payments[0].amount.minor,
        "first_date": quote.payments[0].due_date.isoformat(),
    }


def settlement_credit(
    *, arrangement_id: int, contract_id: int, effective_date: date, at: datetime
) -> Money | None:
    """Credit what the customer still owes once a settlement is paid: Dr credits / Cr the dues by the
    book's waterfall, then principal not yet due. Once per settlement (its idempotency key); None
    when nothing is left to credit."""
    book = ledger.book_get(contract_id=contract_id)
    room = ledger.credit_room_minor(book=book, kind="credit")
    if room <= 0:
        return None
    amount = Money(room, book.currency)
    ledger.credit_grant(
        book=book,
        kind="credit",
        amount=amount,
        reason_code=SETTLEMENT_REASON,
        effective_date=effective_date,
        at=at,
        idempotency_key=f"settlement:{arrangement_id}",
        memo=f"settlement {arrangement_id} paid: the rest of the balance credited",
    )
    return amount


def _settlement_lines(
    payments: tuple[DatedAmount, ...], currency: str, as_of: date
) -> list[tuple[date, Money]]:
    if not payments:
        raise ArrangementNotAllowed("payments: give the amount to be paid and its date", field="payments")
    if len(payments) > MAX_SETTLEMENT_PAYMENTS:
        raise ArrangementNotAllowed(
            f"payments: at most {MAX_SETTLEMENT_PAYMENTS} dated amounts", field="payments"
        )
    lines: list[tuple[date, Money]] = []
    seen: set[date] = set()
    for index, (due, amount) in enumerate(payments):
        _date_check(due, as_of, field=f"payments.{index}.date")
        if due in seen:
            raise ArrangementNotAllowed(
                f"payments.{index}.date: two payments on {due.isoformat()}", field=f"payments.{index}.date"
            )
        seen.add(due)
        lines.append((due, _amount(amount, currency, field=f"payments.{index}.amount")))
    return sorted(lines, key=lambda line: line[0])


def _amount(value: int | str | None, currency: str, *, field: str) -> Money:
    if value is None or value == "":
        raise ArrangementNotAllowed(f"{field}: give the amount", field=field)
    try:
        money = value if isinstance(value, int) else Money.parse(value, currency, field=field).minor
    except DomainError as error:
        raise ArrangementNotAllowed(error.message, field=field) from None
    if money <= 0:
        raise ArrangementNotAllowed(f"{field}: the amount must be more than nothing", field=field)
    return Money(money, currency)


def _date_check(day: date, as_of: date, *, field: str) -> None:
    if day < as_of:
        raise ArrangementNotAllowed(f"{field}: {day.isoformat()} is in the past", field=field)
    if day > as_of + timedelta(days=MAX_DAYS_AHEAD):
        raise ArrangementNotAllowed(f"{field}: {day.isoformat()} is more than a year ahead", field=field)
