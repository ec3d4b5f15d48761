"""The daily cash reconciliation: each bank statement of a date against the receipts posted from
it, the cash still unapplied and the money set aside, with every difference listed."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from recoup.kernel import clock
from recoup.payments.statements.queries import cash_reconciliation
from recoup.web.pages import signed_in_user

MAY_READ = ("agent", "team_leader", "head_of_credit", "administrator", "auditor")


@login_required
@never_cache
def reconciliation_page(request: HttpRequest) -> HttpResponse:
    if signed_in_user(request).role not in MAY_READ:
        raise PermissionDenied("The cash reconciliation is for collections, credit and audit.")
    text = request.GET.get("date", "").strip()
    error = ""
    try:
        business_date = date.fromisoformat(text) if text else clock.today()
    except ValueError:
        business_date, error = clock.today(), f"{text!r} is not a date: write it as YYYY-MM-DD."
    report = cash_reconciliation(business_date=business_date)
    context = {"report": report, "date_text": business_date.isoformat(), "error": error}
    return render(request, "web/cash/reconciliation.html", context, status=400 if error else 200)


urlpatterns: list[URLPattern] = [
    path("cash/reconciliation/", reconciliation_page, name="cash_reconciliation"),
]
