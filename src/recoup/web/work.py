"""Get next, the agent's held work and the team leader's queue board."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recoup.access.models import User
from recoup.collections import work
from recoup.collections.errors import NothingToWork
from recoup.collections.work_queries import queue_board, work_held
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.web.pages import signed_in_user
from recoup.web.views import workbench_page

TREATMENTS = {
    "call": "call",
    "letter": "send a letter to",
    "email": "email",
    "sms": "text",
    "field_visit": "arrange a field visit to",
    "escalate": "review for escalation",
}


@login_required
@never_cache
@require_POST
def work_next(request: HttpRequest) -> HttpResponse:
    """Take the next account to work and open it; or say there is nothing to work."""
    try:
        taken = work.work_next(agent=signed_in_user(request), at=clock.now())
    except NothingToWork as nothing:
        messages.info(
            request, f"Nothing to work: {nothing.message.removeprefix('nothing to work')}".strip(" :")
        )
        return redirect("web:work")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:work")
    verb = TREATMENTS.get(taken.treatment, taken.treatment)
    if taken.how == "held":
        text = (
            f"You are still working account {taken.account_number} ({taken.queue_name}): {verb} the customer."
        )
    else:
        source = "assigned to you" if taken.how == "assigned" else f"from {taken.queue_name}"
        text = f"Next: account {taken.account_number}, {source}: {verb} the customer."
    messages.success(request, text)
    return redirect("web:account", account_number=taken.account_number)


@workbench_page
def work_mine(request: HttpRequest) -> HttpResponse:
    """The agent's own work: what they hold now, with Get next and Release."""
    user = signed_in_user(request)
    context = {
        "held": work_held(agent=user),
        "may_take_work": work.may_take_work(user),
        "may_read_board": work.may_read_board(user),
    }
    return render(request, "web/work/mine.html", context)


@login_required
@never_cache
@require_POST
def work_release(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        work.work_release(agent=signed_in_user(request), item_id=item_id, at=clock.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, "Released: the account is back in its queue.")
    return redirect("web:work")


@workbench_page
def board(request: HttpRequest) -> HttpResponse:
    """The queue board: sizes and ages, pause and resume, priority, holds, assignment."""
    user = signed_in_user(request)
    if not work.may_read_board(user):
        raise PermissionDenied(
            "The queue board is for team leaders, the head of credit, administrators and auditors."
        )
    now = clock.now()
    context = {
        "board": queue_board(at=now, as_of=clock.today()),
        "may_manage": work.may_manage_queues(user),
    }
    return render(request, "web/work/board.html", context)


@login_required
@never_cache
@require_POST
def queue_change(request: HttpRequest, code: str) -> HttpResponse:
    """Pause, resume or reprioritise one queue from the board."""
    user, now = signed_in_user(request), clock.now()
    action = request.POST.get("action", "")
    try:
        if action == "pause":
            work.queue_pause(code=code, by=user, at=now)
        elif action == "resume":
            work.queue_resume(code=code, by=user, at=now)
        elif action == "priority":
            priority = _whole(request.POST.get("priority", ""), "priority")
            work.queue_reprioritise(code=code, priority=priority, by=user, at=now)
        else:
            raise DomainError(f"action: {action!r} is not pause, resume or priority", field="action")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Queue {code}: {action} done.")
    return redirect("web:queue_board")


@login_required
@never_cache
@require_POST
def work_assign(request: HttpRequest) -> HttpResponse:
    """Assign an account's work item to an agent (no agent: back to the whole queue) from the board."""
    user = signed_in_user(request)
    account_number = request.POST.get("account_number", "").strip()
    agent_id = request.POST.get("agent", "")
    agent = User.objects.filter(pk=int(agent_id)).first() if agent_id.isdigit() else None
    try:
        work.work_assign(account_number=account_number, agent=agent, by=user, at=clock.now())
    except DomainError as error:
        messages.error(request, error.message)
    else:
        whom = agent.get_full_name() or agent.username if agent else "the whole queue"
        messages.success(request, f"Account {account_number} assigned to {whom}.")
    return redirect("web:queue_board")


def _whole(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError(f"{field}: {text!r} is not a whole number", field=field) from None


urlpatterns: list[URLPattern] = [
    path("work/", work_mine, name="work"),
    path("work/next/", work_next, name="work_next"),
    path("work/<int:item_id>/release/", work_release, name="work_release"),
    path("work/queues/", board, name="queue_board"),
    path("work/queues/<str:code>/", queue_change, name="queue_change"),
    path("work/assign/", work_assign, name="work_assign"),
]
