"""Payments: a card by its provider's token, money received on other channels, and the list.

Every POST here that moves money takes an Idempotency-Key header: the first answer is kept with
what the request did and replayed (same status, same body, header Idempotent-Replayed: true) for
the same key and body; the same key with another body is refused with 422 naming the header.
`idempotent` does this for any money-moving endpoint of the API.

Card numbers never come here: the client tokenizes the card at the provider and sends the token.
A body with any other field (a "number", a "cvc") is refused before anything is read from it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Router, Schema
from pydantic import ConfigDict

from recoup.access.models import User
from recoup.api.errors import NotPermitted
from recoup.kernel import clock
from recoup.kernel.plain import plain
from recoup.payments import models, queries
from recoup.payments.idempotency import HEADER, idempotent_answer
from recoup.payments.operations import OTHER_CHANNELS, PaymentResult, card_payment_take, payment_record

router = Router(tags=["payments"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


def idempotent(
    request: HttpRequest, *, key: str, payload: Schema, carry_out: Callable[[], tuple[int, Any]]
) -> HttpResponse:
    """Answer a money-moving POST once per Idempotency-Key; see the module's notes."""
    answer = idempotent_answer(
        user=_user(request),
        key=key,
        method=request.method or "POST",
        path=request.path,
        body=payload.dict(),
        at=clock.now(),
        carry_out=carry_out,
    )
    problem = answer.status >= 400
    response = HttpResponse(
        answer.body,
        status=answer.status,
        content_type="application/problem+json" if problem else "application/json",
    )
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _taken(result: PaymentResult) -> tuple[int, dict[str, Any]]:
    payment = plain(result.payment)
    body = {**payment, "method": result.payment.method_text, "balance": str(result.balance)}
    if result.taken:
        return 201, body
    return 402, {
        "type": "about:blank",
        "title": "Card declined",
        "status": 402,
        "detail": result.payment.decline_reason,
        "field": "token",
        "decline_code": result.payment.decline_code,
        "payment": body,
    }


class CardPaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(..., description="the card's token from the payment provider (never the card number)")
    amount: str = Field(..., description='decimal string in the account\'s currency, e.g. "304.15"')
    currency: str | None = None


@router.post(
    "/accounts/{account_number}/card-payments",
    response={201: dict[str, Any], 402: dict[str, Any]},
    summary="Charge a tokenized card and allocate the payment (402 with the reason when declined)",
)
def card_payment_post(
    request: HttpRequest,
    account_number: str,
    payload: CardPaymentIn,
    idempotency_key: str = Header(..., alias=HEADER),
) -> HttpResponse:
    user = _user(request)
    return idempotent(
        request,
        key=idempotency_key,
        payload=payload,
        carry_out=lambda: _taken(
            card_payment_take(
                account_number=account_number,
                token=payload.token,
                amount=payload.amount,
                currency=payload.currency,
                as_of=clock.today(),
                at=clock.now(),
                taken_by=user,
                request_key=f"api:{user.pk}:{idempotency_key.strip()}",
            )
        ),
    )


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    amount: str = Field(..., description='decimal string in the account\'s currency, e.g. "304.15"')
    received_date: date
    channel: str = Field(models.Channel.OTHER, description=", ".join(OTHER_CHANNELS))
    reference: str = Field("", description="a cheque number, a bank or money order reference")
    currency: str | None = None


@router.post(
    "/accounts/{account_number}/payments",
    response={201: dict[str, Any]},
    summary="Record money received on another channel and allocate it",
)
def payment_post(
    request: HttpRequest,
    account_number: str,
    payload: PaymentIn,
    idempotency_key: str = Header(..., alias=HEADER),
) -> HttpResponse:
    user = _user(request)
    return idempotent(
        request,
        key=idempotency_key,
        payload=payload,
        carry_out=lambda: _taken(
            payment_record(
                account_number=account_number,
                channel=payload.channel,
                amount=payload.amount,
                received_date=payload.received_date,
                reference=payload.reference,
                currency=payload.currency,
                at=clock.now(),
                taken_by=user,
                request_key=f"api:{user.pk}:{idempotency_key.strip()}",
            )
        ),
    )


@router.get(
    "/accounts/{account_number}/payments", summary="An account's payments and declined cards, newest first"
)
def payment_list(request: HttpRequest, account_number: str) -> list[dict[str, Any]]:
    return [
        {**plain(line), "method": line.method_text} for line in queries.payments_of(account_number).payments
    ]
