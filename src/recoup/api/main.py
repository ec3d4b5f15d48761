"""The JSON API at /api/v1 (OpenAPI at /api/v1/openapi.json).

Machines authenticate with a bearer token (`recoup token issue USER`); people signed in to the web
app may use their session. Errors are RFC 7807 problem documents that name the field at fault.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from recoup.api.auth import BearerToken
from recoup.api.errors import NotPermitted
from recoup.collections.errors import ApprovalNotFound, EscalationNotFound
from recoup.comms.inbox.errors import InboxItemNotFound
from recoup.compliance.errors import CourtOrderNotFound, PlacementNotFound
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound, ScheduleVersionNotFound

api = NinjaAPI(
    title="Recoup API",
    version="1",
    description=(
        "Accounts, schedules, contracts and payments. Amounts are decimal strings in the account's currency."
    ),
    urls_namespace="api",
    auth=[BearerToken(), django_auth],
)


def problem(
    request: HttpRequest, *, status: int, title: str, detail: str, field: str | None = None
) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if field:
        body["field"] = field
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


# The errors that name something which is not there: 404 rather than 422.
NOT_FOUND = (
    AccountNotFound,
    ScheduleVersionNotFound,
    ApprovalNotFound,
    EscalationNotFound,
    CourtOrderNotFound,
    PlacementNotFound,
    InboxItemNotFound,
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, NOT_FOUND):
        status, title = 404, "Not found"
    elif isinstance(error, NotPermitted):
        status, title = 403, "Not permitted"
    else:
        status, title = 422, "The request cannot be carried out"
    return problem(request, status=status, title=title, detail=error.message, field=error.field)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    first = error.errors[0] if error.errors else {}
    location = [
        str(part) for part in first.get("loc", []) if part not in ("body", "payload", "query", "path")
    ]
    field = ".".join(location) or None
    detail = f"{field}: {first.get('msg', 'invalid')}" if field else str(first.get("msg", "invalid request"))
    response = problem(request, status=422, title="Invalid request", detail=detail, field=field)
    return response


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problem(request, status=401, title="Not signed in", detail="send a bearer token or sign in")


from recoup.api import (  # noqa: E402  (routers register on the api above)
    accounts,
    arrangements,
    comms,
    compliance,
    contacts,
    contracts,
    escalations,
    inbox,
    notices,
    payments,
    work,
)

ROUTERS = (
    accounts,
    payments,
    contracts,
    contacts,
    work,
    arrangements,
    escalations,
    comms,
    inbox,
    notices,
    compliance,
)
for module in ROUTERS:
    api.add_router("/", module.router)
