"""The contact gate: may this account's customer be contacted on a channel at a moment? May its
vehicle be repossessed on a day, and the court orders that lift a bar on it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from recoup.api.errors import NotPermitted
from recoup.compliance.errors import CourtOrderNotAllowed
from recoup.compliance.inputs import moment_parse
from recoup.compliance.operations import court_order_record
from recoup.compliance.queries import account_contact_permission, account_repossession_permission
from recoup.kernel import clock
from recoup.kernel.plain import plain

router: Router = Router(tags=["compliance"])


class PermissionQuery(Schema):
    channel: str = Field(..., description="call, sms, email or letter")
    at: str = Field("", description="ISO 8601 with its UTC offset; now when left out")
    purpose: str = Field("collection", description="collection, statutory_notice or callback")


@router.get(
    "/accounts/{account_number}/contact-permission",
    response=dict[str, Any],
    summary="Whether the customer may be contacted on a channel at a moment, with the reasons",
)
def contact_permission_get(
    request: HttpRequest, account_number: str, query: Query[PermissionQuery]
) -> dict[str, Any]:
    at = moment_parse(query.at, field="at") if query.at else clock.now()
    permission = account_contact_permission(
        account_number=account_number, channel=query.channel, at=at, purpose=query.purpose
    )
    return {"allowed": permission.allowed, "reasons": list(permission.reasons)}


class RepossessionQuery(Schema):
    on: date | None = Field(None, description="the day, YYYY-MM-DD; today when left out")


@router.get(
    "/accounts/{account_number}/repossession-permission",
    response=dict[str, Any],
    summary="Whether the vehicle may be repossessed on a day: the bars and the orders lifting them",
)
def repossession_permission_get(
    request: HttpRequest, account_number: str, query: Query[RepossessionQuery]
) -> dict[str, Any]:
    permission = account_repossession_permission(
        account_number=account_number, on_date=query.on or clock.today()
    )
    return {"allowed": permission.allowed, "reasons": list(permission.reasons)}


class CourtOrderIn(Schema):
    kind: str = Field(
        ...,
        description="scra_repossession (50 U.S.C. § 3952) or stay_relief (11 U.S.C. § 362(d)); US only",
    )
    court: str
    reference: str = Field(..., description="the case or reference number")
    granted_date: date
    expiry_date: date | None = Field(None, description="the last day it is in force; none for no end")
    conditions: str = ""


@router.post(
    "/accounts/{account_number}/court-orders",
    response={201: dict[str, Any]},
    summary="Record a court order lifting a bar on repossession (team leader and above)",
)
def court_order_post(
    request: HttpRequest, account_number: str, payload: CourtOrderIn
) -> Status[dict[str, Any]]:
    try:
        recorded = court_order_record(
            account_number=account_number,
            kind=payload.kind,
            court=payload.court,
            reference=payload.reference,
            granted_date=payload.granted_date,
            expiry_date=payload.expiry_date,
            conditions=payload.conditions,
            by=request.user,  # type: ignore[arg-type]
            at=clock.now(),
        )
    except CourtOrderNotAllowed as refused:
        raise NotPermitted(refused.message, field=refused.field) from refused
    return Status(201, plain(recorded))
