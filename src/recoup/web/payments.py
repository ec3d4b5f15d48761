"""The account's payments panel: take a card payment through the provider, record money received
on another channel, and the list of payments with each card's brand and last four.

The card's number, expiry and security code are typed into inputs without a name: the page's script
(static web/payments/card-form.js) sends them from the browser to the provider's tokenization
endpoint and puts the token it answers into the form, so Recoup's form receives the token alone.
Without JavaScript the card form says so and cannot be sent; other channels work as plain forms.
Like the contacts panel, the panel is loaded by htmx and is also a page of its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.payments.models import Channel
from recoup.payments.operations import PaymentResult, card_payment_take, payment_may_take, payment_record
from recoup.payments.queries import payments_of
from recoup.payments.sandbox_endpoint import sandbox_tokens
from recoup.portfolio.errors import AccountNotFound
from recoup.web.pages import is_htmx, not_found, signed_in_user
from recoup.web.refusals import RefusingForm, choice_field, date_field, number_field, text_field
from recoup.web.templatetags.recoup_format import locale_for_currency, money

PAGE = "web/payments/page.html"
PANEL = "web/payments/panel.html"
OTHER_CHANNEL_CHOICES = [(c.value, c.label) for c in Channel if c != Channel.CARD]


def _attempt() -> str:
    """A fresh key for one rendering of a form: sending the same form twice takes one payment."""
    return secrets.token_urlsafe(16)


class CardPaymentForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "amount": "amount",
        "token": "token",
        "currency": None,
        "request_key": None,
    }
    first_field = "amount"

    amount = number_field("Amount", example="304.15")
    token = forms.CharField(
        label="Card",
        required=True,
        widget=forms.HiddenInput(),
        error_messages={"required": "Enter the card's details; the provider did not give a token for them."},
    )
    attempt = forms.CharField(widget=forms.HiddenInput())


class OtherPaymentForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "channel": "channel",
        "amount": "amount",
        "received_date": "received_date",
        "reference": "reference",
        "currency": None,
        "request_key": None,
    }
    first_field = "channel"

    channel = choice_field("Received by", OTHER_CHANNEL_CHOICES, initial=Channel.CHEQUE)
    amount = number_field("Amount", example="304.15")
    received_date = date_field("Received on")
    reference = text_field(
        "Reference",
        required=False,
        max_length=140,
        help_text="A cheque number, a bank or money order reference.",
    )
    attempt = forms.CharField(widget=forms.HiddenInput())


def _taker_only(request: HttpRequest) -> None:
    if not payment_may_take(request.user):
        raise PermissionDenied("Your role may read payments but not take them.")


def _context(request: HttpRequest, account_number: str, **forms_given: Any) -> dict[str, Any]:
    listing = payments_of(account_number)
    may_take = payment_may_take(request.user)
    card_form = forms_given.get("card_form") or CardPaymentForm(initial={"attempt": _attempt()})
    other_form = forms_given.get("other_form") or OtherPaymentForm(
        initial={"attempt": _attempt(), "received_date": clock.today()}
    )
    return {
        "account_number": listing.account_number,
        "listing": listing,
        "locale": locale_for_currency(listing.currency),
        "card_form": card_form if may_take else None,
        "other_form": other_form if may_take else None,
        "partial": is_htmx(request),
        "taken": request.GET.get("taken", ""),
    }


def _answer(request: HttpRequest, account_number: str, context: dict[str, Any]) -> HttpResponse:
    response = render(
        request, PANEL if is_htmx(request) else PAGE, context, status=200 if is_htmx(request) else 400
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@never_cache
@require_GET
def payments(request: HttpRequest, account_number: str) -> HttpResponse:
    """The account's payments, with the forms to take one for those who may."""
    try:
        context = _context(request, account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    response = render(request, PANEL if context["partial"] else PAGE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _done(request: HttpRequest, account_number: str, result: PaymentResult) -> HttpResponse:
    line = result.payment
    messages.success(
        request,
        f"{money(line.amount)} taken by {line.method_text}. The balance is now {money(result.balance)}; "
        "the customer is sent a receipt.",
    )
    if is_htmx(request):
        return redirect(f"{reverse('web:payments', args=[account_number])}?taken={line.payment_id}")
    return redirect(f"{reverse('web:account', args=[account_number])}#payments")


@login_required
@never_cache
@require_POST
def card_payment_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """Charge the card the provider tokenized; a decline is shown on the form and in the list."""
    _taker_only(request)
    form = CardPaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = card_payment_take(
                account_number=account_number,
                token=data["token"],
                amount=data["amount"],
                as_of=clock.today(),
                at=clock.now(),
                taken_by=signed_in_user(request),
                request_key=f"web:{request.user.pk}:{data['attempt']}",
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except DomainError as error:
            form.refuse(error)
        else:
            if result.taken:
                return _done(request, account_number, result)
            line = result.payment
            form.add_error(None, f"{line.method_text} was declined: {line.decline_reason} Nothing was taken.")
    context = _context(request, account_number, card_form=_renewed(form))
    context["open_form"] = "card"
    return _answer(request, account_number, context)


@login_required
@never_cache
@require_POST
def payment_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """Record money received by cash, cheque, bank transfer, money order or another way."""
    _taker_only(request)
    form = OtherPaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = payment_record(
                account_number=account_number,
                channel=data["channel"],
                amount=data["amount"],
                received_date=data["received_date"],
                reference=data["reference"],
                at=clock.now(),
                taken_by=signed_in_user(request),
                request_key=f"web:{request.user.pk}:{data['attempt']}",
            )
        except AccountNotFound:
            return not_found(request, account_number)
        except DomainError as error:
            form.refuse(error)
        else:
            return _done(request, account_number, result)
    context = _context(request, account_number, other_form=_renewed(form))
    context["open_form"] = "other"
    return _answer(request, account_number, context)


def _renewed(form: RefusingForm) -> RefusingForm:
    """The form as sent, with its errors, a new attempt key and no token (the agent enters the card
    again); a reference refused for holding a card number is not shown back either."""
    data = dict(form.data.items())
    data["attempt"] = _attempt()
    data.pop("token", None)
    if "reference" in form.errors:
        data["reference"] = ""
    form.data = data
    form.focus()
    return form


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/payments/", payments, name="payments"),
    path("accounts/<str:account_number>/payments/card/", card_payment_new, name="card_payment_new"),
    path("accounts/<str:account_number>/payments/new/", payment_new, name="payment_new"),
    # The sandbox provider's endpoint, apart from Recoup's forms as a real provider's would be.
    path("sandbox-provider/v1/tokens", sandbox_tokens, name="card_sandbox_tokens"),
]
