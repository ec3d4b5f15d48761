"""Deferrals, extensions and due-date changes: quoted as the schedule before and after, applied as a
new schedule version (portfolio.schedule_modify)."""

from __future__ import annotations

from datetime import date, datetime

from recoup.access.limits import Authority, Limit, reduction_percent
from recoup.access.models import User
from recoup.collections.arrangements.shapes import (
    ArrangementQuote,
    ArrangementTerms,
    InstallmentChange,
    asks_judged,
)
from recoup.collections.models import Arrangement, ArrangementKind
from recoup.kernel.money import Money
from recoup.ledger.queries import last_installments_due
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import schedule_modification_preview, schedule_modify
from recoup.portfolio.schedules import Schedule


def schedule_change_quote(
    contract: Contract, terms: ArrangementTerms, authority: Authority, as_of: date
) -> ArrangementQuote:
    """Raises ModificationNotAllowed (field names the term)."""
    from_installment = terms.from_installment or next_installment_not_due(contract)
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
        months = months_between(before.last_due_date, after.last_due_date)
    else:
        months = months_between(first_before.due_date, first_after.due_date)
    reduction = reduction_percent(
        scheduled_minor=first_before.payment_minor, proposed_minor=first_after.payment_minor
    )
    asks, exceeded = asks_judged(
        authority, {Limit.ARRANGEMENT_MONTHS: months, Limit.PAYMENT_REDUCTION_PERCENT: reduction}
    )
    return ArrangementQuote(
        account_number=contract.account_number,
        kind=terms.kind,
        from_installment=from_installment,
        months=months,
        reduction_percent=reduction,
        end_date=max(c.due_date_after for c in changes if c.due_date_after is not None),
        changes=changes,
        exceeded=exceeded,
        asks=asks,
    )


def schedule_change_apply(
    arrangement: Arrangement, contract: Contract, *, by: User, as_of: date, at: datetime
) -> int:
    """Make the schedule version the arrangement agreed; returns its number."""
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
    return version.version


def schedule_change_terms_plain(terms: ArrangementTerms, from_installment: int) -> dict[str, object]:
    return {
        "from_installment": from_installment,
        "periods": terms.periods,
        "new_due_date": terms.new_due_date.isoformat() if terms.new_due_date else None,
    }


def next_installment_not_due(contract: Contract) -> int:
    return last_installments_due([contract.pk]).get(contract.pk, 0) + 1


def months_between(start: date, end: date) -> int:
    """Calendar months from `start` to `end`, a part month counting as one; none when `end` is not
    later. 1 March to 1 May is two; 31 January to 29 February is one (the date clipped to the month)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + 1 if end.day > start.day else months


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
