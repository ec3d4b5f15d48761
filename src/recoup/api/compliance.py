"""The contact gate: may this account's customer be contacted on a channel at a moment?"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from recoup.compliance.inputs import moment_parse
from recoup.compliance.queries import account_contact_permission
from recoup.kernel import clock

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
