"""Escalations: raise one on an account, list an account's, read the inbox, acknowledge and close."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from recoup.access.models import User
from recoup.api.errors import NotPermitted
from recoup.collections import escalation_queries, escalations
from recoup.collections.errors import EscalationNotAllowed
from recoup.collections.escalation_queries import EscalationView
from recoup.collections.models import EscalationKind
from recoup.kernel import clock
from recoup.kernel.plain import plain

router = Router(tags=["escalations"])


class EscalationIn(Schema):
    kind: str = Field(..., description=", ".join(EscalationKind.values))
    detail: str = Field("", description="what was found; required for suspected_fraud and other")


class NoteIn(Schema):
    note: str = ""


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


def _refused_role(error: EscalationNotAllowed) -> Exception:
    """A role refusal is 403; any other refusal stays a 422 naming its field."""
    return NotPermitted(error.message, field=error.field) if error.field == "role" else error


@router.post(
    "/accounts/{account_number}/escalations",
    response={201: dict[str, Any]},
    summary="Escalate a risk on an account to the team leaders and the head of credit",
)
def escalation_raise(
    request: HttpRequest, account_number: str, payload: EscalationIn
) -> Status[dict[str, Any]]:
    try:
        raised = escalations.escalation_raise(
            account_number=account_number,
            kind=payload.kind,
            detail=payload.detail,
            raised_by=_user(request),
            at=clock.now(),
        )
    except EscalationNotAllowed as error:
        raise _refused_role(error) from None
    return Status(201, plain(raised))


@router.get("/accounts/{account_number}/escalations", summary="An account's escalations, newest first")
def escalation_list(request: HttpRequest, account_number: str) -> list[dict[str, Any]]:
    return plain(escalation_queries.escalations_of(account_number))


@router.get("/inbox", summary="Your escalation notices, unread first, and how many are unread")
def inbox(request: HttpRequest) -> dict[str, Any]:
    try:
        return plain(escalation_queries.inbox_of(reader=_user(request)))
    except EscalationNotAllowed as error:
        raise _refused_role(error) from None


@router.post("/inbox/{notice_id}/read", response={204: None}, summary="Mark one of your notices read")
def notice_read(request: HttpRequest, notice_id: int) -> Status[None]:
    escalations.notice_read(notice_id=notice_id, reader=_user(request), at=clock.now())
    return Status(204, None)


@router.post("/escalations/{escalation_id}/acknowledge", summary="Take an open escalation in hand")
def escalation_acknowledge(request: HttpRequest, escalation_id: int, payload: NoteIn) -> dict[str, Any]:
    return _handled(escalations.escalation_acknowledge, request, escalation_id, payload)


@router.post("/escalations/{escalation_id}/close", summary="Close an open or acknowledged escalation")
def escalation_close(request: HttpRequest, escalation_id: int, payload: NoteIn) -> dict[str, Any]:
    return _handled(escalations.escalation_close, request, escalation_id, payload)


def _handled(operation: Any, request: HttpRequest, escalation_id: int, payload: NoteIn) -> dict[str, Any]:
    try:
        handled: EscalationView = operation(
            escalation_id=escalation_id, by=_user(request), note=payload.note, at=clock.now()
        )
    except EscalationNotAllowed as error:
        raise _refused_role(error) from None
    return plain(handled)
