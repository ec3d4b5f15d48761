"""Contacts and promises to pay on an account."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from recoup.api.errors import NotPermitted
from recoup.collections.contact_queries import contact_history
from recoup.collections.contacts import MAX_PROMISE_PAYMENTS, contact_record
from recoup.collections.errors import ContactNotAllowed
from recoup.kernel import clock
from recoup.kernel.plain import plain

router = Router(tags=["contacts"])


@router.get("/accounts/{account_number}/contacts", summary="An account's contacts and promises to pay")
def contact_list(request: HttpRequest, account_number: str) -> dict[str, Any]:
    return plain(contact_history(account_number=account_number))


class PromisePaymentIn(Schema):
    due_date: date
    amount: str = Field(..., description='decimal string in the account\'s currency, e.g. "150.00"')


class ContactIn(Schema):
    channel: str = Field(..., description="call, email, letter, sms or visit")
    direction: str = Field(..., description="inbound or outbound")
    outcome: str = Field(..., description='what came of it; "promise" when the customer promised to pay')
    next_action_date: date | None = None
    notes: str = ""
    promise: list[PromisePaymentIn] | None = Field(
        None, description=f"with the outcome promise: 1 to {MAX_PROMISE_PAYMENTS} dated amounts"
    )
    acknowledged_reasons: list[str] = Field(
        default_factory=list,
        description="when the contact gate refuses an outbound contact (422 naming acknowledged_reasons): "
        "every reason it gives (GET /accounts/{number}/contact-permission), to record the contact anyway",
    )


@router.post(
    "/accounts/{account_number}/contacts",
    response={201: dict[str, Any]},
    summary="Record a contact, and any promise to pay made in it (not auditors)",
)
def contact_post(request: HttpRequest, account_number: str, payload: ContactIn) -> Status[dict[str, Any]]:
    try:
        recorded = contact_record(
            account_number=account_number,
            channel=payload.channel,
            direction=payload.direction,
            outcome=payload.outcome,
            agent=request.user,  # type: ignore[arg-type]
            at=clock.now(),
            next_action_date=payload.next_action_date,
            notes=payload.notes,
            promise=None
            if payload.promise is None
            else [(line.due_date, line.amount) for line in payload.promise],
            as_of=clock.today(),
            acknowledged_reasons=tuple(payload.acknowledged_reasons),
        )
    except ContactNotAllowed as refused:
        raise NotPermitted(refused.message, field=refused.field) from refused
    return Status(201, plain(recorded))
