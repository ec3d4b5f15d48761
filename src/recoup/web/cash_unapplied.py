"""Unapplied cash: the statement lines the matching could not place, and the line page where an
agent applies one to an account, splits it among several, or sets it aside as not customer money."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recoup.access.models import User
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.payments.statements import queries, unapplied
from recoup.payments.statements.errors import LineNotFound, LineNotInQueue
from recoup.web.pages import signed_in_user
from recoup.web.refusals import AMOUNT, RefusingForm, number_field, text_field

MAY_WORK = ("agent", "team_leader", "head_of_credit", "administrator")
SPLIT_PARTS = 3


class ApplyForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {"account_number": "account_number", "line": None}
    first_field = "account_number"

    account_number = text_field("Account number", max_length=20, attrs={"autocomplete": "off"})


class SplitForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "parts": None,
        "line": None,
        **{f"parts[{n}].account_number": f"account_{n + 1}" for n in range(SPLIT_PARTS)},
        **{f"parts[{n}].amount": f"amount_{n + 1}" for n in range(SPLIT_PARTS)},
    }
    first_field = "account_1"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, SPLIT_PARTS + 1):
            required = n <= 2
            self.fields[f"account_{n}"] = text_field(
                f"Account {n}", required=required, max_length=20, attrs={"autocomplete": "off"}
            )
            self.fields[f"amount_{n}"] = number_field(f"Amount {n}", example=AMOUNT, required=required)

    def parts(self) -> list[unapplied.Part]:
        data = self.cleaned_data
        return [
            unapplied.Part(data[f"account_{n}"], data[f"amount_{n}"])
            for n in range(1, SPLIT_PARTS + 1)
            if data.get(f"account_{n}") or data.get(f"amount_{n}")
        ]


class SetAsideForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {"reason": "reason"}
    first_field = "reason"

    reason = forms.CharField(
        label="Why this is not customer money",
        max_length=unapplied.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _worker(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if user.role not in MAY_WORK:
        raise PermissionDenied("Unapplied cash is worked by agents, team leaders and the head of credit.")
    return user


@login_required
@never_cache
def queue_page(request: HttpRequest) -> HttpResponse:
    _worker(request)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    return render(request, "web/cash/unapplied.html", {"queue": queries.unapplied_queue(page=page)})


@login_required
@never_cache
def line_page(request: HttpRequest, line_id: int) -> HttpResponse:
    _worker(request)
    return _line_render(request, line_id, {})


def _line_render(
    request: HttpRequest, line_id: int, forms_given: dict[str, RefusingForm], status: int = 200
) -> HttpResponse:
    try:
        line = queries.line_detail(line_id=line_id)
    except LineNotFound:
        return render(request, "web/not_found.html", {"what": f"Statement line {line_id}"}, status=404)
    split = forms_given.get("split") or SplitForm()
    context = {
        "line": line,
        "in_queue": line.status in ("ambiguous", "unmatched"),
        "apply_form": forms_given.get("apply") or ApplyForm(),
        "split_form": split,
        "aside_form": forms_given.get("aside") or SetAsideForm(),
        "split_rows": [(split[f"account_{n}"], split[f"amount_{n}"]) for n in range(1, SPLIT_PARTS + 1)],
    }
    return render(request, "web/cash/line.html", context, status=status)


def _line_act(
    request: HttpRequest,
    line_id: int,
    form: RefusingForm,
    slot: str,
    act: Callable[[RefusingForm], str],
) -> HttpResponse:
    """Carry out one agent action on a line: back to the queue with its message when done, or when
    the line is gone from the queue; the line's page again with the form's errors otherwise."""
    if form.is_valid():
        try:
            done = act(form)
        except (LineNotFound, LineNotInQueue) as error:
            messages.error(request, error.message)
            return redirect("web:cash_unapplied")
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, done)
            return redirect("web:cash_unapplied")
    form.focus()
    return _line_render(request, line_id, {slot: form}, status=400)


@login_required
@require_POST
def line_apply(request: HttpRequest, line_id: int) -> HttpResponse:
    user = _worker(request)

    def act(form: RefusingForm) -> str:
        number = form.cleaned_data["account_number"]
        unapplied.line_apply(line_id=line_id, account_number=number, by=user, at=clock.now())
        return f"Applied line {line_id} to account {number.strip()}."

    return _line_act(request, line_id, ApplyForm(request.POST), "apply", act)


@login_required
@require_POST
def line_split(request: HttpRequest, line_id: int) -> HttpResponse:
    user = _worker(request)

    def act(form: RefusingForm) -> str:
        parts = cast(SplitForm, form).parts()
        unapplied.line_split(line_id=line_id, parts=parts, by=user, at=clock.now())
        return f"Split line {line_id} among {len(parts)} accounts."

    return _line_act(request, line_id, SplitForm(request.POST), "split", act)


@login_required
@require_POST
def line_set_aside(request: HttpRequest, line_id: int) -> HttpResponse:
    user = _worker(request)

    def act(form: RefusingForm) -> str:
        unapplied.line_set_aside(line_id=line_id, reason=form.cleaned_data["reason"], by=user, at=clock.now())
        return f"Set line {line_id} aside as not customer money."

    return _line_act(request, line_id, SetAsideForm(request.POST), "aside", act)


urlpatterns: list[URLPattern] = [
    path("cash/unapplied/", queue_page, name="cash_unapplied"),
    path("cash/unapplied/<int:line_id>/", line_page, name="cash_line"),
    path("cash/unapplied/<int:line_id>/apply/", line_apply, name="cash_line_apply"),
    path("cash/unapplied/<int:line_id>/split/", line_split, name="cash_line_split"),
    path("cash/unapplied/<int:line_id>/set-aside/", line_set_aside, name="cash_line_set_aside"),
]
