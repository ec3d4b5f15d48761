"""The notices context's table: every statutory notice with its clock and its delivery record.

A notice is recorded when it falls due, with the dates its rule gives, and a snapshot of the merge
data it was (or will be) rendered from, so that what the customer was told stays provable after the
account moves on. It goes out as a letter through comms; the item sent is named by its id.
"""

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    RIGHT_TO_CURE = "us.right_to_cure", "Notice of right to cure (US)"
    INTENT_TO_REPOSSESS = "us.intent_to_repossess", "Notice of intent to repossess (US)"
    DISPOSITION = "us.disposition", "Notice of disposition of the vehicle (US)"
    DEFICIENCY_EXPLANATION = "us.deficiency_explanation", "Explanation of deficiency (US)"
    ARREARS_S86B = "uk.arrears_s86b", "Notice of sums in arrears, CCA s.86B (UK)"
    DEFAULT_S87 = "uk.default_s87", "Default notice, CCA s.87 (UK)"


class NoticeStatus(models.TextChoices):
    DUE = "due", "Due"
    SENT = "sent", "Sent"
    SUPERSEDED = "superseded", "Superseded"
    CANCELLED = "cancelled", "Cancelled"


class Notice(models.Model):
    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    jurisdiction = models.CharField(max_length=8)
    template_code = models.CharField(max_length=64)
    # The dates of the notice's rule (comms.notices.timing.Timing).
    trigger_date = models.DateField()
    earliest_send_date = models.DateField()
    latest_send_date = models.DateField(null=True, blank=True)  # None where the law sets no last day
    sent_date = models.DateField(null=True, blank=True)  # in the customer's local time
    sent_at = models.DateTimeField(null=True, blank=True)
    deemed_service_date = models.DateField(null=True, blank=True)
    remedy_by_date = models.DateField(null=True, blank=True)  # last day to cure / remedy / redeem
    earliest_action_date = models.DateField(null=True, blank=True)
    merge_data = models.JSONField(default=dict)  # the sums and dates the notice states, as sent
    status = models.CharField(max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DUE)
    # Why a due notice has not gone yet (the last refusal), for the operators' list.
    hold_reason = models.CharField(max_length=300, blank=True)
    # Delivery: the item comms kept (its PDF for a letter), and the channel it went by.
    sent_item_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=8, default="letter")
    letter_pdf = models.BooleanField(default=False)
    by_rule = models.BooleanField(default=True)  # raised by the nightly issue, not by a person
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One live notice per account, kind and occasion: the nightly issue may run twice for a date.
            models.UniqueConstraint(
                fields=["contract", "kind", "trigger_date"],
                condition=models.Q(status__in=["due", "sent"]),
                name="notice_once_per_occasion",
            ),
            models.CheckConstraint(
                name="notice_sent_whole",
                condition=models.Q(status="sent", sent_at__isnull=False, sent_date__isnull=False)
                | ~models.Q(status="sent"),
            ),
            models.CheckConstraint(
                name="notice_status_known",
                condition=models.Q(status__in=["due", "sent", "superseded", "cancelled"]),
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "kind", "-trigger_date"], name="notice_contract_kind"),
            models.Index(fields=["kind", "status"], name="notice_due", condition=models.Q(status="due")),
            # The nightly selection's repeats: the notices sent about six months before the night.
            models.Index(fields=["kind", "sent_date"], name="notice_sent", condition=models.Q(status="sent")),
        ]


class NoticeSelection(models.Model):
    """A night the notices the rules raise were recorded for: the next night reads only what changed
    since the last one (the accounts whose arrears state moved, the payments that came of age, the
    notices whose six months run out)."""

    business_date = models.DateField(unique=True)
    recorded_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
