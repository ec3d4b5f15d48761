"""Escalations in the workbench: the Escalate page of an account, and the inbox of the team leaders
and the head of credit, where they acknowledge, close and mark read what was raised."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from recoup.collections import escalation_queries, escalations
from recoup.collections.errors import EscalationNotAllowed
from recoup.collections.escalation_queries import EscalationView
from recoup.collections.models import EscalationKind
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound
from recoup.web.pages import not_found, signed_in_user
from recoup.web.refusals import RefusingForm, choice_field

# The kinds a person usually raises by hand first; the rules' kinds follow.
_BY_HAND_FIRST = (
    EscalationKind.SUSPECTED_FRAUD,
    EscalationKind.BANKRUPTCY_MENTIONED,
    EscalationKind.VEHICLE_EXPORT,
    EscalationKind.VEHICLE_DAMAGE,
    EscalationKind.INSURANCE_LAPSE,
    EscalationKind.REPEATED_BROKEN_PROMISES,
    EscalationKind.LARGE_BALANCE_ROLLING,
    EscalationKind.OTHER,
)


class EscalationForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {"kind": "kind", "detail": "detail"}
    first_field = "kind"

    kind = choice_field("Risk", [(k.value, k.label) for k in _BY_HAND_FIRST])
    detail = forms.CharField(
        label="What you found",
        required=False,
        max_length=escalations.DETAIL_MAX_LENGTH,
        help_text="Required for suspected fraud and other risks.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def escalate_page(request: HttpRequest, account_number: str) -> HttpResponse:
    """The account's escalations, and the form to raise one."""
    user = signed_in_user(request)
    form = EscalationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                raised = escalations.escalation_raise(
                    account_number=account_number,
                    kind=form.cleaned_data["kind"],
                    detail=form.cleaned_data["detail"],
                    raised_by=user,
                    at=clock.now(),
                )
            except AccountNotFound:
                return not_found(request, account_number)
            except EscalationNotAllowed as error:
                if error.field == "role":
                    raise PermissionDenied(error.message) from None
                form.refuse(error)
            else:
                messages.success(
                    request,
                    f"Escalated: {raised.kind_label}. The team leaders and the head of credit are told.",
                )
                return redirect("web:escalate", account_number=account_number)
        status = 400
    form.focus()
    try:
        raised_before = escalation_queries.escalations_of(account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    context = {
        "account_number": account_number,
        "form": form,
        "escalations": raised_before,
        "may_raise": user.role in escalations.MAY_RAISE,
    }
    return render(request, "web/escalations/escalate.html", context, status=status)


@login_required
@never_cache
def inbox_page(request: HttpRequest) -> HttpResponse:
    try:
        inbox = escalation_queries.inbox_of(reader=signed_in_user(request))
    except EscalationNotAllowed as error:
        raise PermissionDenied(error.message) from None
    return render(request, "web/escalations/inbox.html", {"inbox": inbox})


@login_required
@require_POST
def escalation_acknowledge(request: HttpRequest, escalation_id: int) -> HttpResponse:
    return _handle(request, escalation_id, escalations.escalation_acknowledge, "Acknowledged")


@login_required
@require_POST
def escalation_close(request: HttpRequest, escalation_id: int) -> HttpResponse:
    return _handle(request, escalation_id, escalations.escalation_close, "Closed")


@login_required
@require_POST
def notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        escalations.notice_read(notice_id=notice_id, reader=signed_in_user(request), at=clock.now())
    except DomainError as error:
        messages.error(request, _text(error))
    return redirect("web:inbox")


def _handle(
    request: HttpRequest, escalation_id: int, operation: Callable[..., EscalationView], done: str
) -> HttpResponse:
    note = request.POST.get("note", "")
    try:
        handled = operation(
            escalation_id=escalation_id, by=signed_in_user(request), note=note, at=clock.now()
        )
    except EscalationNotAllowed as error:
        if error.field == "role":
            raise PermissionDenied(error.message) from None
        messages.error(request, _text(error))
    except DomainError as error:
        messages.error(request, _text(error))
    else:
        messages.success(request, f"{done}: {handled.kind_label} on {handled.account_number}.")
    return redirect("web:inbox")


def _text(error: DomainError) -> str:
    text = error.message.removeprefix(f"{error.field}: ") if error.field else error.message
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/escalate/", escalate_page, name="escalate"),
    path("inbox/", inbox_page, name="inbox"),
    path("inbox/<int:notice_id>/read/", notice_read, name="notice_read"),
    path(
        "escalations/<int:escalation_id>/acknowledge/", escalation_acknowledge, name="escalation_acknowledge"
    ),
    path("escalations/<int:escalation_id>/close/", escalation_close, name="escalation_close"),
]
