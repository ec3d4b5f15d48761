"""The Security page: a user turns the optional second factor (two-step sign-in) on or off.

Setting up keeps the new secret in the session until a code from it is confirmed; only then is it
stored on the user, so a half-finished set-up never locks anyone out.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recoup.access import totp
from recoup.access.models import User
from recoup.access.two_factor import two_factor_disable, two_factor_enable
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.web import views
from recoup.web.forms import TwoFactorCodeForm
from recoup.web.pages import signed_in_user

SETUP_SECRET = "two_factor_setup_secret"  # noqa: S105 - a session key, not a secret


@login_required
@never_cache
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request, "web/security.html", {"two_factor_on": bool(user.totp_secret), "form": TwoFactorCodeForm()}
    )


@login_required
@never_cache
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    """A new secret for this set-up; pressing again starts over with another."""
    if signed_in_user(request).totp_secret:
        return redirect("web:security")
    request.session[SETUP_SECRET] = totp.secret_new()
    return redirect("web:two_factor_setup")


def _setup_context(user: User, secret: str, form: TwoFactorCodeForm) -> dict[str, object]:
    uri = totp.provisioning_uri(secret=secret, username=user.get_username())
    return {"secret": secret, "uri": uri, "qr_svg": totp.qr_svg(uri), "form": form}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """The secret as a QR code, an otpauth:// address and text; a current code from it turns it on."""
    user = signed_in_user(request)
    secret = request.session.get(SETUP_SECRET)
    if user.totp_secret or not secret:
        return redirect("web:security")
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            two_factor_enable(user=user, secret=secret, code=form.cleaned_data["code"], at=clock.now())
        except DomainError as error:
            form.refuse(error)
        else:
            del request.session[SETUP_SECRET]
            messages.success(request, "Two-step sign-in is on. From now on, signing in asks for a code.")
            return redirect("web:security")
    return render(request, "web/security_setup.html", _setup_context(user, secret, form))


@login_required
@never_cache
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    """Turning it off takes a current code, so a session left open is not enough."""
    user = signed_in_user(request)
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            two_factor_disable(user=user, code=form.cleaned_data["code"], at=clock.now())
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, "Two-step sign-in is off. Signing in asks for your password only.")
            return redirect("web:security")
    return render(request, "web/security.html", {"two_factor_on": bool(user.totp_secret), "form": form})


urlpatterns: list[URLPattern] = [
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("security/", security, name="security"),
    path("security/two-factor/new/", two_factor_start, name="two_factor_start"),
    path("security/two-factor/", two_factor_setup, name="two_factor_setup"),
    path("security/two-factor/off/", two_factor_off, name="two_factor_off"),
]
