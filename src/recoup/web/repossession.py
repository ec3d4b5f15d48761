"""The account page's repossession panel: may the vehicle be repossessed today, and why; the court
orders on record with their state; and, for team leaders, the head of credit and administrators, a
form to record an order and a button to revoke one recorded by mistake.

The account page loads the panel with htmx; it is also a page of its own for a browser without
JavaScript. Recording or revoking answers with a redirect to the panel (htmx swaps it in) or, without
htmx, to the account page; a refusal shows the panel again with the error beside its input, and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from recoup.access.models import User
from recoup.compliance.models import CourtOrderKind
from recoup.compliance.operations import (
    COURT_ORDER_COUNTRIES,
    court_order_may_record,
    court_order_record,
    court_order_revoke,
)
from recoup.compliance.queries import account_repossession
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound
from recoup.web.pages import is_htmx, not_found, signed_in_user, tab_done, tab_render
from recoup.web.refusals import RefusingForm, choice_field, date_field, text_field

PAGE = "web/repossession.html"
PANEL = "web/repossession_panel.html"
LOCALES = {"US": "en_US", "GB": "en_GB"}


class CourtOrderForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "kind": "kind",
        "court": "court",
        "reference": "reference",
        "granted_date": "granted_date",
        "expiry_date": "expiry_date",
        "conditions": "conditions",
        "account_number": None,
        "by": None,
        "at": None,
    }
    first_field = "kind"
    prefix = "order"

    kind = choice_field("Order", [("", "Choose…"), *CourtOrderKind.choices])
    court = text_field("Court", help_text="Such as U.S. Bankruptcy Court for the Southern District of Texas.")
    reference = text_field("Case or reference number", max_length=100)
    granted_date = date_field("Granted on")
    expiry_date = date_field(
        "In force until", required=False, help_text="The last day it is in force; blank when it has no end."
    )
    conditions = text_field(
        "Conditions", required=False, max_length=1000, help_text="What the order allows, in its words."
    )


class RevokeForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "reason": "reason",
        "court_order_id": None,
        "account_number": None,
        "by": None,
        "at": None,
    }
    first_field = "reason"

    reason = text_field("Reason for revoking", max_length=500)

    def __init__(self, data: Mapping[str, Any] | None = None, *, order_id: int) -> None:
        super().__init__(data, prefix=f"revoke-{order_id}")
        self.order_id = order_id


def _recorder(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not court_order_may_record(user):
        raise PermissionDenied(
            "Only a team leader, the head of credit or an administrator may record or revoke court orders."
        )
    return user


def _panel(
    request: HttpRequest,
    account_number: str,
    *,
    form: CourtOrderForm | None = None,
    revoke_form: RevokeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        view = account_repossession(account_number=account_number, on_date=clock.today())
    except AccountNotFound:
        return not_found(request, account_number)
    may_record = court_order_may_record(request.user)
    # Both kinds of order are US law: an agreement elsewhere gets no form to record one (a refused
    # post still shows its form, with the refusal beside the kind).
    if may_record and form is None and view.country in COURT_ORDER_COUNTRIES.values():
        form = CourtOrderForm()
    orders = [
        {
            "order": order,
            "revoke_form": revoke_form
            if revoke_form is not None and revoke_form.order_id == order.id
            else RevokeForm(order_id=order.id),
        }
        for order in view.orders
    ]
    context: dict[str, Any] = {
        "account_number": view.account_number,
        "view": view,
        "orders": orders,
        "locale": LOCALES.get(view.country, "en_US"),
        "form": form if may_record else None,
        "may_record": may_record,
    }
    return tab_render(request, PAGE, PANEL, context, status=status)


@login_required
@never_cache
@require_GET
def repossession(request: HttpRequest, account_number: str) -> HttpResponse:
    """Today's repossession decision with its reasons, and the court orders on record."""
    return _panel(request, account_number)


@login_required
@never_cache
@require_POST
def court_order_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """Record a court order; a refusal is shown beside the input it names, and nothing is written."""
    user = _recorder(request)
    form = CourtOrderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = court_order_record(
                account_number=account_number,
                kind=data["kind"],
                court=data["court"],
                reference=data["reference"],
                granted_date=data["granted_date"],
                expiry_date=data["expiry_date"],
                conditions=data["conditions"],
                by=user,
                at=clock.now(),
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Court order {recorded.reference} recorded.")
            return tab_done(request, "repossession", account_number)
    form.focus()
    return _panel(request, account_number, form=form, status=200 if is_htmx(request) else 400)


@login_required
@never_cache
@require_POST
def court_order_revoke_view(request: HttpRequest, account_number: str, order_id: int) -> HttpResponse:
    """Revoke an order recorded by mistake, giving the reason; it stays on record."""
    user = _recorder(request)
    form = RevokeForm(request.POST, order_id=order_id)
    if form.is_valid():
        try:
            court_order_revoke(
                account_number=account_number,
                court_order_id=order_id,
                reason=form.cleaned_data["reason"],
                by=user,
                at=clock.now(),
            )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, "Court order revoked; it stays on record.")
            return tab_done(request, "repossession", account_number)
    form.focus()
    return _panel(request, account_number, revoke_form=form, status=200 if is_htmx(request) else 400)


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/repossession/", repossession, name="repossession"),
    path(
        "accounts/<str:account_number>/repossession/court-orders/",
        court_order_new,
        name="court_order_new",
    ),
    path(
        "accounts/<str:account_number>/repossession/court-orders/<int:order_id>/revoke/",
        court_order_revoke_view,
        name="court_order_revoke",
    ),
]
