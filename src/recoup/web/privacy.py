"""Revealing masked personal data on the account page (htmx): one audited reveal per press."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recoup.kernel import clock
from recoup.portfolio.errors import AccountNotFound, RevealNotAllowed
from recoup.portfolio.operations import personal_data_reveal
from recoup.web.pages import signed_in_user


@login_required
@never_cache
@require_POST
def reveal(request: HttpRequest, account_number: str, party_id: int, field: str) -> HttpResponse:
    user = signed_in_user(request)
    try:
        values = personal_data_reveal(
            account_number=account_number, party_id=party_id, field=field, viewer=user, at=clock.now()
        )
    except AccountNotFound:
        return HttpResponse("No such account.", status=404)
    except RevealNotAllowed as error:
        return HttpResponse(error.message.removeprefix("field: ").removeprefix("party_id: "), status=403)
    return render(request, "web/partials/revealed.html", {"values": values, "field": field})


urlpatterns: list[URLPattern] = [
    path(
        "accounts/<str:account_number>/parties/<int:party_id>/reveal/<str:field>/",
        reveal,
        name="personal_data_reveal",
    ),
]
