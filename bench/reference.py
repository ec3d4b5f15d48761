"""The yardstick: the same close of business, one account at a time, through the ORM.

A straightforward loop over contracts using the pure schedule engine (a full rebuild per
account) and the ledger's per-account operations: it posts the installments fallen due since the
account's last close (its arrears state, or on a first close its ledger, says how many fell due
before), at a month end the daily-simple interest accrued, and any late fee, then works out the
account's arrears and bucket. It is here to be timed against the set-based `recoup cob` and to
check it: on the same book both must leave the same arrears state, the same bucket transitions
and the same ledger. It is not used by the application.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from recoup.arrears.accrual_columns import accrual_key, is_month_end
from recoup.arrears.buckets import CURRENT, boundaries_parse, bucket_for, buckets_from_boundaries
from recoup.arrears.late_fees import LATE_FEE_REASON, LateFeeRule, late_fee_key, late_fee_minor
from recoup.arrears.models import ArrearsState, BucketScheme, BucketTransition
from recoup.kernel.money import Money
from recoup.ledger import operations as ledger
from recoup.ledger import queries as ledger_queries
from recoup.ledger.models import AccountCode, LedgerBook
from recoup.portfolio.accrual import accrual_base, interest_accrued_to_minor
from recoup.portfolio.models import Contract, ContractStatus, Product, ScheduleVersion
from recoup.portfolio.schedule_versions import schedules_replay, terms_of
from recoup.portfolio.schedules import Schedule


def reference_close(business_date: date, *, at: datetime) -> int:
    """Close one business date account by account; returns how many accounts it went through."""
    schemes = list(BucketScheme.objects.order_by("code"))
    default = next((s for s in schemes if not s.product_codes.split()), schemes[0])
    count = 0
    for contract in Contract.objects.select_related("product").order_by("pk"):
        _account_close(contract, business_date, at=at, schemes=schemes, default=default)
        count += 1
    return count


def _account_close(
    contract: Contract,
    business_date: date,
    *,
    at: datetime,
    schemes: list[BucketScheme],
    default: BucketScheme,
) -> None:
    book = ledger.book_get(contract_id=contract.pk)
    versions = list(contract.schedule_versions.all())
    schedule = schedules_replay(versions)[-1]
    active = contract.status == ContractStatus.ACTIVE
    due = [i for i in schedule.installments if i.due_date <= business_date] if active else []
    state = ArrearsState.objects.filter(contract=contract).first()
    # What fell due on earlier nights (or before the book was taken over) is in the ledger already.
    if state is not None:
        fallen_due = state.installments_due
    else:
        fallen_due = ledger_queries.last_installments_due([contract.pk]).get(contract.pk, 0)
    for installment in due:
        if installment.number > fallen_due and (installment.principal_minor or installment.interest_minor):
            ledger.installment_fall_due(
                book=book,
                installment=installment.number,
                principal=Money(installment.principal_minor, contract.currency),
                interest=Money(installment.interest_minor, contract.currency),
                due_date=installment.due_date,
                at=at,
            )
    balances = ledger_queries.book_balances(contract.pk)
    if active and contract.product.interest_method == "daily_simple" and is_month_end(business_date):
        _interest_accrue(book, schedule, versions, len(due), balances["interest_accrued"], business_date, at)
    arrears = max(0, balances["principal_due"].minor + balances["interest_due"].minor)
    unpaid = sorted(
        row.installment
        for row in ledger_queries.outstanding_by_installment(contract.pk)
        if row.installment is not None and row.interest.minor + row.principal.minor > 0
    )
    last = due[-1] if due else None
    rule = _rule(contract.product)
    for installment in due if active and arrears > 0 and rule.charges else []:
        still_unpaid = not unpaid or installment.number >= unpaid[0]
        if installment.due_date + timedelta(days=rule.grace_days) != business_date or not still_unpaid:
            continue
        fee = late_fee_minor(rule, installment_minor=installment.payment_minor)
        if fee > 0:
            ledger.fee_assess(
                book=book,
                amount=Money(fee, contract.currency),
                reason_code=LATE_FEE_REASON,
                effective_date=business_date,
                at=at,
                idempotency_key=late_fee_key(contract.pk, installment.number),
                installment=installment.number,
            )
    by_number = {i.number: i for i in schedule.installments}
    oldest_date = None
    if arrears > 0:
        oldest_date = by_number[unpaid[0]].due_date if unpaid else (last.due_date if last else business_date)
    days_past_due = (business_date - oldest_date).days if oldest_date else 0
    scheme = next((s for s in schemes if contract.product.code in s.product_codes.split()), default)
    bucket = bucket_for(days_past_due, buckets_from_boundaries(boundaries_parse(scheme.boundaries)))
    closing = ledger_queries.book_balances(contract.pk)
    receivable = sum(closing[code].minor for code in ledger_queries.RECEIVABLE_CODES)
    following = [i for i in schedule.installments if i.number > len(due)] if active else []
    fields = {
        "currency": contract.currency,
        "product_code": contract.product.code,
        "jurisdiction": contract.jurisdiction,
        "frequency": contract.frequency,
        "installments_due": len(due),
        "due_to_date_minor": sum(i.payment_minor for i in due),
        "paid_to_date_minor": max(0, sum(i.payment_minor for i in due) - arrears),
        "arrears_minor": arrears,
        "oldest_unpaid_due_date": oldest_date,
        "installments_missed": len(unpaid) if arrears > 0 else 0,
        "next_due_date": following[0].due_date if following else None,
        "receivable_minor": receivable,
        "last_due_date": last.due_date if last else None,
        "last_installment_minor": last.payment_minor if last else 0,
        "schedule_balance_minor": last.balance_minor if last else 0,
        "accrued_interest_minor": closing[AccountCode.INTEREST_ACCRUED].minor,
    }
    if state is None:
        ArrearsState.objects.create(
            contract=contract,
            changed_date=business_date,
            bucket=bucket,
            bucket_since_date=business_date,
            collections_flag=bucket != CURRENT,
            flagged_date=business_date if bucket != CURRENT else None,
            **fields,
        )
        return
    if bucket != state.bucket:
        ranks = {b.code: b.min_days for b in buckets_from_boundaries(boundaries_parse(scheme.boundaries))}
        kind = (
            "cure"
            if bucket == CURRENT
            else ("roll_forward" if ranks.get(bucket, -1) > ranks.get(state.bucket, -1) else "roll_back")
        )
        BucketTransition.objects.create(
            contract=contract,
            business_date=business_date,
            from_bucket=state.bucket,
            to_bucket=bucket,
            kind=kind,
            days_past_due=days_past_due,
            arrears_minor=arrears,
            receivable_minor=receivable,
        )
        state.bucket = bucket
        state.bucket_since_date = business_date
        state.collections_flag = bucket != CURRENT
        state.flagged_date = business_date if bucket != CURRENT else None
    for name, value in fields.items():
        setattr(state, name, value)
    state.changed_date = business_date
    state.save()


def _interest_accrue(
    book: LedgerBook,
    schedule: Schedule,
    versions: list[ScheduleVersion],
    fallen_due: int,
    held: Money,
    business_date: date,
    at: datetime,
) -> None:
    """Take the interest earned and not yet billed to the ledger, less what it holds already."""
    number = fallen_due + 1
    if number > len(schedule.installments):
        return
    governing = max((v for v in versions if v.from_installment <= number), key=lambda v: v.version)
    if governing.method != "annuity":
        return
    segment = terms_of(governing)
    base = accrual_base(schedule, segment, segment_from=governing.from_installment, fallen_due=fallen_due)
    if base.balance_minor <= 0:
        return
    amount = interest_accrued_to_minor(base, segment, to_date=business_date) - held.minor
    if amount > 0:
        ledger.interest_accrue(
            book=book,
            amount=Money(amount, held.currency),
            accrued_to_date=business_date,
            at=at,
            idempotency_key=accrual_key(book.contract_id, business_date),
        )


def _rule(product: Product) -> LateFeeRule:
    return LateFeeRule(
        grace_days=product.late_fee_grace_days,
        fixed_minor=product.late_fee_fixed_minor,
        percent=Decimal(product.late_fee_percent),
        cap_minor=product.late_fee_cap_minor,
        max_cost_minor=product.late_fee_max_cost_minor,
    )
