"""Arrangements (the calculator and requests) and credits on an account, and the approvals inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from recoup.access.limits import LIMIT_LABELS, Limit
from recoup.collections import approvals, arrangements, credits
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound
from recoup.web.arrangement_form import ArrangementForm, CreditForm, DecisionForm
from recoup.web.pages import not_found, signed_in_user


def _in_effect(made: arrangements.ArrangementView) -> str:
    if made.schedule_version is not None:
        return f"schedule version {made.schedule_version}"
    count = len(made.payments)
    return f"{count} payment{'s' if count != 1 else ''} to {made.end_date.isoformat()}"


def _limits_text(names: tuple[str, ...]) -> str:
    return ", ".join(LIMIT_LABELS[Limit(n)] for n in names)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def arrangement_page(request: HttpRequest, account_number: str) -> HttpResponse:
    """GET with terms: the calculator's answer; POST: make the arrangement (or its approval request)."""
    user = signed_in_user(request)
    posting = request.method == "POST"
    form = ArrangementForm(request.POST if posting else (request.GET if "kind" in request.GET else None))
    quote = None
    status = 200
    if form.is_bound and form.is_valid():
        try:
            if posting:
                if user.role not in arrangements.MAY_ARRANGE:
                    raise PermissionDenied(
                        "Only agents, team leaders and the head of credit make arrangements."
                    )
                made = arrangements.arrangement_request(
                    account_number=account_number,
                    terms=form.terms(),
                    requested_by=user,
                    as_of=clock.today(),
                    at=clock.now(),
                    note=form.cleaned_data["note"],
                )
                if made.status == "active":
                    messages.success(request, f"Arrangement in effect: {_in_effect(made)}.")
                else:
                    messages.info(
                        request,
                        f"Beyond your authority ({_limits_text(made.exceeded)}): sent for approval.",
                    )
                return redirect("web:arrangements", account_number=account_number)
            quote = arrangements.arrangement_quote(
                account_number=account_number, terms=form.terms(), asked_by=user, as_of=clock.today()
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except DomainError as error:
            form.refuse(error)
            status = 400
    elif form.is_bound:
        status = 400
    form.focus()
    try:
        made_before = arrangements.arrangements_of(account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    context = {
        "account_number": account_number,
        "form": form,
        "quote": quote,
        "exceeded_text": _limits_text(quote.exceeded) if quote else "",
        "arrangements": made_before,
        "may_arrange": user.role in arrangements.MAY_ARRANGE,
    }
    return render(request, "web/arrangements/page.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def credit_page(request: HttpRequest, account_number: str) -> HttpResponse:
    """The account's credits and fee waivers, and the form to give one."""
    user = signed_in_user(request)
    form = CreditForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if user.role not in credits.MAY_CREDIT:
            raise PermissionDenied("Only agents, team leaders and the head of credit give credits.")
        if form.is_valid():
            try:
                made = credits.credit_request(
                    account_number=account_number,
                    kind=form.cleaned_data["kind"],
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    requested_by=user,
                    as_of=clock.today(),
                    at=clock.now(),
                )
            except AccountNotFound:
                return not_found(request, account_number)
            except DomainError as error:
                form.refuse(error)
            else:
                if made.status == "posted":
                    messages.success(request, f"Posted: {made.kind.replace('_', ' ')} of {made.amount}.")
                else:
                    messages.info(request, "Beyond your credit limit: sent for approval.")
                return redirect("web:credits", account_number=account_number)
        status = 400
    form.focus()
    try:
        given = credits.credits_of(account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    context = {
        "account_number": account_number,
        "form": form,
        "credits": given,
        "may_credit": user.role in credits.MAY_CREDIT,
        "reasons": credits.CREDIT_REASONS,
    }
    return render(request, "web/arrangements/credits.html", context, status=status)


@login_required
@never_cache
def approvals_inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    pending = approvals.approvals_pending(reader=user)
    rows = [(a, _limits_text(a.exceeded)) for a in pending]
    return render(request, "web/arrangements/approvals.html", {"rows": rows})


@login_required
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    user = signed_in_user(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("web:approvals")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = approvals.approval_decide(
            approval_id=approval_id,
            decided_by=user,
            approve=approve,
            note=form.cleaned_data["note"],
            as_of=clock.today(),
            at=clock.now(),
        )
    except DomainError as error:
        messages.error(
            request, error.message.removeprefix(f"{error.field}: ") if error.field else error.message
        )
        return redirect("web:approvals")
    what = f"the {decided.subject} on {decided.account_number}"
    if not approve:
        messages.info(request, f"Rejected: {what} was not made.")
    elif decided.arrangement is not None:
        messages.success(request, f"Approved: {what} is in effect ({_in_effect(decided.arrangement)}).")
    else:
        messages.success(request, f"Approved: {what} is posted.")
    return redirect("web:approvals")


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/arrangements/", arrangement_page, name="arrangements"),
    path("accounts/<str:account_number>/credits/", credit_page, name="credits"),
    path("approvals/", approvals_inbox, name="approvals"),
    path("approvals/<int:approval_id>/decide/", approval_decide, name="approval_decide"),
]
