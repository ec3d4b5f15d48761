"""Answering a customer's email from a template: the reply goes out through comms (the contact
gate, the template's current version, the provider, the record of the item sent), and the inbox
keeps its Message-ID so that the customer's next reply joins the conversation.

The contact is recorded once, by comms: the email sent is kept in the account's history of
communications and its contact attempt is recorded for the gate. The inbox adds no contact of
its own, which would count the same email twice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from recoup.access.models import User
from recoup.comms.inbox.errors import InboxTransitionNotAllowed
from recoup.comms.inbox.models import InboundMessage, ItemStatus, Reply
from recoup.comms.inbox.operations import item_answered, item_locked, note_checked
from recoup.comms.inbox.parsing import message_id_key
from recoup.comms.inbox.queries import ItemLine, item_line
from recoup.comms.operations import communication_send


def inbox_item_answer(
    *,
    item_id: int,
    template_code: str,
    by: User,
    at: datetime,
    context: Mapping[str, Any] | None = None,
    acknowledged_reasons: tuple[str, ...] = (),
) -> ItemLine:
    """Answer an open item by email from a template, in reply to the customer's latest message;
    the item is answered and the act audited (comms records the email sent and the contact).

    A refusal by the contact gate raises comms' ContactNotPermitted carrying the reasons until the
    person acknowledges each of them in `acknowledged_reasons`; nothing is sent or changed then.
    Raises InboxNotAllowed (field "role"), InboxItemNotFound (field "item_id"),
    InboxTransitionNotAllowed (field "status"), and what communication_send raises
    (TemplateNotFound, MissingMergeField, NoAddress, ContactNotPermitted).
    """
    note_checked(by, "")
    with transaction.atomic():
        item = item_locked(item_id)
        if item.status != ItemStatus.OPEN or item.contract_id is None:
            raise InboxTransitionNotAllowed(
                f"status: the email is {ItemStatus(item.status).label.lower()}, not awaiting an answer",
                field="status",
            )
        latest = (
            InboundMessage.objects.filter(item=item, automatic=False).order_by("-received_at", "-pk").first()
            or InboundMessage.objects.filter(item=item).order_by("-received_at", "-pk").first()
        )
        in_reply_to = latest.message_id if latest else ""
        sent = communication_send(
            contract_id=item.contract_id,
            channel="email",
            template_code=template_code,
            context=dict(context or {}),
            at=at,
            sent_by=by,
            automated=False,
            in_reply_to=in_reply_to,
            acknowledged_reasons=acknowledged_reasons,
        )
        # The email provider's reference is the Message-ID it gave the reply.
        message_id = sent.provider_reference if sent.provider_reference.startswith("<") else ""
        Reply.objects.create(
            item=item,
            message_id=message_id,
            message_key=message_id_key(message_id) if message_id else "",
            in_reply_to=in_reply_to,
            sent_item_id=sent.id,
            template_code=template_code,
            sent_at=at,
            sent_by=by,
        )
        item_answered(
            item,
            by=by,
            at=at,
            note=f"answered with {template_code}",
            action="inbox.answer",
            sent_item_id=sent.id,
            template_code=template_code,
        )
    return item_line(item_id=item.pk, at=at)
