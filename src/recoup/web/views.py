"""Pages of the workbench. Each view reads its input, makes one query call and renders plain data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from recoup.portfolio import queries
from recoup.portfolio.errors import AccountNotFound, ScheduleVersionNotFound
from recoup.web.forms import SearchForm, SignInForm
from recoup.web.templatetags.recoup_format import locale_for_currency

SEARCH_LIMIT = 50


def workbench_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users only, GET only, and never kept by a browser or proxy cache (customer data)."""
    return login_required(never_cache(require_GET(view)))


def _is_htmx(request: HttpRequest) -> bool:
    """A partial is wanted for an htmx swap, but not when htmx restores a page from history."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _render(request: HttpRequest, full: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only the partial that an htmx request swaps in."""
    response = render(request, partial if _is_htmx(request) else full, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


@workbench_page
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    results = queries.account_search(text, limit=SEARCH_LIMIT) if text else []
    if (
        not _is_htmx(request)
        and request.GET.get("go") == "1"
        and len(results) == 1
        and results[0].account_number.casefold() == text.casefold()
    ):
        return redirect("web:account", account_number=results[0].account_number)
    context = {"q": text, "results": results, "limit": SEARCH_LIMIT, "searched": bool(text)}
    return _render(request, "web/search.html", "web/partials/search_results.html", context)


@workbench_page
def account(request: HttpRequest, account_number: str) -> HttpResponse:
    try:
        detail = queries.account_detail(account_number)
    except AccountNotFound:
        return _not_found(request, f"Account {account_number}", account_number)
    return render(request, "web/account.html", {"detail": detail, "locale": detail.summary.locale})


@workbench_page
def schedule_version(request: HttpRequest, account_number: str, version: int) -> HttpResponse:
    try:
        schedule = queries.schedule_version_view(account_number, version)
    except AccountNotFound:
        return _not_found(request, f"Account {account_number}", account_number)
    except ScheduleVersionNotFound:
        return _not_found(request, f"Schedule version {version} of account {account_number}", account_number)
    # ScheduleView carries no locale; its currency says which one its account writes in.
    locale = locale_for_currency(schedule.payment.currency)
    context: dict[str, Any] = {"account_number": account_number, "schedule": schedule, "locale": locale}
    return _render(request, "web/schedule_page.html", "web/partials/schedule.html", context)


def _not_found(request: HttpRequest, what: str, account_number: str) -> HttpResponse:
    """The app's own 404 page, naming what was looked for and offering a search for it."""
    context = {"what": what, "account_number": account_number}
    return render(request, "web/not_found.html", context, status=404)
