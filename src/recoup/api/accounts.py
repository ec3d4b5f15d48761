"""Accounts: list, show, and payments taken against them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status

from recoup.api.errors import NotPermitted
from recoup.kernel import clock
from recoup.kernel.plain import plain
from recoup.portfolio import queries
from recoup.portfolio.operations import AdjustmentLine, journal_adjust, payment_apply

router = Router(tags=["accounts"])


class AccountFilter(Schema):
    country: str | None = Field(None, pattern="^(US|GB)$")
    status: str | None = None
    limit: int = Field(50, ge=1, le=500)


@router.get("/accounts", summary="List accounts")
def account_list(request: HttpRequest, filters: Query[AccountFilter]) -> list[dict[str, Any]]:
    return plain(queries.account_list(country=filters.country, status=filters.status, limit=filters.limit))


@router.get("/accounts/{account_number}", summary="One account's summary")
def account_show(request: HttpRequest, account_number: str) -> dict[str, Any]:
    return plain(queries.account_summary(account_number))


class PaymentIn(Schema):
    amount: str = Field(..., description='decimal string in the account\'s currency, e.g. "304.15"')
    received_date: date
    reference: str = ""
    currency: str | None = None


@router.post("/accounts/{account_number}/payments", response={201: dict[str, Any]}, summary="Take a payment")
def payment_take(
    request: HttpRequest,
    account_number: str,
    payload: PaymentIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    taken = payment_apply(
        account_number=account_number,
        amount=payload.amount,
        received_date=payload.received_date,
        reference=payload.reference,
        idempotency_key=f"api:{idempotency_key}",
        currency=payload.currency,
        at=clock.now(),
        created_by=request.user if request.user.is_authenticated else None,
    )
    return Status(201, plain(taken))


class AdjustmentLineIn(Schema):
    code: str = Field(..., description="ledger account code, e.g. fees_due")
    amount: str = Field(..., description="signed decimal string: debit positive, credit negative")
    currency: str
    installment: int | None = None


class AdjustmentIn(Schema):
    reason_code: str
    effective_date: date
    memo: str = ""
    lines: list[AdjustmentLineIn]


ADJUSTING_ROLES = {"administrator", "head_of_credit"}


@router.post(
    "/accounts/{account_number}/journal-entries",
    response={201: dict[str, Any]},
    summary="Post a balanced manual entry (administrators and the head of credit)",
)
def journal_entry_post(
    request: HttpRequest,
    account_number: str,
    payload: AdjustmentIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    if getattr(request.user, "role", None) not in ADJUSTING_ROLES:
        raise NotPermitted(
            "role: manual ledger entries need an administrator or the head of credit", field="role"
        )
    adjusted = journal_adjust(
        account_number=account_number,
        reason_code=payload.reason_code,
        lines=[
            AdjustmentLine(line.code, line.amount, line.currency, line.installment) for line in payload.lines
        ],
        effective_date=payload.effective_date,
        idempotency_key=f"api:{idempotency_key}",
        memo=payload.memo,
        at=clock.now(),
        created_by=request.user if request.user.is_authenticated else None,
    )
    return Status(201, plain(adjusted))
