"""Letters, emails and SMS on the account page, a letter's PDF, and the customer's unsubscribe page.

The account page loads the panel with htmx when its tab comes into view: the items sent, newest
first, and for those who may send, a form to choose a template, preview it as the customer will
read it with the contact gate's answer, and send it. A refusal by the gate lists its reasons; the
person sends only after ticking each one, and the acknowledgement is kept with the item.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recoup.comms import operations, queries
from recoup.comms.errors import ContactNotPermitted, InvalidOptOut, SentItemNotFound
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.portfolio.errors import AccountNotFound
from recoup.web.pages import is_htmx, not_found, signed_in_user

PAGE = "comms/page.html"
PANEL = "comms/panel.html"
PREVIEW = "comms/preview.html"


def _may_send(request: HttpRequest) -> bool:
    return getattr(request.user, "role", "") in operations.MAY_SEND


def _choice(value: str) -> tuple[str, str]:
    """A template choice as the form sends it: "code:channel"."""
    code, _, channel = value.partition(":")
    return code, channel


def _panel_context(request: HttpRequest, account_number: str) -> dict[str, Any]:
    contract_id = queries.contract_id_for(account_number)
    return {
        "account_number": account_number,
        "items": queries.communications_of(contract_id=contract_id),
        "templates": queries.templates_current() if _may_send(request) else [],
        "may_send": _may_send(request),
        "sent": request.GET.get("sent", ""),
        "partial": is_htmx(request),
    }


@login_required
@never_cache
@require_GET
def communications(request: HttpRequest, account_number: str) -> HttpResponse:
    try:
        context = _panel_context(request, account_number)
    except AccountNotFound:
        return not_found(request, account_number)
    response = render(request, PANEL if context["partial"] else PAGE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@never_cache
@require_GET
def communication_preview(request: HttpRequest, account_number: str) -> HttpResponse:
    """The chosen template rendered for this account with the gate's answer now, or why it cannot be."""
    if not _may_send(request):
        raise PermissionDenied("Auditors may read what was sent but not send.")
    code, channel = _choice(request.GET.get("template", ""))
    context: dict[str, Any] = {"account_number": account_number, "choice": f"{code}:{channel}"}
    try:
        context["preview"] = queries.communication_preview(
            contract_id=queries.contract_id_for(account_number),
            channel=channel,
            template_code=code,
            at=clock.now(),
        )
    except AccountNotFound:
        return not_found(request, account_number)
    except DomainError as error:
        context["error"] = error.message
    return render(request, PREVIEW, context)


@login_required
@never_cache
@require_POST
def communication_send(request: HttpRequest, account_number: str) -> HttpResponse:
    if not _may_send(request):
        raise PermissionDenied("Auditors may read what was sent but not send.")
    code, channel = _choice(request.POST.get("template", ""))
    try:
        contract_id = queries.contract_id_for(account_number)
        sent = operations.communication_send(
            contract_id=contract_id,
            channel=channel,
            template_code=code,
            at=clock.now(),
            sent_by=signed_in_user(request),
            automated=False,
            acknowledged_reasons=tuple(request.POST.getlist("acknowledged")),
        )
    except AccountNotFound:
        return not_found(request, account_number)
    except DomainError as error:
        context: dict[str, Any] = {"account_number": account_number, "choice": f"{code}:{channel}"}
        try:
            context["preview"] = queries.communication_preview(
                contract_id=contract_id, channel=channel, template_code=code, at=clock.now()
            )
        except DomainError:
            pass
        context["error"] = (
            "Tick each of the contact gate's reasons to send despite them."
            if isinstance(error, ContactNotPermitted)
            else error.message
        )
        if is_htmx(request):
            response = render(request, PREVIEW, context)
            response["HX-Retarget"] = "#comms-preview"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, PAGE, {**_panel_context(request, account_number), **context}, status=400)
    label = {"letter": "Letter", "email": "Email", "sms": "SMS"}[sent.channel]
    messages.success(
        request, f"{label} sent: {sent.template_name or sent.template_code} (version {sent.version})."
    )
    if is_htmx(request):
        return render(request, PANEL, {**_panel_context(request, account_number), "sent": str(sent.id)})
    return redirect(f"{reverse('web:account', args=[account_number])}#contacts")


@login_required
@never_cache
@require_GET
def letter_download(request: HttpRequest, sent_item_id: int) -> HttpResponse:
    try:
        name, pdf = queries.letter_pdf_of(sent_item_id=sent_item_id)
    except SentItemNotFound:
        return HttpResponse("No such letter.", status=404)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs with no session and no form of ours
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks the customer to confirm (mail scanners follow links; only a POST unsubscribes)."""
    context: dict[str, Any] = {"token": token, "done": False}
    if request.method == "POST":
        try:
            context["address"] = operations.unsubscribe_record(token=token, at=clock.now())
            context["done"] = True
        except InvalidOptOut as error:
            context["error"] = error.message
            return render(request, "comms/unsubscribe.html", context, status=400)
    return render(request, "comms/unsubscribe.html", context)


urlpatterns: list[URLPattern] = [
    path("accounts/<str:account_number>/communications/", communications, name="communications"),
    path(
        "accounts/<str:account_number>/communications/preview/",
        communication_preview,
        name="communication_preview",
    ),
    path("accounts/<str:account_number>/communications/send/", communication_send, name="communication_send"),
    path("communications/<int:sent_item_id>/pdf/", letter_download, name="letter_download"),
    path("comms/unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
