"""The account page's placements panel: the account's placements with outside agencies (debt
collection agencies, solicitors, repossession agents, trace specialists) with their state today, and
whether a third-party collector holds it (the contact gate then applies the third-party rule pack);
for team leaders, the head of credit and administrators, a form to place the account and one to
recall each open placement, giving the reason.

Loaded into the account page with htmx, like the repossession panel, and a page of its own for a
browser without JavaScript. Placing or recalling answers with a redirect to the panel (htmx swaps it
in) or, without htmx, to the account page; a refusal shows the panel again with the error beside its
input, and nothing is written.
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
from recoup.compliance.models import PlacementKind
from recoup.compliance.operations import placement_may_record, placement_recall, placement_record
from recoup.compliance.queries import account_placements
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound
from recoup.web.pages import is_htmx, not_found, signed_in_user, tab_done, tab_render
from recoup.web.refusals import RefusingForm, choice_field, date_field, text_field

PAGE = "web/placements.html"
PANEL = "web/placements_panel.html"
LOCALES = {"US": "en_US", "GB": "en_GB"}


class PlacementForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "kind": "kind",
        "agency": "agency",
        "placed_date": "placed_date",
        "account_number": None,
        "by": None,
        "at": None,
    }
    first_field = "kind"
    prefix = "placement"

    kind = choice_field("Placed with", [("", "Choose…"), *PlacementKind.choices])
    agency = text_field("Agency", max_length=200, help_text="The firm's name, as on its contract.")
    placed_date = date_field("Placed on", required=False, help_text="Blank for today.")


class RecallForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "reason": "reason",
        "recalled_date": "recalled_date",
        "placement_id": None,
        "kind": None,
        "account_number": None,
        "by": None,
        "at": None,
    }
    first_field = "reason"

    reason = text_field("Reason for recalling", max_length=500)
    recalled_date = date_field("Recalled on", required=False, help_text="Blank for today.")

    def __init__(self, data: Mapping[str, Any] | None = None, *, placement_id: int) -> None:
        super().__init__(data, prefix=f"recall-{placement_id}")
        self.placement_id = placement_id


def _placer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not placement_may_record(user):
        raise PermissionDenied(
            "Only a team leader, the head of credit or an administrator may place an account with an "
            "agency or recall it."
        )
    return user


def _panel(
    request: HttpRequest,
    account_number: str,
    *,
    form: PlacementForm | None = None,
    recall_form: RecallForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        view = account_placements(account_number=account_number, on_date=clock.today())
    except AccountNotFound:
        return not_found(request, account_number)
    may_record = placement_may_record(request.user)
    if may_record and form is None:
        form = PlacementForm()
    placements = [
        {
            "placement": placement,
            "recall_form": recall_form
            if recall_form is not None and recall_form.placement_id == placement.id
            else RecallForm(placement_id=placement.id),
        }
        for placement in view.placements
    ]
    context: dict[str, Any] = {
        "account_number": view.account_number,
        "view": view,
        "placements": placements,
        "locale": LOCALES.get(view.country, "en_US"),
        "form": form if may_record else None,
        "may_record": may_record,
    }
    return tab_render(request, PAGE, PANEL, context, status=status)


@login_required
@never_cache
@require_GET
def placements(request: HttpRequest, account_number: str) -> HttpResponse:
    """The account's placements with their state today, and who collects it."""
    return _panel(request, account_number)


@login_required
@never_cache
@require_POST
def placement_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """Place the account with an agency; a refusal is shown beside the input it names."""
    user = _placer(request)
    form = PlacementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = placement_record(
                account_number=account_number,
                kind=data["kind"],
                agency=data["agency"],
                placed_date=data["placed_date"],
                by=user,
                at=clock.now(),
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Placed with {recorded.agency}.")
            return tab_done(request, "placements", account_number)
    form.focus()
    return _panel(request, account_number, form=form, status=200 if is_htmx(request) else 400)


@login_required
@never_cache
@require_POST
def placement_recall_view(request: HttpRequest, account_number: str, placement_id: int) -> HttpResponse:
    """Take the account back from the agency, giving the reason; the placement stays on record."""
    user = _placer(request)
    form = RecallForm(request.POST, placement_id=placement_id)
    if form.is_valid():
        try:
            recalled = placement_recall(
                account_number=account_number,
                placement_id=placement_id,
                reason=form.cleaned_data["reason"],
                recalled_date=form.cleaned_data["recalled_date"],
                by=user,
                at=clock.now(),
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Recalled from {recalled.agency}; the placement stays on record.")
            return tab_done(request, "placements", account_number)
    form.focus()
    return _panel(request, account_number, recall_form=form, status=200 if is_htmx(request) else 400)


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/placements/", placements, name="placements"),
    path("accounts/<str:account_number>/placements/new/", placement_new, name="placement_new"),
    path(
        "accounts/<str:account_number>/placements/<int:placement_id>/recall/",
        placement_recall_view,
        name="placement_recall",
    ),
]
