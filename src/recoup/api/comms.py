"""Letters, email and SMS: an account's items sent, sending one, a letter's PDF, the templates, and
the SMS gateway's webhook for customers' replies (a STOP records their opt-out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from recoup.access.models import User
from recoup.api.auth import BearerToken
from recoup.api.errors import NotPermitted
from recoup.comms import operations, queries
from recoup.comms.errors import SendNotAllowed
from recoup.kernel import clock
from recoup.kernel.plain import plain

router = Router(tags=["communications"])


class SendIn(Schema):
    channel: str = Field(..., description="letter, email or sms")
    template_code: str = Field(..., description="e.g. arrears.reminder")
    context: dict[str, str] = Field(default_factory=dict, description="the template's own merge fields")
    acknowledged_reasons: list[str] = Field(
        default_factory=list,
        description="the contact gate's reasons, acknowledged, to send despite a refusal",
    )


class SmsIn(Schema):
    from_phone: str = Field(..., description="the sender's number in E.164, e.g. +17135550142")
    body: str
    at: datetime | None = Field(None, description="when the gateway received it; now when omitted")


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


@router.get(
    "/accounts/{account_number}/communications", summary="The letters, emails and SMS sent, newest first"
)
def communications(request: HttpRequest, account_number: str) -> list[dict[str, Any]]:
    return plain(queries.communications_of(contract_id=queries.contract_id_for(account_number)))


@router.post(
    "/accounts/{account_number}/communications",
    response={201: dict[str, Any]},
    summary="Send a template to the account's customer; the gate's refusal is a 422 naming its reasons",
)
def communication_send(request: HttpRequest, account_number: str, payload: SendIn) -> Status[dict[str, Any]]:
    try:
        sent = operations.communication_send(
            contract_id=queries.contract_id_for(account_number),
            channel=payload.channel,
            template_code=payload.template_code,
            context=dict(payload.context),
            at=clock.now(),
            sent_by=_user(request),
            automated=False,
            acknowledged_reasons=tuple(payload.acknowledged_reasons),
        )
    except SendNotAllowed as error:
        raise NotPermitted(error.message, field=error.field) from None
    return Status(201, plain(sent))


@router.get("/communications/{sent_item_id}/pdf", summary="A letter as it was sent, as PDF")
def letter_pdf(request: HttpRequest, sent_item_id: int) -> HttpResponse:
    name, pdf = queries.letter_pdf_of(sent_item_id=sent_item_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/templates", summary="Every template and the version in use")
def templates(request: HttpRequest, channel: str = "") -> list[dict[str, Any]]:
    return plain(queries.templates_current(channel=channel))


@router.post(
    "/sms/inbound",
    auth=BearerToken(),
    summary=(
        "The SMS gateway's webhook: a customer's reply; STOP (or another opt-out keyword) opts them out, "
        "START or UNSTOP back in"
    ),
)
def sms_inbound(request: HttpRequest, payload: SmsIn) -> dict[str, int]:
    return operations.sms_inbound_record(
        from_phone=payload.from_phone, body=payload.body, at=payload.at or clock.now()
    )
