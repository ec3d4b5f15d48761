"""Reads of the collections inbox, as plain dataclasses for the pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet

from recoup.access.models import Role
from recoup.comms.inbox.errors import InboxItemNotFound, InboxNotAllowed
from recoup.comms.inbox.models import (
    Attachment,
    InboundMessage,
    InboxItem,
    ItemStatus,
    MatchedBy,
    TriageReason,
)

MAY_WORK = frozenset({Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT})
MAY_READ = MAY_WORK | {Role.AUDITOR}
LIST_LIMIT = 200
STATUSES = tuple(ItemStatus.values)


@dataclass(frozen=True)
class ItemLine:
    id: int
    status: str
    status_label: str
    account_number: str  # "" while in triage
    subject: str
    from_address: str
    received_at: datetime
    due_date: date
    due_at: datetime
    overdue: bool
    complaint: bool
    messages: int
    matched_by: str
    triage_reason: str
    triage_reason_label: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class AttachmentLine:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class MessageView:
    id: int
    message_id: str
    from_address: str
    from_name: str
    to: str
    subject: str
    sent_at: datetime | None
    received_at: datetime
    text: str
    has_html: bool
    complaint: bool
    automatic: bool
    attachments: tuple[AttachmentLine, ...]


@dataclass(frozen=True)
class ReplyLine:
    id: int
    sent_at: datetime
    sent_by: str
    template_code: str
    message_id: str
    sent_item_id: int | None


@dataclass(frozen=True)
class ItemView:
    item: ItemLine
    contract_id: int | None
    matched_by_label: str
    answered_at: datetime | None
    answered_by: str
    note: str
    messages: tuple[MessageView, ...]  # oldest first
    replies: tuple[ReplyLine, ...]

    @property
    def latest_message_id(self) -> str:
        """The Message-ID an answer replies to: the customer's latest message."""
        people = [message for message in self.messages if not message.automatic] or list(self.messages)
        return people[-1].message_id if people else ""


