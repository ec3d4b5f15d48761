"""Bank debits on the account's Payments tab: the customer's ACH authorizations and Direct Debit
Instructions, and a form to record a new one as the customer gives it on a call or in writing.

The bank account number goes straight to the debits context, which keeps it sealed; the page shows
only its last four digits. Whether the form asks for a routing number or a sort code follows the
originator chosen (an ACH company or a Bacs service user) and the account's currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.payments.debits.operations.mandates import mandate_create
from recoup.payments.debits.queries import mandates_of, originators_for_account
from recoup.payments.operations import payment_may_take
from recoup.portfolio.errors import AccountNotFound
from recoup.web.pages import is_htmx, not_found, signed_in_user
from recoup.web.refusals import RefusingForm, choice_field, date_field, text_field

PANEL = "web/payments/mandates.html"

ACCOUNT_TYPES = (("checking", "Checking"), ("savings", "Savings"))
AUTHORIZATION_FORMS = (
    ("written", "Written (signed)"),
    ("web", "Online"),
    ("telephone", "Telephone, recorded"),
)


class MandateForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "originator": "originator",
        "holder_name": "holder_name",
        "bank_account_number": "bank_account_number",
        "routing_number": "routing_number",
        "account_type": "account_type",
        "authorization_form": "authorization_form",
        "sort_code": "sort_code",
        "reference": "reference",
        "authorized_date": "authorized_date",
        "account_number": None,
    }
    first_field = "originator"

    originator = choice_field("Collected by", ())
    holder_name = text_field("Account holder", max_length=100)
    bank_account_number = text_field(
        "Bank account number", max_length=17, attrs={"autocomplete": "off", "inputmode": "numeric"}
    )
    routing_number = text_field("Routing number", required=False, max_length=9, help_text="US: nine digits.")
    account_type = choice_field("Account type", ACCOUNT_TYPES, required=False, initial="checking")
    authorization_form = choice_field("Authorized", AUTHORIZATION_FORMS, required=False, initial="telephone")
    sort_code = text_field("Sort code", required=False, max_length=8, help_text="UK: six digits.")
    reference = text_field(
        "Reference", required=False, max_length=18, help_text="Optional: RCP and the account number if blank."
    )
    authorized_date = date_field("Authorized on")

    def __init__(self, *args: Any, originators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["originator"].widget.choices = [
            (o.code, f"{o.name} ({'ACH' if o.scheme == 'ach' else 'Direct Debit'})") for o in originators
        ]


def _context(request: HttpRequest, account_number: str, form: MandateForm | None = None) -> dict[str, Any]:
    originators = originators_for_account(account_number)
    may_add = payment_may_take(request.user) and bool(originators)
    if form is None and may_add:
        form = MandateForm(
            originators=originators, initial={"authorized_date": clock.today(), "account_type": "checking"}
        )
    return {
        "account_number": account_number,
        "mandates": mandates_of(account_number),
        "form": form if may_add else None,
        "schemes": {o.code: o.scheme for o in originators},
        "no_originator": payment_may_take(request.user) and not originators,
        "partial": is_htmx(request),
    }


@login_required
@never_cache
@require_GET
def mandates(request: HttpRequest, account_number: str) -> HttpResponse:
    """The account's debit mandates, and the form to record one for those who may take payments."""
    try:
        context = _context(request, account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    response = render(request, PANEL, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@never_cache
@require_POST
def mandate_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """Record the customer's authority to debit their bank account; nothing is kept if it is refused."""
    if not payment_may_take(request.user):
        return HttpResponse("Your role may read mandates but not record them.", status=403)
    try:
        originators = originators_for_account(account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    form = MandateForm(request.POST, originators=originators)
    if form.is_valid():
        data = form.cleaned_data
        try:
            made = mandate_create(
                account_number=account_number,
                originator_code=data["originator"],
                holder_name=data["holder_name"],
                bank_account_number=data["bank_account_number"],
                routing_number=data["routing_number"],
                account_type=data["account_type"],
                authorization_form=data["authorization_form"],
                sort_code=data["sort_code"],
                reference=data["reference"],
                authorized_date=data["authorized_date"],
                at=clock.now(),
                created_by=signed_in_user(request),
            )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request,
                f"Mandate recorded: account ending {made.account_last4}, reference {made.reference}, "
                f"{made.status.replace('_', ' ')}.",
            )
            if is_htmx(request):
                return render(request, PANEL, _context(request, account_number))
            return redirect(f"{reverse('web:payments', args=[account_number])}")
    # The account number typed is not shown back: it is asked for again.
    data = dict(form.data.items())
    data.pop("bank_account_number", None)
    form.data = data
    form.focus()
    status = 200 if is_htmx(request) else 400
    return render(request, PANEL, _context(request, account_number, form), status=status)


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/mandates/", mandates, name="mandates"),
    path("accounts/<str:account_number>/mandates/new/", mandate_new, name="mandate_new"),
]
