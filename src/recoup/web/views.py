"""Pages of the workbench. Each view reads its input, makes one call and renders plain data or the error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
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
from recoup.web.forms import SearchForm, SignInCodeForm, SignInForm
from recoup.web.pages import is_htmx, not_found
from recoup.web.quote_form import QuoteForm
from recoup.web.templatetags.recoup_access import may_book_contracts
from recoup.web.templatetags.recoup_format import locale_for_currency, money

SEARCH_LIMIT = 50


def workbench_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in users only, GET only, and never kept by a browser or proxy cache (customer data)."""
    return login_required(never_cache(require_GET(view)))


def _render(request: HttpRequest, full: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only the partial that an htmx request swaps in."""
    response = render(request, partial if is_htmx(request) else full, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# Between the password and the code the session holds who is signing in, not a signed-in user.
PENDING_SIGN_IN = "sign_in_pending"
PENDING_SIGN_IN_AGE = timedelta(minutes=5)


class SignInView(auth_views.LoginView):
    """The first step: username and password. With a second factor on, the code is asked next and
    the session is not signed in until it is right."""

    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if not (isinstance(user, User) and user.totp_secret):
            return super().form_valid(form)
        self.request.session[PENDING_SIGN_IN] = {
            "user_id": user.pk,
            # authenticate() names the backend that accepted the password; login() needs it later.
            "backend": getattr(user, "backend"),  # noqa: B009
            "username": form.cleaned_data["username"],
            "started_at": clock.now().timestamp(),
            "next": self.get_success_url(),
        }
        return redirect("web:sign_in_code")


def _pending_sign_in(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """Who passed the password step in this session in the last five minutes, or None."""
    pending = request.session.get(PENDING_SIGN_IN)
    if not pending:
        return None
    started_at = datetime.fromtimestamp(pending["started_at"], tz=UTC)
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None or not user.totp_secret or clock.now() - started_at > PENDING_SIGN_IN_AGE:
        del request.session[PENDING_SIGN_IN]
        return None
    return user, pending


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the authenticator app; wrong codes count towards the lock."""
    found = _pending_sign_in(request)
    if found is None:
        messages.info(request, "Sign in with your username and password first.")
        return redirect("web:login")
    user, pending = found
    form = SignInCodeForm(
        request.POST if request.method == "POST" else None, user=user, username=pending["username"]
    )
    if form.is_valid():
        del request.session[PENDING_SIGN_IN]
        auth_login(request, user, backend=pending["backend"])
        return redirect(pending["next"])
    if form.locked:
        del request.session[PENDING_SIGN_IN]
    return render(request, "web/sign_in_code.html", {"form": form, "locked": form.locked})


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
        not is_htmx(request)
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
        role = getattr(request.user, "role", "")
        # The schedule and ledger panels load when opened (account_panels, schedule_version).
        detail = queries.account_detail(account_number, viewer_role=role, history=False)
    except AccountNotFound:
        return not_found(request, account_number, f"Account {account_number}")
    return render(request, "web/account.html", {"detail": detail, "locale": detail.summary.locale})


@workbench_page
def schedule_version(request: HttpRequest, account_number: str, version: int) -> HttpResponse:
    try:
        schedule = queries.schedule_version_view(account_number, version)
    except AccountNotFound:
        return not_found(request, account_number, f"Account {account_number}")
    except ScheduleVersionNotFound:
        return not_found(request, account_number, f"Schedule version {version} of account {account_number}")
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
    form.focus(first=not (is_htmx(request) and schedule))
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
