"""What every page module of the workbench needs: the signed-in user, whether htmx asked for a
partial, and the app's own not-found page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

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


def tab_render(
    request: HttpRequest, page: str, panel: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """An account page's tab: the panel alone for an htmx swap, else the whole page around it."""
    context["partial"] = is_htmx(request)
    response = render(request, panel if context["partial"] else page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def tab_done(request: HttpRequest, view_name: str, account_number: str) -> HttpResponse:
    """After a write from a tab: the tab again for htmx, else the account page open at that tab
    (whose anchor is the view's name)."""
    if is_htmx(request):
        return redirect(f"web:{view_name}", account_number)
    return redirect(f"{reverse('web:account', args=[account_number])}#{view_name}")
