"""What every page module of the workbench needs: the signed-in user, whether htmx asked for a
partial, and the app's own not-found page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recoup.access.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The user behind the request (the views are behind login_required; this also tells mypy)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def is_htmx(request: HttpRequest) -> bool:
    """A partial is wanted for an htmx swap, but not when htmx restores a page from history."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def not_found(request: HttpRequest, account_number: str, what: str = "") -> HttpResponse:
    """The app's own 404 page, naming what was looked for and offering a search for the account."""
    context = {"what": what or f"Account {account_number}", "account_number": account_number}
    return render(request, "web/not_found.html", context, status=404)
