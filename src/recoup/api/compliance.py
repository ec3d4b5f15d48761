"""The contact gate: may this account's customer be contacted on a channel at a moment? May its
vehicle be repossessed on a day, and the court orders that lift a bar on it: listed, recorded and
revoked (team leaders and above record and revoke; a refusal is 403 naming "by", an unknown account
or order 404, a bad or already revoked order 422 naming its field). The account's placements with
outside agencies, which choose the gate's first- or third-party rule pack: listed, recorded and
recalled, with the same role rules and answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from recoup.api.errors import NotPermitted
from recoup.compliance.errors import (
    CourtOrderNotAllowed,
    PlacementNotAllowed,
)
from recoup.compliance.inputs import moment_parse
from recoup.compliance.operations import (
    court_order_record,
    court_order_revoke,
    placement_recall,
    placement_record,
)
from recoup.compliance.queries import (
    account_contact_permission,
    account_court_orders,
    account_placements,
    account_repossession_permission,
)
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


class OrdersQuery(Schema):
    on: date | None = Field(None, description="the day each order's state is given for; today when left out")


@router.get(
    "/accounts/{account_number}/court-orders",
    response=list[dict[str, Any]],
    summary="The account's court orders, revoked ones too, the latest granted first, with their state",
)
def court_orders_get(
    request: HttpRequest, account_number: str, query: Query[OrdersQuery]
) -> list[dict[str, Any]]:
    orders = account_court_orders(account_number=account_number, on_date=query.on or clock.today())
    return [plain(order) for order in orders]


class RevokeIn(Schema):
    reason: str = Field(..., description="why the order is revoked, e.g. recorded on the wrong account")


@router.post(
    "/accounts/{account_number}/court-orders/{court_order_id}/revoke",
    response=dict[str, Any],
    summary="Revoke a court order recorded by mistake; it stays on record (team leader and above)",
)
def court_order_revoke_post(
    request: HttpRequest, account_number: str, court_order_id: int, payload: RevokeIn
) -> Any:
    try:
        revoked = court_order_revoke(
            account_number=account_number,
            court_order_id=court_order_id,
            reason=payload.reason,
            by=request.user,  # type: ignore[arg-type]
            at=clock.now(),
        )
    except CourtOrderNotAllowed as refused:
        raise NotPermitted(refused.message, field=refused.field) from refused
    return plain(revoked)


class PlacementsQuery(Schema):
    on: date | None = Field(
        None, description="the day each placement's state is given for; today when left out"
    )


@router.get(
    "/accounts/{account_number}/placements",
    response=list[dict[str, Any]],
    summary="The account's placements with outside agencies, recalled ones too, the latest placed first",
)
def placements_get(
    request: HttpRequest, account_number: str, query: Query[PlacementsQuery]
) -> list[dict[str, Any]]:
    view = account_placements(account_number=account_number, on_date=query.on or clock.today())
    return [plain(placement) for placement in view.placements]


class PlacementIn(Schema):
    kind: str = Field(
        ...,
        description="collection_agency or solicitor (these collect the debt: the contact gate then applies "
        "the third-party rule pack), repossession_agent or trace_specialist",
    )
    agency: str = Field(..., description="the agency's name")
    placed_date: date | None = Field(None, description="the day placed; today when left out")


@router.post(
    "/accounts/{account_number}/placements",
    response={201: dict[str, Any]},
    summary="Place the account with an outside agency (team leader and above)",
)
def placement_post(request: HttpRequest, account_number: str, payload: PlacementIn) -> Status[dict[str, Any]]:
    try:
        recorded = placement_record(
            account_number=account_number,
            kind=payload.kind,
            agency=payload.agency,
            placed_date=payload.placed_date,
            by=request.user,  # type: ignore[arg-type]
            at=clock.now(),
        )
    except PlacementNotAllowed as refused:
        raise NotPermitted(refused.message, field=refused.field) from refused
    return Status(201, plain(recorded))


class RecallIn(Schema):
    reason: str = Field(..., description="why the account is taken back from the agency")
    recalled_date: date | None = Field(None, description="the day recalled; today when left out")


@router.post(
    "/accounts/{account_number}/placements/{placement_id}/recall",
    response=dict[str, Any],
    summary="Take the account back from the agency; the placement stays on record (team leader and above)",
)
def placement_recall_post(
    request: HttpRequest, account_number: str, placement_id: int, payload: RecallIn
) -> Any:
    try:
        recalled = placement_recall(
            account_number=account_number,
            placement_id=placement_id,
            reason=payload.reason,
            recalled_date=payload.recalled_date,
            by=request.user,  # type: ignore[arg-type]
            at=clock.now(),
        )
    except PlacementNotAllowed as refused:
        raise NotPermitted(refused.message, field=refused.field) from refused
    return plain(recalled)
