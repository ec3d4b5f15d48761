"""Sessions end after 30 minutes without a request (idle) and 8 hours after signing in (absolute).

Django alone offers one or the other: SESSION_COOKIE_AGE counts from the session's last save, and
SESSION_SAVE_EVERY_REQUEST would turn that into an idle timeout at the price of a session write on
every request and with no absolute limit at all. This middleware keeps both limits in the session
and writes the last-seen moment at most once a minute, so a page full of htmx requests costs one
write, not dozens. The clock is the interfaces' clock, so tests can move it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from recoup.kernel import clock

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
TOUCH_EVERY = timedelta(minutes=1)


def _limits() -> tuple[timedelta, timedelta]:
    idle = timedelta(seconds=settings.RECOUP_SESSION_IDLE_AGE)
    absolute = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return idle, absolute


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = clock.now().timestamp()
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen_at = session.get(LAST_SEEN_AT, now)
        idle, absolute = _limits()
        if now - last_seen_at > idle.total_seconds():
            return self._signed_out(request, f"after {_minutes(idle)} without activity")
        if now - signed_in_at > absolute.total_seconds():
            return self._signed_out(request, f"{_minutes(absolute)} after signing in")
        if LAST_SEEN_AT not in session or now - last_seen_at >= TOUCH_EVERY.total_seconds():
            session[LAST_SEEN_AT] = now
        return self.get_response(request)

    def _signed_out(self, request: HttpRequest, why: str) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            # The API answers for itself: now anonymous, the request gets its 401 in JSON.
            return self.get_response(request)
        messages.info(request, f"You were signed out {why}. Sign in again to carry on.")
        # Back to the page asked for after signing in again, unless it was a form being sent.
        target = resolve_url(settings.LOGIN_URL)
        if request.method == "GET" and request.get_full_path() != "/":
            target = redirect_to_login(request.get_full_path())["Location"]
        if request.headers.get("HX-Request") == "true":
            # An htmx swap would put the sign-in page inside a panel; send the whole page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
