"""Customer mail in the workbench: the collections inbox by deadline (overdue first), the triage
queue, one conversation with its attachments, and answering it from an email template.

Its URLs live under mail/ because inbox/ is the escalation notices' page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recoup.comms.errors import ContactNotPermitted
from recoup.comms.inbox import operations, queries
from recoup.comms.inbox.answering import inbox_item_answer
from recoup.comms.inbox.errors import InboxItemNotFound, InboxNotAllowed
from recoup.comms.inbox.models import ItemStatus
from recoup.comms.queries import templates_current
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.web.pages import is_htmx, signed_in_user
from recoup.web.views import workbench_page

TABS = (
    (ItemStatus.OPEN, "Awaiting an answer"),
    (ItemStatus.TRIAGE, "Triage"),
    (ItemStatus.ANSWERED, "Answered"),
    (ItemStatus.NOT_COLLECTIONS, "Not collections mail"),
)
# Attachments are always downloaded, never shown in the page: a type a browser would run or
# render (HTML, SVG, XML) goes out as plain bytes.
_RENDERED_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml")


def _refused(error: InboxNotAllowed | InboxItemNotFound) -> Exception:
    if isinstance(error, InboxItemNotFound):
        return Http404(error.message)
    return PermissionDenied(error.message)


@workbench_page
def mail_list(request: HttpRequest) -> HttpResponse:
    """Open items by deadline (overdue first), or the triage queue, answered or closed mail."""
    user, now = signed_in_user(request), clock.now()
    status = request.GET.get("status", ItemStatus.OPEN)
    if status not in dict(TABS):
        status = ItemStatus.OPEN
    try:
        items = queries.inbox_items(reader=user, at=now, status=status)
        counts = queries.inbox_counts(reader=user, at=now)
    except InboxNotAllowed as error:
        raise _refused(error) from None
    context = {"items": items, "counts": counts, "status": status, "tabs": TABS, "now": now}
    response = render(request, "inbox/items.html" if is_htmx(request) else "inbox/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@workbench_page
def mail_item(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item_page(request, item_id)


def _item_page(
    request: HttpRequest, item_id: int, *, refusal: ContactNotPermitted | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    try:
        view = queries.inbox_item(item_id=item_id, reader=user, at=clock.now())
    except (InboxNotAllowed, InboxItemNotFound) as error:
        raise _refused(error) from None
    may_work = queries.may_work_inbox(user)
    answerable = may_work and view.item.status == ItemStatus.OPEN
    templates = templates_current(channel="email") if answerable else []
    chosen = request.POST.get("template_code", "")
    typed = _context_values(request, chosen) if chosen else {}
    context: dict[str, Any] = {
        "view": view,
        "item": view.item,
        "may_work": may_work,
        "answerable": answerable,
        "templates": templates,
        "chosen_template": chosen,
        # (template, field, value): each template's own merge fields the person fills in.
        "context_fields": [
            (t.code, name, typed.get(name, "") if t.code == chosen else "")
            for t in templates
            for name in t.context_fields
        ],
        "refusal": refusal,
    }
    return render(request, "inbox/item.html", context, status=status)


def _context_values(request: HttpRequest, template_code: str) -> dict[str, str]:
    """The merge fields typed for the chosen template (inputs named context.<template>.<field>)."""
    prefix = f"context.{template_code}."
    return {key[len(prefix) :]: request.POST.get(key, "") for key in request.POST if key.startswith(prefix)}


@login_required
@never_cache
@require_POST
def mail_answer(request: HttpRequest, item_id: int) -> HttpResponse:
    """Send the chosen email template in reply; the gate's reasons must be acknowledged one by one."""
    template_code = request.POST.get("template_code", "").strip()
    try:
        answered = inbox_item_answer(
            item_id=item_id,
            template_code=template_code,
            by=signed_in_user(request),
            at=clock.now(),
            context=_context_values(request, template_code),
            acknowledged_reasons=tuple(request.POST.getlist("acknowledged")),
        )
    except ContactNotPermitted as refusal:
        return _item_page(request, item_id, refusal=refusal, status=409)
    except (InboxNotAllowed, InboxItemNotFound) as error:
        raise _refused(error) from None
    except DomainError as error:
        messages.error(request, _sentence(error))
        return _item_page(request, item_id, status=400)
    messages.success(request, f"Answered: the email to {answered.from_address} is sent and the item closed.")
    return redirect("web:mail")


@login_required
@never_cache
@require_POST
def mail_mark_answered(request: HttpRequest, item_id: int) -> HttpResponse:
    return _act(
        request,
        item_id,
        lambda user, now: operations.inbox_item_mark_answered(
            item_id=item_id, by=user, at=now, note=request.POST.get("note", "")
        ),
        "Marked answered.",
    )


@login_required
@never_cache
@require_POST
def mail_link(request: HttpRequest, item_id: int) -> HttpResponse:
    # A candidate chosen, or a number typed: whichever was given.
    account_number = next((n.strip() for n in request.POST.getlist("account_number") if n.strip()), "")
    return _act(
        request,
        item_id,
        lambda user, now: operations.inbox_item_link(
            item_id=item_id,
            account_number=account_number,
            by=user,
            at=now,
            note=request.POST.get("note", ""),
        ),
        f"Linked to account {account_number}: it is now awaiting an answer.",
        to_item=True,
    )


@login_required
@never_cache
@require_POST
def mail_dismiss(request: HttpRequest, item_id: int) -> HttpResponse:
    return _act(
        request,
        item_id,
        lambda user, now: operations.inbox_item_dismiss(
            item_id=item_id, by=user, at=now, note=request.POST.get("note", "")
        ),
        "Marked not collections mail.",
    )


def _act(request: HttpRequest, item_id: int, act: Any, done: str, *, to_item: bool = False) -> HttpResponse:
    try:
        act(signed_in_user(request), clock.now())
    except (InboxNotAllowed, InboxItemNotFound) as error:
        if error.field in {"role", "item_id"}:
            raise _refused(error) from None
        messages.error(request, _sentence(error))
        return redirect("web:mail_item", item_id=item_id)
    except DomainError as error:
        messages.error(request, _sentence(error))
        return redirect("web:mail_item", item_id=item_id)
    messages.success(request, done)
    return redirect("web:mail_item", item_id=item_id) if to_item else redirect("web:mail")


@workbench_page
def mail_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        line, content = queries.attachment_content(
            attachment_id=attachment_id, reader=signed_in_user(request)
        )
    except (InboxNotAllowed, InboxItemNotFound) as error:
        raise _refused(error) from None
    content_type = line.content_type
    if content_type in _RENDERED_TYPES or not content_type.count("/") == 1:
        content_type = "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition(line.filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _sentence(error: DomainError) -> str:
    text = error.message.removeprefix(f"{error.field}: ") if error.field else error.message
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


urlpatterns: list[URLPattern] = [
    path("mail/", mail_list, name="mail"),
    path("mail/<int:item_id>/", mail_item, name="mail_item"),
    path("mail/<int:item_id>/answer/", mail_answer, name="mail_answer"),
    path("mail/<int:item_id>/answered/", mail_mark_answered, name="mail_mark_answered"),
    path("mail/<int:item_id>/link/", mail_link, name="mail_link"),
    path("mail/<int:item_id>/not-collections/", mail_dismiss, name="mail_dismiss"),
    path("mail/attachments/<int:attachment_id>/", mail_attachment, name="mail_attachment"),
]
