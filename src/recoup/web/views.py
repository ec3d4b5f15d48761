"""Pages of the workbench. Each view reads its input, makes one call and renders plain data or the error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from recoup.access.models import User
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio import queries
from recoup.portfolio.errors import AccountNotFound, ScheduleVersionNotFound
from recoup.portfolio.operations import contract_originate
from recoup.portfolio.quotes import Quote, schedule_plain
from recoup.web.contract_form import ContractForm
from recoup.web.forms import SearchForm, SignInForm
from recoup.web.quote_form import QuoteForm
from recoup.web.templatetags.recoup_access import may_book_contracts
from recoup.web.templatetags.recoup_format import locale_for_currency, money

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
        detail = queries.account_detail(account_number, viewer_role=getattr(request.user, "role", ""))
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


@workbench_page
def schedule_quote(request: HttpRequest) -> HttpResponse:
    """The schedule calculator: terms in the query string, the schedule below the form; nothing is stored."""
    form = QuoteForm(request.GET if "principal" in request.GET else None, initial=QuoteForm.INITIAL)
    schedule = None
    has_final_payment = False
    if form.is_valid():
        try:
            quote = Quote.parse(**form.terms())
            schedule = schedule_plain(quote.build(), quote.currency)
        except DomainError as error:
            form.refuse(error)
        else:
            has_final_payment = bool(quote.balloon_minor or quote.residual_minor)
    # After an htmx swap that worked, focus stays on the button that asked for it.
    form.focus(first=not (_is_htmx(request) and schedule))
    context = {
        "form": form,
        "schedule": schedule,
        "lease": form.is_lease,
        "has_final_payment": has_final_payment,
        "locale": locale_for_currency(schedule["currency"] if schedule else ""),
    }
    return _render(request, "web/schedule_quote.html", "web/partials/schedule_quote.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def contract_new(request: HttpRequest) -> HttpResponse:
    """Book a contract; a refusal is shown beside the input it names, and nothing is written."""
    user = request.user
    if not isinstance(user, User) or not may_book_contracts(user):
        raise PermissionDenied(
            "Booking contracts is for team leaders, the head of credit and administrators."
        )
    products = queries.product_choices()
    if request.method != "POST":
        form = ContractForm(products=products, initial={"origination_date": clock.today()})
        form.focus()
        return render(request, "web/contract_new.html", {"form": form})
    form = ContractForm(request.POST, products=products)
    if form.is_valid():
        try:
            booked = contract_originate(application=form.application(), at=clock.now(), created_by=user)
        except DomainError as error:
            form.refuse(error)
        else:
            name = f"{form.cleaned_data['given_name']} {form.cleaned_data['family_name']}".strip()
            messages.success(
                request,
                f"Contract booked for {name}: account {booked.account_number}, "
                f"{booked.installments} payments of {money(booked.payment)}.",
            )
            return redirect("web:account", account_number=booked.account_number)
    form.focus()
    return render(request, "web/contract_new.html", {"form": form}, status=400)


def _not_found(request: HttpRequest, what: str, account_number: str) -> HttpResponse:
    """The app's own 404 page, naming what was looked for and offering a search for it."""
    context = {"what": what, "account_number": account_number}
    return render(request, "web/not_found.html", context, status=404)
