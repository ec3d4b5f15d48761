"""Settings: the contact gate's rule packs. Team leaders, the head of credit, administrators and
auditors read every pack the gate may apply, built in or stored; the head of credit and
administrators add a pack for a jurisdiction, portfolio or collector, change one (a built-in default
too: the change is stored under the default's code and takes its place) and remove a stored one
(removing a changed default brings the built-in one back)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from recoup.access.models import Role, User
from recoup.compliance.errors import ContactPolicyNotFound
from recoup.compliance.models import Collector
from recoup.compliance.operations import POLICY_FIELDS, contact_policy_delete, contact_policy_save
from recoup.compliance.queries import PackView, contact_policies, contact_policy_of
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.queries import ProductChoice, product_choices
from recoup.web.contract_form import COUNTRY_NAMES, JURISDICTIONS
from recoup.web.pages import signed_in_user
from recoup.web.refusals import RefusingForm, choice_field, text_field

MAY_READ = (Role.TEAM_LEADER, Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR, Role.AUDITOR)
# The limits decide how often customers are called: the head of credit's call, or an administrator's.
MAY_CHANGE = (Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR)
LIST = "web/contact_policies.html"
FORM = "web/contact_policy_form.html"


def _limit(label: str, *, required: bool = True, help_text: str = "") -> Any:
    """A limit kept as the text typed: the operation names anything that is not a whole number 1-99."""
    return text_field(
        label,
        required=required,
        max_length=4,
        help_text=help_text,
        attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input-number"},
    )


class ContactPolicyForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        **{name: name for name in POLICY_FIELDS},
        "scope": None,
        "pk": None,
        "at": None,
    }
    first_field = "name"

    code = text_field(
        "Code", max_length=32, help_text="Lower-case letters, digits and hyphens, such as us-ric-gentle."
    )
    name = text_field("Name")
    country = choice_field("Country", [("", "Choose…"), *COUNTRY_NAMES.items()])
    jurisdiction = choice_field(
        "Jurisdiction", [("", "Every jurisdiction"), *JURISDICTIONS[1:]], required=False
    )
    product_code = choice_field("Portfolio", [], required=False)
    collector = choice_field("Collector", [("", "First or third party"), *Collector.choices], required=False)
    label = text_field(
        "Rule cited", help_text="The words a refusal cites, such as Regulation F (12 CFR 1006.14(b)(2))."
    )
    window_attempts_max = _limit("Call attempts in the window")
    window_days = _limit("Window, days")
    daily_attempts_max = _limit("Call attempts a day", required=False, help_text="Blank for no daily limit.")
    conversation_quiet_days = _limit(
        "Quiet days after a conversation", help_text="The conversation's day counts as day 1."
    )
    vulnerable_daily_attempts_max = _limit("Vulnerable customer: attempts a day")
    vulnerable_window_attempts_max = _limit("Vulnerable customer: attempts in the window")

    def __init__(
        self, *args: Any, products: Sequence[ProductChoice], code_fixed: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        by_country: dict[str, list[tuple[str, str]]] = {}
        for product in products:
            by_country.setdefault(product.country, []).append(
                (product.code, f"{product.name} · {product.code}")
            )
        self.fields["product_code"].widget.choices = [("", "Every portfolio")] + [
            (COUNTRY_NAMES.get(country, country), choices) for country, choices in by_country.items()
        ]
        if code_fixed:
            # A pack keeps its code: a default's code is what makes a row take its place.
            del self.fields["code"]
        self.code_fixed = code_fixed


def _user(request: HttpRequest, roles: Sequence[str], refusal: str) -> User:
    user = signed_in_user(request)
    if user.role not in roles:
        raise PermissionDenied(refusal)
    return user


def _changer(request: HttpRequest) -> User:
    return _user(
        request, MAY_CHANGE, "Only the head of credit or an administrator may change contact policies."
    )


def _initial(view: PackView) -> dict[str, Any]:
    return {name: "" if getattr(view, name) is None else getattr(view, name) for name in POLICY_FIELDS}


@login_required
@never_cache
def policy_list(request: HttpRequest) -> HttpResponse:
    user = _user(
        request,
        MAY_READ,
        "Contact policies are read by team leaders, the head of credit, administrators and auditors.",
    )
    context = {"packs": contact_policies(), "may_change": user.role in MAY_CHANGE}
    return render(request, LIST, context)


def _form_page(
    request: HttpRequest, form: ContactPolicyForm, view: PackView | None, status: int = 200
) -> HttpResponse:
    return render(request, FORM, {"form": form, "pack": view}, status=status)


def _save(request: HttpRequest, user: User, view: PackView | None) -> HttpResponse:
    """Save the form posted: back to the list when saved, the form with the refusal beside its field
    (and nothing written) otherwise."""
    products = product_choices()
    code = view.code if view is not None else ""
    form = ContactPolicyForm(request.POST, products=products, code_fixed=code)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contact_policy_save(
                code=code or data["code"],
                name=data["name"],
                country=data["country"],
                jurisdiction=data["jurisdiction"],
                product_code=data["product_code"],
                collector=data["collector"],
                label=data["label"],
                window_attempts_max=data["window_attempts_max"],
                window_days=data["window_days"],
                daily_attempts_max=data["daily_attempts_max"],
                conversation_quiet_days=data["conversation_quiet_days"],
                vulnerable_daily_attempts_max=data["vulnerable_daily_attempts_max"],
                vulnerable_window_attempts_max=data["vulnerable_window_attempts_max"],
                by=user,
                at=clock.now(),
                pk=view.pk if view is not None else None,
            )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, f"Contact policy {code or data['code'].strip().lower()} saved.")
            return redirect("web:contact_policies")
    form.focus()
    return _form_page(request, form, view, status=400)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest) -> HttpResponse:
    user = _changer(request)
    if request.method == "POST":
        return _save(request, user, None)
    form = ContactPolicyForm(products=product_choices(), initial={"window_days": 7})
    form.focus()
    return _form_page(request, form, None)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _changer(request)
    view = contact_policy_of(code=code)
    if view is None:
        return render(request, "web/not_found.html", {"what": f"Contact policy {code}"}, status=404)
    if request.method == "POST":
        return _save(request, user, view)
    form = ContactPolicyForm(products=product_choices(), code_fixed=view.code, initial=_initial(view))
    form.focus()
    return _form_page(request, form, view)


@login_required
@require_POST
def policy_delete(request: HttpRequest, code: str) -> HttpResponse:
    user = _changer(request)
    view = contact_policy_of(code=code)
    if view is None or view.pk is None:
        messages.error(request, f"Contact policy {code} has no stored row to remove.")
        return redirect("web:contact_policies")
    try:
        contact_policy_delete(pk=view.pk, by=user, at=clock.now())
    except ContactPolicyNotFound:
        messages.error(request, f"Contact policy {code} was already removed.")
    else:
        back = " The built-in default applies again." if view.built_in else ""
        messages.success(request, f"Contact policy {code} removed.{back}")
    return redirect("web:contact_policies")


urlpatterns: list[URLPattern] = [
    path("settings/contact-policies/", policy_list, name="contact_policies"),
    path("settings/contact-policies/new/", policy_new, name="contact_policy_new"),
    path("settings/contact-policies/<str:code>/edit/", policy_edit, name="contact_policy_edit"),
    path("settings/contact-policies/<str:code>/delete/", policy_delete, name="contact_policy_delete"),
]
