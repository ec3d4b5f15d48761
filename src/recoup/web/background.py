"""Settings: background work. Administrators see each scheduled task (the inbox fetch, the letter
run) with its schedule and its last runs (status, start, end, result or error), and queue an inbox
fetch now; `recoup worker` runs what is queued."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recoup.access.models import Role, User
from recoup.comms.background.errors import BackgroundNotAllowed
from recoup.comms.background.operations import inbox_fetch_run_now
from recoup.comms.background.queries import background_runs
from recoup.kernel import clock
from recoup.web.pages import signed_in_user


def _administrator(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if user.role != Role.ADMINISTRATOR:
        raise PermissionDenied("Background work is for administrators.")
    return user


@login_required
@never_cache
def background_work(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    return render(request, "web/background.html", {"tasks": background_runs()})


@login_required
@require_POST
def background_inbox_fetch(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    try:
        task_id = inbox_fetch_run_now(by=user, at=clock.now())
    except BackgroundNotAllowed as error:
        raise PermissionDenied(error.message) from None
    messages.success(request, f"Inbox fetch queued (task {task_id[:8]}): a running worker starts it at once.")
    return redirect("web:background_work")


urlpatterns: list[URLPattern] = [
    path("settings/background-work/", background_work, name="background_work"),
    path("settings/background-work/inbox-fetch/", background_inbox_fetch, name="background_inbox_fetch"),
]
