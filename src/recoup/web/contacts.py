"""Pages and partials for recording contacts and promises to pay on an account.

The account page loads the contacts panel with htmx; the panel is also a page of its own for a
browser without JavaScript. Recording answers with a redirect to the panel (htmx swaps it in) or,
without htmx, to the account page; a refusal shows the form again with the error beside its input.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from recoup.collections.contact_queries import contact_history
from recoup.collections.contacts import contact_may_record, contact_record
from recoup.compliance.errors import ContactNotPermitted
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound
from recoup.web.contact_form import ContactForm
from recoup.web.pages import is_htmx, not_found, signed_in_user
from recoup.web.templatetags.recoup_format import locale_for_currency, money

PAGE = "web/contacts.html"
PANEL = "web/partials/contacts_panel.html"
FORM = "web/partials/contacts_form.html"
PROMISE_LINES = "web/partials/contacts_promise.html"


def _recorder_only(request: HttpRequest) -> None:
    if not contact_may_record(request.user):
        raise PermissionDenied("Auditors may read contacts and promises but not record them.")


@login_required
@never_cache
@require_GET
def contacts(request: HttpRequest, account_number: str) -> HttpResponse:
    """The account's promises and contact history, with the form to log a contact for those who may."""
    try:
        history = contact_history(account_number=account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    may_record = contact_may_record(request.user)
    context: dict[str, Any] = {
        "account_number": history.account_number,
        "history": history,
        "locale": locale_for_currency(history.currency),
        "form": ContactForm(initial={"currency": history.currency}) if may_record else None,
        "recorded": request.GET.get("recorded", ""),
        "partial": is_htmx(request),
    }
    response = render(request, PANEL if context["partial"] else PAGE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@never_cache
@require_POST
def contact_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """Record a contact; a refusal is shown beside the input it names, and nothing is written."""
    _recorder_only(request)
    form = ContactForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = contact_record(
                account_number=account_number,
                channel=data["channel"],
                direction=data["direction"],
                outcome=data["outcome"],
                agent=signed_in_user(request),
                at=clock.now(),
                next_action_date=data["next_action_date"],
                notes=data["notes"],
                promise=form.promise(),
                as_of=clock.today(),
                acknowledged_reasons=form.acknowledged_reasons(),
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except ContactNotPermitted as warning:
            form.warn(warning)
        except DomainError as error:
            form.refuse(error)
        else:
            promised = recorded.promise
            messages.success(
                request,
                f"{recorded.channel_label} recorded: {recorded.outcome_label.lower()}"
                + (f", {money(promised.total)} promised." if promised else "."),
            )
            if is_htmx(request):
                return redirect(
                    f"{reverse('web:contacts', args=[account_number])}?recorded={recorded.contact_id}"
                )
            return redirect(f"{reverse('web:account', args=[account_number])}#contacts")
    form.focus()
    context = {"account_number": account_number, "form": form, "history": None}
    if is_htmx(request):
        # Only the form is swapped back, so what the agent typed and where they were stay put.
        response = render(request, FORM, context)
        response["HX-Retarget"] = "#contact-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, PAGE, context, status=400)


@login_required
@never_cache
@require_GET
def contact_promise_lines(request: HttpRequest, account_number: str) -> HttpResponse:
    """The promise lines of the form as typed so far: shown when the outcome is a promise, with one
    more line when asked for."""
    _recorder_only(request)
    form = ContactForm(initial=request.GET.dict(), add_row="add" in request.GET)
    return render(request, PROMISE_LINES, {"account_number": account_number, "form": form})


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/contacts/", contacts, name="contacts"),
    path("accounts/<str:account_number>/contacts/new/", contact_new, name="contact_new"),
    path(
        "accounts/<str:account_number>/contacts/promise-lines/",
        contact_promise_lines,
        name="contact_promise_lines",
    ),
]
