"""The collections inbox's tables: where reading the mailbox got to, the customers' messages with
their attachments, the inbox items (one per thread) that agents answer, and the replies sent.

An inbox item is not the account's strategy work item (collections.WorkItem, one per account):
an account may have several inbox items, one per conversation, beside its place in a queue.

Attachments are stored in the database, not as files under MEDIA_ROOT: a message and its
attachments are written in one transaction (a crash never leaves a message without its files or
files without their message), every web process on every machine reads them without a shared
disk, and the database's backups hold them. Mail servers cap a message at a few tens of
megabytes, so the rows stay modest. The raw message is kept as received too: it is the evidence
of what the customer sent (a complaint, a dispute), and it lets a better parser read it again.
"""

from django.conf import settings
from django.db import models


class MailboxState(models.Model):
    """How far the inbox has read one folder of one mailbox: UIDs up to `last_uid` are stored,
    valid while the server keeps `uidvalidity` (RFC 3501 2.3.1.1)."""

    mailbox = models.CharField(max_length=300)
    folder = models.CharField(max_length=200)
    uidvalidity = models.BigIntegerField()
    last_uid = models.BigIntegerField(default=0)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "folder"], name="inbox_mailbox_folder_once"),
        ]


class ItemStatus(models.TextChoices):
    TRIAGE = "triage", "Awaiting triage"
    OPEN = "open", "Awaiting an answer"
    ANSWERED = "answered", "Answered"
    NOT_COLLECTIONS = "not_collections", "Not collections mail"


class MatchedBy(models.TextChoices):
    REFERENCE = "reference", "Account number quoted"
    SENDER = "sender", "Sender's address"
    THREAD = "thread", "Reply in a thread"
    PERSON = "person", "Linked by a person"


class TriageReason(models.TextChoices):
    NO_MATCH = "no_match", "No account quoted and the sender is not a customer"
    SEVERAL_ACCOUNTS = "several_accounts", "Several accounts could be meant"
    NO_ACTIVE_ACCOUNT = "no_active_account", "The sender's accounts are all closed"


class InboxItem(models.Model):
    """One conversation with a customer: the messages of a thread, to be answered by `due_at`."""

    contract = models.ForeignKey(
        "portfolio.Contract", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=ItemStatus.choices)
    matched_by = models.CharField(max_length=16, choices=MatchedBy.choices, blank=True)
    triage_reason = models.CharField(max_length=20, choices=TriageReason.choices, blank=True)
    # Account numbers it could be about, for the person triaging it.
    candidates = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    from_address = models.CharField(max_length=254, blank=True)
    opened_at = models.DateTimeField()
    # The customer's latest message: the deadline runs from it.
    received_at = models.DateTimeField()
    complaint = models.BooleanField(default=False)
    due_date = models.DateField()
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "due_at"], name="inbox_item_by_deadline"),
            models.Index(fields=["contract", "-received_at"], name="inbox_item_account"),
        ]
        constraints = [
            models.CheckConstraint(
                name="inbox_item_status_known", condition=models.Q(status__in=ItemStatus.values)
            ),
            models.CheckConstraint(
                name="inbox_item_worked_has_account",
                condition=~models.Q(status__in=["open", "answered"]) | models.Q(contract__isnull=False),
            ),
            models.CheckConstraint(
                name="inbox_item_triage_has_no_account",
                condition=~models.Q(status="triage") | models.Q(contract__isnull=True),
            ),
            models.CheckConstraint(
                name="inbox_item_answered_whole",
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
            ),
        ]


class InboundMessage(models.Model):
    """One email from a customer as it was received, kept once whatever the number of fetches."""

    item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="messages")
    # The Message-ID as written, and its sha256 (Message-IDs may be a whole line long).
    message_id = models.TextField()
    message_key = models.CharField(max_length=64, unique=True)
    mailbox = models.CharField(max_length=300)
    folder = models.CharField(max_length=200)
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    from_address = models.CharField(max_length=254, db_index=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.TextField(blank=True)
    subject = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    fetched_at = models.DateTimeField()
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    text_body = models.TextField(blank=True)
    # Kept as it came, never rendered: pages show text_body.
    html_body = models.TextField(blank=True)
    raw = models.BinaryField()
    complaint = models.BooleanField(default=False)
    automatic = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["item", "received_at"], name="inbox_message_thread")]


class Attachment(models.Model):
    message = models.ForeignKey(InboundMessage, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["message", "position"], name="inbox_attachment_position_once"),
        ]


class Reply(models.Model):
    """An answer sent from the inbox; its Message-ID lets the customer's next reply join the thread."""

    item = models.ForeignKey(InboxItem, on_delete=models.PROTECT, related_name="replies")
    message_id = models.TextField(blank=True)
    message_key = models.CharField(max_length=64, blank=True, db_index=True)
    in_reply_to = models.TextField()
    sent_item_id = models.BigIntegerField(null=True, blank=True)  # comms' record of the email sent
    template_code = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
