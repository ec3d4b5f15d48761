"""What a close of business leaves behind, in a form two runs can be compared by."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum

from recoup.arrears.models import AgedDebtTotal, ArrearsState, BucketTransition
from recoup.ledger.models import JournalEntry, LedgerAccount

STATE_FIELDS = (
    "contract_id",
    "currency",
    "product_code",
    "jurisdiction",
    "installments_due",
    "due_to_date_minor",
    "paid_to_date_minor",
    "arrears_minor",
    "oldest_unpaid_due_date",
    "installments_missed",
    "bucket",
    "bucket_since_date",
    "next_due_date",
    "receivable_minor",
    "collections_flag",
    "flagged_date",
    "last_due_date",
    "last_installment_minor",
    "schedule_balance_minor",
    "accrued_interest_minor",
    "frequency",
)


def states() -> list[tuple[Any, ...]]:
    return list(ArrearsState.objects.order_by("contract_id").values_list(*STATE_FIELDS))


def transitions() -> list[tuple[Any, ...]]:
    return list(
        BucketTransition.objects.order_by("contract_id", "business_date").values_list(
            "contract_id",
            "business_date",
            "from_bucket",
            "to_bucket",
            "kind",
            "days_past_due",
            "arrears_minor",
            "receivable_minor",
        )
    )


def ledger() -> dict[str, Any]:
    return {
        "balances": list(
            LedgerAccount.objects.order_by("book__contract_id", "code").values_list(
                "book__contract_id", "code", "balance_minor"
            )
        ),
        # A receipt's fingerprint names its row id, which PostgreSQL does not reuse after a rollback.
        "entries": [
            (key, "" if reason.startswith("receipt") else fingerprint, effective_date, reason)
            for key, fingerprint, effective_date, reason in JournalEntry.objects.order_by(
                "idempotency_key"
            ).values_list("idempotency_key", "fingerprint", "effective_date", "reason_code")
        ],
    }


def aged_debt() -> list[tuple[Any, ...]]:
    return list(
        AgedDebtTotal.objects.order_by(
            "business_date", "product_code", "jurisdiction", "currency", "bucket"
        ).values_list(
            "business_date",
            "product_code",
            "jurisdiction",
            "currency",
            "bucket",
            "accounts",
            "balance_minor",
            "arrears_minor",
        )
    )


def aged_debt_recounted() -> list[tuple[Any, ...]]:
    """The aged-debt totals counted afresh from every state row (the close keeps them incrementally)."""
    counted = ArrearsState.objects.exclude(receivable_minor=0, arrears_minor=0)
    return [
        tuple(row)
        for row in counted.values_list("product_code", "jurisdiction", "currency", "bucket")
        .annotate(accounts=Count("pk"), balance=Sum("receivable_minor"), arrears=Sum("arrears_minor"))
        .order_by("product_code", "jurisdiction", "currency", "bucket")
    ]
