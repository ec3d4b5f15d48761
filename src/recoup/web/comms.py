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

from recoup.access.models import Role
from recoup.comms import operations, queries
from recoup.comms.errors import ContactNotPermitted, InvalidOptOut, SentItemNotFound
from recoup.comms.notices import operations as notice_operations
from recoup.comms.notices import queries as notice_queries
from recoup.compliance import operations as compliance_operations
from recoup.compliance import queries as compliance_queries
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


# Cancelling a statutory notice stops a letter the law may require: a team leader's call.
MAY_CANCEL_NOTICE = (Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)


def _panel_context(request: HttpRequest, account_number: str) -> dict[str, Any]:
    contract_id = queries.contract_id_for(account_number)
    party_id = compliance_queries.customer_id_of(account_number=account_number)
    return {
        "account_number": account_number,
        "items": queries.communications_of(contract_id=contract_id),
        "opt_outs": compliance_queries.opt_outs_in_force(party_id=party_id, at=clock.now()),
        "notices": notice_queries.notices_of(contract_id=contract_id),
        "may_cancel_notice": getattr(request.user, "role", "") in MAY_CANCEL_NOTICE,
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


def _panel_answer(
    request: HttpRequest, account_number: str, *, done: str = "", error: str = ""
) -> HttpResponse:
    """The panel again after an opt-out or notice action: with its message, or the error in place."""
    if done:
        messages.success(request, done)
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(reverse("web:communications", args=[account_number]))
    context = {**_panel_context(request, account_number), "action_error": error}
    return render(request, PANEL, context, status=400 if error else 200)


@login_required
@never_cache
@require_POST
def opt_out_new(request: HttpRequest, account_number: str) -> HttpResponse:
    """The customer asked us not to use a channel (or one address of it): recorded from now on."""
    if not _may_send(request):
        raise PermissionDenied("Auditors may read the opt-outs but not change them.")
    channel = request.POST.get("channel", "")
    address = request.POST.get("address", "")
    try:
        party_id = compliance_queries.customer_id_of(account_number=account_number)
        compliance_operations.opt_out_record(
            party_id=party_id,
            channel=channel,
            address=address,
            at=clock.now(),
            source="agent",
            by=signed_in_user(request),
        )
    except AccountNotFound:
        return not_found(request, account_number)
    except DomainError as error:
        return _panel_answer(request, account_number, error=error.message)
    what = {"sms": "SMS", "email": "Email"}.get(channel, channel)
    return _panel_answer(
        request,
        account_number,
        done=f"{what} opt-out recorded{f' for {address.strip()}' if address.strip() else ''}.",
    )


@login_required
@never_cache
@require_POST
def opt_out_withdraw(request: HttpRequest, account_number: str, opt_out_id: int) -> HttpResponse:
    """The customer asked to hear from us again on a channel they had opted out of."""
    if not _may_send(request):
        raise PermissionDenied("Auditors may read the opt-outs but not change them.")
    note = request.POST.get("note", "").strip()
    if not note:
        return _panel_answer(request, account_number, error="Say how the customer asked to opt back in.")
    try:
        party_id = compliance_queries.customer_id_of(account_number=account_number)
        compliance_operations.opt_out_withdraw(
            party_id=party_id,
            opt_out_id=opt_out_id,
            at=clock.now(),
            source="agent",
            note=note,
            by=signed_in_user(request),
        )
    except AccountNotFound:
        return not_found(request, account_number)
    except DomainError as error:
        return _panel_answer(request, account_number, error=error.message)
    return _panel_answer(request, account_number, done="Opt-out withdrawn: the customer hears from us again.")


@login_required
@never_cache
@require_POST
def notice_cancel(request: HttpRequest, account_number: str, notice_id: int) -> HttpResponse:
    """A team leader stops a statutory notice still due (the account settled, say), saying why."""
    if getattr(request.user, "role", "") not in MAY_CANCEL_NOTICE:
        raise PermissionDenied("Only a team leader or the head of credit may cancel a statutory notice.")
    try:
        contract_id = queries.contract_id_for(account_number)
        if all(n.id != notice_id for n in notice_queries.notices_of(contract_id=contract_id)):
            return _panel_answer(request, account_number, error=f"This account has no notice {notice_id}.")
        notice = notice_operations.notice_cancel(
            notice_id=notice_id,
            at=clock.now(),
            by=signed_in_user(request),
            reason=request.POST.get("reason", ""),
        )
    except AccountNotFound:
        return not_found(request, account_number)
    except DomainError as error:
        return _panel_answer(request, account_number, error=error.message)
    return _panel_answer(request, account_number, done=f"Notice cancelled: {notice.kind_label}.")


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
    path("accounts/<str:account_number>/communications/opt-outs/", opt_out_new, name="opt_out_new"),
    path(
        "accounts/<str:account_number>/communications/opt-outs/<int:opt_out_id>/withdraw/",
        opt_out_withdraw,
        name="opt_out_withdraw",
    ),
    path(
        "accounts/<str:account_number>/communications/notices/<int:notice_id>/cancel/",
        notice_cancel,
        name="notice_cancel",
    ),
    path("communications/<int:sent_item_id>/pdf/", letter_download, name="letter_download"),
    path("comms/unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
