"""Accounts: list, show, and manual ledger entries on them (payments are in recoup.api.payments)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema

from recoup.api.errors import NotPermitted
from recoup.api.payments import idempotent
from recoup.kernel import clock
from recoup.kernel.plain import plain
from recoup.portfolio import queries
from recoup.portfolio.operations import AdjustmentLine, journal_adjust

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
) -> HttpResponse:
    if getattr(request.user, "role", None) not in ADJUSTING_ROLES:
        raise NotPermitted(
            "role: manual ledger entries need an administrator or the head of credit", field="role"
        )

    def adjust() -> tuple[int, Any]:
        adjusted = journal_adjust(
            account_number=account_number,
            reason_code=payload.reason_code,
            lines=[
                AdjustmentLine(line.code, line.amount, line.currency, line.installment)
                for line in payload.lines
            ],
            effective_date=payload.effective_date,
            idempotency_key=f"api:{idempotency_key}",
            memo=payload.memo,
            at=clock.now(),
            created_by=request.user if request.user.is_authenticated else None,
        )
        return 201, plain(adjusted)

    return idempotent(request, key=idempotency_key, payload=payload, carry_out=adjust)
