"""Writes of the collections inbox: fetching the mailbox, and what people do with its items
(link a triaged email to an account, mark it not collections mail, answer it).

Fetching stores each message once, in a transaction with its attachments, its inbox item and
the mark of how far the folder has been read, so a fetch that stops half-way (the server gone,
the process killed) goes on from the last message stored, and two fetches at once never store a
message twice: the folder's row is locked per message and Message-IDs are unique.
"""

from __future__ import annotations

import imaplib
import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.comms.inbox.deadlines import response_deadline
from recoup.comms.inbox.errors import (
    InboxItemNotFound,
    InboxNotAllowed,
    InboxTransitionNotAllowed,
    MailboxUnavailable,
)
from recoup.comms.inbox.mailbox import Fetched, MailboxReader, MailboxSettings, mailbox_settings
from recoup.comms.inbox.matching import Match, match_message
from recoup.comms.inbox.models import (
    Attachment,
    InboundMessage,
    InboxItem,
    ItemStatus,
    MailboxState,
    MatchedBy,
)
from recoup.comms.inbox.parsing import ParsedMessage, message_id_key, message_parse
from recoup.comms.inbox.queries import ItemLine, item_line, may_work_inbox
from recoup.comms.inbox.references import complaint_words_in
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

NOTE_MAX_LENGTH = 500
COUNTS = ("fetched", "stored", "duplicates", "matched", "threaded", "triage", "automatic", "attachments")