def may_work_inbox(user: Any) -> bool:
    """Agents, team leaders and the head of credit answer and triage customers' mail."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in MAY_WORK


def may_read_inbox(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in MAY_READ


def _read_check(reader: Any) -> None:
    if not may_read_inbox(reader):
        raise InboxNotAllowed(
            "role: agents, team leaders, the head of credit and auditors read the collections inbox",
            field="role",
        )


def _items() -> QuerySet[InboxItem]:
    return InboxItem.objects.select_related("contract").annotate(message_count=Count("messages"))


def item_line(*, item_id: int, at: datetime) -> ItemLine:
    """One item as a line of the list (what an operation on it returns)."""
    item = _items().filter(pk=item_id).first()
    if item is None:
        raise InboxItemNotFound(f"item_id: no inbox item {item_id}", field="item_id")
    return _line(item, at)


def _line(item: InboxItem, at: datetime) -> ItemLine:
    worked = item.status in {ItemStatus.OPEN, ItemStatus.TRIAGE}
    return ItemLine(
        id=item.pk,
        status=item.status,
        status_label=ItemStatus(item.status).label,
        account_number=item.contract.account_number if item.contract else "",
        subject=item.subject,
        from_address=item.from_address,
        received_at=item.received_at,
        due_date=item.due_date,
        due_at=item.due_at,
        overdue=worked and item.due_at <= at,
        complaint=item.complaint,
        messages=getattr(item, "message_count", 0),
        matched_by=item.matched_by,
        triage_reason=item.triage_reason,
        triage_reason_label=TriageReason(item.triage_reason).label if item.triage_reason else "",
        candidates=tuple(item.candidates or ()),
    )


def inbox_items(
    *,
    reader: Any,
    at: datetime,
    status: str = ItemStatus.OPEN,
    account_number: str = "",
    limit: int = LIST_LIMIT,
) -> tuple[ItemLine, ...]:
    """Items in one status by deadline, the earliest first, so the overdue ones lead; answered and
    closed items the most recently received first.

    Raises InboxNotAllowed (field "role" or "status").
    """
    _read_check(reader)
    if status not in STATUSES:
        raise InboxNotAllowed(f"status: {status!r} is not one of {', '.join(STATUSES)}", field="status")
    rows = _items().filter(status=status)
    if account_number:
        rows = rows.filter(contract__account_number=account_number.strip())
    if status in {ItemStatus.OPEN, ItemStatus.TRIAGE}:
        rows = rows.order_by("due_at", "received_at", "pk")
    else:
        rows = rows.order_by("-received_at", "-pk")
    return tuple(_line(item, at) for item in rows[:limit])


def inbox_counts(*, reader: Any, at: datetime) -> dict[str, int]:
    """How many items are open, open and overdue, and awaiting triage."""
    _read_check(reader)
    worked = InboxItem.objects.filter(status__in=[ItemStatus.OPEN, ItemStatus.TRIAGE])
    return {
        "open": worked.filter(status=ItemStatus.OPEN).count(),
        "overdue": worked.filter(status=ItemStatus.OPEN, due_at__lte=at).count(),
        "triage": worked.filter(status=ItemStatus.TRIAGE).count(),
    }


def inbox_item(*, item_id: int, reader: Any, at: datetime) -> ItemView:
    """One item with its messages (oldest first), their attachments and the replies sent.

    Raises InboxNotAllowed (field "role") and InboxItemNotFound (field "item_id").
    """
    _read_check(reader)
    item = _items().select_related("answered_by").filter(pk=item_id).first()
    if item is None:
        raise InboxItemNotFound(f"item_id: no inbox item {item_id}", field="item_id")
    messages = list(InboundMessage.objects.filter(item=item).defer("raw").order_by("received_at", "pk"))
    attachments: dict[int, list[AttachmentLine]] = {message.pk: [] for message in messages}
    for a in (
        Attachment.objects.filter(message__item=item).defer("content").order_by("message_id", "position")
    ):
        attachments[a.message_id].append(
            AttachmentLine(
                id=a.pk, filename=a.filename, content_type=a.content_type, size=a.size, sha256=a.sha256
            )
        )
    replies = tuple(
        ReplyLine(
            id=reply.pk,
            sent_at=reply.sent_at,
            sent_by=reply.sent_by.get_full_name() or reply.sent_by.get_username(),
            template_code=reply.template_code,
            message_id=reply.message_id,
            sent_item_id=reply.sent_item_id,
        )
        for reply in item.replies.select_related("sent_by").order_by("sent_at", "pk")
    )
    answered_by = item.answered_by
    return ItemView(
        item=_line(item, at),
        contract_id=item.contract_id,
        matched_by_label=MatchedBy(item.matched_by).label if item.matched_by else "",
        answered_at=item.answered_at,
        answered_by=(answered_by.get_full_name() or answered_by.get_username()) if answered_by else "",
        note=item.closed_note,
        messages=tuple(
            MessageView(
                id=message.pk,
                message_id=message.message_id,
                from_address=message.from_address,
                from_name=message.from_name,
                to=message.to,
                subject=message.subject,
                sent_at=message.sent_at,
                received_at=message.received_at,
                text=message.text_body,
                has_html=bool(message.html_body),
                complaint=message.complaint,
                automatic=message.automatic,
                attachments=tuple(attachments[message.pk]),
            )
            for message in messages
        ),
        replies=replies,
    )


def attachment_content(*, attachment_id: int, reader: Any) -> tuple[AttachmentLine, bytes]:
    """An attachment's description and its bytes, for downloading.

    Raises InboxNotAllowed (field "role") and InboxItemNotFound (field "attachment_id").
    """
    _read_check(reader)
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise InboxItemNotFound(f"attachment_id: no attachment {attachment_id}", field="attachment_id")
    line = AttachmentLine(
        id=attachment.pk,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
    )
    return line, bytes(attachment.content)
