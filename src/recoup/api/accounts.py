"""Accounts: list, show, and payments taken against them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Header, Query, Router, Schema, Status

from recoup.kernel import clock
from recoup.kernel.plain import plain
from recoup.portfolio import queries
from recoup.portfolio.operations import payment_apply

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