def inbox_fetch(
    *, at: datetime, mailbox: MailboxSettings | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Read the messages that arrived since the last fetch and store each once: matched to an
    account (a new inbox item with its deadline), joined to its thread, or put in triage.

    The mailbox is `mailbox`, or the one the environment names (RECOUP_INBOX_IMAP_*, see
    mailbox.py); with neither, the inbox is off and the counts say {"configured": 0}. When the
    server's UIDVALIDITY for the folder changed, the folder is read again from its first message
    ("uidvalidity_reset": 1); messages already stored are counted as duplicates, not stored again.

    Raises MailboxNotConfigured (field: the variable) and MailboxUnavailable.
    """
    settings = (
        mailbox if mailbox is not None else mailbox_settings(os.environ if environ is None else environ)
    )
    counts = dict.fromkeys(COUNTS, 0)
    if settings is None:
        return {"configured": 0, "uidvalidity_reset": 0, **counts}
    reset = 0
    try:
        with MailboxReader(settings) as reader:
            last_uid, reset = _state_start(settings, reader.uidvalidity, at)
            for fetched in reader.messages(reader.uids_after(last_uid)):
                counts["fetched"] += 1
                for outcome in _store(settings, reader.uidvalidity, fetched, at):
                    counts[outcome] += 1
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxUnavailable(
            f"mailbox: reading {settings.name} stopped: {error}", field="mailbox"
        ) from None
    return {"configured": 1, "uidvalidity_reset": reset, **counts}


def _state_start(settings: MailboxSettings, uidvalidity: int, at: datetime) -> tuple[int, int]:
    """(the last UID stored, whether the folder's UIDVALIDITY changed since)."""
    # get_or_create reads the row again when another fetch created it first.
    MailboxState.objects.get_or_create(
        mailbox=settings.name, folder=settings.folder, defaults={"uidvalidity": uidvalidity, "fetched_at": at}
    )
    with transaction.atomic():
        state = MailboxState.objects.select_for_update().get(mailbox=settings.name, folder=settings.folder)
        if state.uidvalidity != uidvalidity:
            # The server renumbered the folder (RFC 3501 2.3.1.1): the UIDs stored mean nothing now.
            state.uidvalidity, state.last_uid, state.fetched_at = uidvalidity, 0, at
            state.save(update_fields=["uidvalidity", "last_uid", "fetched_at"])
            return 0, 1
        return state.last_uid, 0


def _store(settings: MailboxSettings, uidvalidity: int, fetched: Fetched, at: datetime) -> list[str]:
    """Store one message with what it makes; the names of the counts it adds to."""
    parsed = message_parse(fetched.raw)
    key = message_id_key(parsed.message_id)
    with transaction.atomic():
        state = MailboxState.objects.select_for_update().get(mailbox=settings.name, folder=settings.folder)
        if state.uidvalidity != uidvalidity or state.last_uid >= fetched.uid:
            return []  # another fetch got here first
        state.last_uid, state.fetched_at = fetched.uid, at
        state.save(update_fields=["last_uid", "fetched_at"])
        if InboundMessage.objects.filter(message_key=key).exists():
            return ["duplicates"]
        received_at = min(fetched.received_at or at, at)
        complaint = bool(complaint_words_in(parsed.subject, parsed.text))
        match = match_message(parsed)
        item, outcome = _item_for(parsed, match, received_at=received_at, complaint=complaint, at=at)
        message = InboundMessage.objects.create(
            item=item,
            message_id=parsed.message_id,
            message_key=key,
            mailbox=settings.name,
            folder=settings.folder,
            uidvalidity=uidvalidity,
            uid=fetched.uid,
            from_address=parsed.from_address[:254],
            from_name=parsed.from_name[:200],
            to=parsed.to,
            subject=parsed.subject[:500],
            sent_at=parsed.sent_at,
            received_at=received_at,
            fetched_at=at,
            in_reply_to=parsed.in_reply_to,
            references=" ".join(parsed.references),
            text_body=parsed.text,
            html_body=parsed.html,
            raw=fetched.raw,
            complaint=complaint,
            automatic=parsed.automatic,
        )
        Attachment.objects.bulk_create(
            Attachment(
                message=message,
                position=position,
                filename=attachment.filename,
                content_type=attachment.content_type[:100],
                size=attachment.size,
                sha256=attachment.sha256,
                content=attachment.content,
            )
            for position, attachment in enumerate(parsed.attachments, start=1)
        )
    return ["stored", outcome] + ["attachments"] * len(parsed.attachments)


def _item_for(
    parsed: ParsedMessage, match: Match, *, received_at: datetime, complaint: bool, at: datetime
) -> tuple[InboxItem, str]:
    """The inbox item the message belongs to (joined, or made now) and the count it adds to."""
    if match.item_id is not None:
        item = (
            InboxItem.objects.select_for_update(of=("self",)).select_related("contract").get(pk=match.item_id)
        )
        _item_join(item, parsed, received_at=received_at, complaint=complaint)
        return item, "threaded"
    if parsed.automatic:
        # Out-of-office replies, bounces and bulk mail ask nothing of an agent.
        status, reason = ItemStatus.NOT_COLLECTIONS, "sent automatically (Auto-Submitted or Precedence)"
    else:
        status, reason = (ItemStatus.OPEN if match.contract_id else ItemStatus.TRIAGE), ""
    deadline = response_deadline(
        received_at=received_at, jurisdiction=match.jurisdiction, complaint=complaint
    )
    item = InboxItem.objects.create(
        contract_id=match.contract_id if status != ItemStatus.TRIAGE else None,
        status=status,
        matched_by=match.matched_by,
        triage_reason=match.triage_reason,
        candidates=list(match.candidates),
        subject=parsed.subject[:500],
        from_address=parsed.from_address[:254],
        opened_at=at,
        received_at=received_at,
        complaint=complaint,
        due_date=deadline.due_date,
        due_at=deadline.due_at,
        closed_note=reason,
    )
    if parsed.automatic:
        return item, "automatic"
    return item, "matched" if status == ItemStatus.OPEN else "triage"


def _item_join(item: InboxItem, parsed: ParsedMessage, *, received_at: datetime, complaint: bool) -> None:
    """A customer's reply in a conversation: an answered one opens again with a deadline from this
    reply; an open one keeps its deadline unless this reply is a complaint due sooner."""
    if parsed.automatic or item.status in {ItemStatus.NOT_COLLECTIONS, ItemStatus.TRIAGE}:
        return
    jurisdiction = item.contract.jurisdiction if item.contract else ""
    deadline = response_deadline(received_at=received_at, jurisdiction=jurisdiction, complaint=complaint)
    if item.status == ItemStatus.ANSWERED:
        item.status, item.received_at = ItemStatus.OPEN, received_at
        item.due_date, item.due_at = deadline.due_date, deadline.due_at
    elif deadline.due_at < item.due_at:
        item.due_date, item.due_at = deadline.due_date, deadline.due_at
    item.complaint = item.complaint or complaint
    item.save(update_fields=["status", "received_at", "due_date", "due_at", "complaint"])


def inbox_item_link(*, item_id: int, account_number: str, by: User, at: datetime, note: str = "") -> ItemLine:
    """Link an email in triage to the account it is about: it becomes an open item with the
    deadline of the account's jurisdiction, counted from when the email arrived. Audited.

    Raises InboxNotAllowed (field "role" or "note"), InboxItemNotFound (field "item_id"),
    AccountNotFound (field "account_number") and InboxTransitionNotAllowed (field "status").
    """
    note = note_checked(by, note)
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(
            f"account_number: no account {account_number.strip()!r}", field="account_number"
        )
    with transaction.atomic():
        item = item_locked(item_id)
        if item.status != ItemStatus.TRIAGE:
            raise InboxTransitionNotAllowed(
                f"status: the email is {ItemStatus(item.status).label.lower()}, not awaiting triage",
                field="status",
            )
        before = _plain(item)
        deadline = response_deadline(
            received_at=item.received_at, jurisdiction=contract.jurisdiction, complaint=item.complaint
        )
        item.contract, item.status, item.matched_by = contract, ItemStatus.OPEN, MatchedBy.PERSON
        item.due_date, item.due_at, item.closed_note = deadline.due_date, deadline.due_at, note
        item.save(update_fields=["contract", "status", "matched_by", "due_date", "due_at", "closed_note"])
        audit_record(
            actor=by,
            action="inbox.link",
            object_type="comms_inbox.item",
            object_id=item.pk,
            at=at,
            before=before,
            after={**_plain(item), "account_number": contract.account_number},
        )
    return item_line(item_id=item.pk, at=at)


def inbox_item_dismiss(*, item_id: int, by: User, at: datetime, note: str = "") -> ItemLine:
    """Mark an email in triage as not collections mail (a supplier, spam, a wrong address). Audited.

    Raises InboxNotAllowed (field "role" or "note"), InboxItemNotFound (field "item_id") and
    InboxTransitionNotAllowed (field "status").
    """
    note = note_checked(by, note)
    with transaction.atomic():
        item = item_locked(item_id)
        if item.status != ItemStatus.TRIAGE:
            raise InboxTransitionNotAllowed(
                f"status: the email is {ItemStatus(item.status).label.lower()}, not awaiting triage",
                field="status",
            )
        before = _plain(item)
        item.status, item.closed_note = ItemStatus.NOT_COLLECTIONS, note
        item.save(update_fields=["status", "closed_note"])
        audit_record(
            actor=by,
            action="inbox.dismiss",
            object_type="comms_inbox.item",
            object_id=item.pk,
            at=at,
            before=before,
            after=_plain(item),
        )
    return item_line(item_id=item.pk, at=at)


def inbox_item_mark_answered(*, item_id: int, by: User, at: datetime, note: str = "") -> ItemLine:
    """Close an open item answered some other way (by telephone, by letter). Audited.

    Raises InboxNotAllowed (field "role" or "note"), InboxItemNotFound (field "item_id") and
    InboxTransitionNotAllowed (field "status").
    """
    note = note_checked(by, note)
    with transaction.atomic():
        item = item_locked(item_id)
        item_answered(item, by=by, at=at, note=note, action="inbox.mark_answered")
    return item_line(item_id=item.pk, at=at)


def item_answered(item: InboxItem, *, by: User, at: datetime, note: str, action: str, **extra: Any) -> None:
    """Close a locked open item as answered and audit it as `action`, inside the caller's transaction.

    Raises InboxTransitionNotAllowed (field "status")."""
    if item.status != ItemStatus.OPEN:
        raise InboxTransitionNotAllowed(
            f"status: the email is {ItemStatus(item.status).label.lower()}, not awaiting an answer",
            field="status",
        )
    before = _plain(item)
    item.status, item.answered_at, item.answered_by, item.closed_note = ItemStatus.ANSWERED, at, by, note
    item.save(update_fields=["status", "answered_at", "answered_by", "closed_note"])
    audit_record(
        actor=by,
        action=action,
        object_type="comms_inbox.item",
        object_id=item.pk,
        at=at,
        before=before,
        after={**_plain(item), **extra},
    )


def note_checked(by: User, note: str) -> str:
    """The note stripped, once the user may work the inbox. Raises InboxNotAllowed ("role", "note")."""
    if not may_work_inbox(by):
        raise InboxNotAllowed(
            "role: agents, team leaders and the head of credit work the collections inbox", field="role"
        )
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise InboxNotAllowed(f"note: at most {NOTE_MAX_LENGTH} characters", field="note")
    return note


def item_locked(item_id: int) -> InboxItem:
    """The item, locked for the caller's transaction. Raises InboxItemNotFound (field "item_id")."""
    item = InboxItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise InboxItemNotFound(f"item_id: no inbox item {item_id}", field="item_id")
    return item


def _plain(item: InboxItem) -> dict[str, Any]:
    return {
        "status": item.status,
        "contract_id": item.contract_id,
        "matched_by": item.matched_by,
        "due_date": item.due_date.isoformat(),
        "complaint": item.complaint,
        "note": item.closed_note,
    }
