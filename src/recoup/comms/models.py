"""The comms context's tables: versioned templates and the record of every item sent.

A template is a code, a channel and a language; its wording lives in numbered versions. A
published version is never edited: a new version supersedes it, and every item sent names the
version it was rendered from. Items sent are history and are never deleted.
"""

from django.conf import settings
from django.db import models

from recoup.comms.storage import letters_storage


class Channel(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class Template(models.Model):
    """What the lender says on one channel in one language, e.g. "arrears.reminder" by letter."""

    code = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    language = models.CharField(max_length=16, default="en")
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "channel", "language"], name="template_code_channel_language"
            ),
            models.CheckConstraint(
                name="template_channel_known", condition=models.Q(channel__in=["letter", "email", "sms"])
            ),
        ]


class TemplateVersion(models.Model):
    """One published wording of a template; the highest number is the one in use."""

    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    # The fields the sender supplies beyond the account's (e.g. a promise's date), declared when
    # published so a field no one can fill is refused then, not when a letter goes out.
    context_fields = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="template_version_number"),
            models.CheckConstraint(name="template_version_from_one", condition=models.Q(number__gte=1)),
        ]


class SentItem(models.Model):
    """A letter, email or SMS sent to a party about a contract, exactly as it was rendered.

    Letters keep their PDF as a file under MEDIA_ROOT (see comms.letters for why not in the
    database); email and SMS keep the provider's reference.
    """

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+", db_index=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    template = models.ForeignKey(Template, on_delete=models.PROTECT, related_name="+", db_index=False)
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=300, blank=True)  # the email, phone or postal address used
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    purpose = models.CharField(max_length=32, default="collection")
    provider_reference = models.CharField(max_length=200, blank=True)
    pdf = models.FileField(upload_to="letters/%Y/%m/%d", storage=letters_storage, blank=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    automated = models.BooleanField(default=True)
    acknowledged_reasons = models.JSONField(default=list, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    sent_date = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["contract", "-sent_at"], name="sentitem_contract_sent"),
            # The letter run asks "sent this template to this account since D?" for the whole book.
            models.Index(fields=["template", "sent_date"], name="sentitem_template_date"),
        ]
        constraints = [
            models.CheckConstraint(
                name="sentitem_channel_known", condition=models.Q(channel__in=["letter", "email", "sms"])
            ),
        ]
