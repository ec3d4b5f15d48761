"""The account page's heavier panels, loaded when they are opened: the ledger history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from recoup.portfolio import queries
from recoup.portfolio.errors import AccountNotFound
from recoup.web.templatetags.recoup_format import locale_for_currency
from recoup.web.views import workbench_page


@workbench_page
def account_ledger(request: HttpRequest, account_number: str) -> HttpResponse:
    try:
        entries, balances = queries.account_ledger(account_number)
    except AccountNotFound:
        return HttpResponse("No such account.", status=404)
    locale = locale_for_currency(balances[0].amount.currency) if balances else "en_US"
    context = {"entries": entries, "balances": balances, "locale": locale}
    return render(request, "web/partials/ledger.html", context)


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/ledger/", account_ledger, name="account_ledger"),
]
