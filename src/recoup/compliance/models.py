"""The contact gate's tables: the rule packs, every contact attempt, channel opt-outs, the court
orders that lift a bar on repossession, and the account's placements with outside agencies (which
choose the first- or third-party rule pack).

Attempts, opt-outs, court orders and placements are history: never edited or deleted.
"""

from django.conf import settings
from django.db import models

CHANNELS = ["call", "sms", "email", "letter"]


class Collector(models.TextChoices):
    FIRST_PARTY = "first_party", "First party (the lender)"
    THIRD_PARTY = "third_party", "Third party (placed with an agency)"


class ContactPolicy(models.Model):
    """A rule pack: the contact limits for a country, optionally narrowed to one jurisdiction, one
    portfolio (product code) and who collects. The most specific pack matching an account applies:
    product first, then jurisdiction, then collector. Its numbers feed compliance.frequency.Policy.
    """

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    jurisdiction = models.CharField(max_length=8, blank=True)  # "" for every one of the country
    product_code = models.CharField(max_length=32, blank=True)  # "" for every portfolio
    collector = models.CharField(max_length=16, choices=Collector.choices, blank=True)  # "" for both
    label = models.CharField(max_length=200)  # the rule its frequency reasons cite
    window_attempts_max = models.PositiveSmallIntegerField()
    window_days = models.PositiveSmallIntegerField()
    daily_attempts_max = models.PositiveSmallIntegerField(null=True, blank=True)
    conversation_quiet_days = models.PositiveSmallIntegerField()
    vulnerable_daily_attempts_max = models.PositiveSmallIntegerField()
    vulnerable_window_attempts_max = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name_plural = "contact policies"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "jurisdiction", "product_code", "collector"], name="contact_policy_once"
            ),
            models.CheckConstraint(
                name="contact_policy_country", condition=models.Q(country__in=["US", "GB"])
            ),
            models.CheckConstraint(name="contact_policy_window", condition=models.Q(window_days__gte=1)),
        ]


class ContactAttempt(models.Model):
    """One call, SMS, email or letter to or from the customer about the account, as the gate counts it.

    `conversation`: the customer was spoken to about the debt. `at_customer_request`: placed within
    seven days of the customer asking for it (not counted, 12 CFR 1006.14(b)(3)(i)).
    `acknowledged_reasons`: the gate's refusal the person making the contact read and acknowledged.
    """

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+", db_index=False)
    channel = models.CharField(max_length=8)
    direction = models.CharField(max_length=8)
    at = models.DateTimeField()
    conversation = models.BooleanField(default=False)
    at_customer_request = models.BooleanField(default=False)
    phone = models.CharField(max_length=20, blank=True)
    source = models.CharField(max_length=16)  # agent, dialer, automated
    acknowledged_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            # The gate's count of an account's recent calls: one range seek.
            models.Index(
                fields=["contract", "at"], name="contact_attempt_calls", condition=models.Q(channel="call")
            ),
            models.Index(fields=["contract", "-at"], name="contact_attempt_account"),
        ]
        constraints = [
            models.CheckConstraint(name="contact_attempt_channel", condition=models.Q(channel__in=CHANNELS)),
            models.CheckConstraint(
                name="contact_attempt_direction", condition=models.Q(direction__in=["inbound", "outbound"])
            ),
            models.CheckConstraint(
                name="contact_attempt_conversation_by_phone",
                condition=models.Q(conversation=False) | models.Q(channel="call"),
            ),
            models.CheckConstraint(name="contact_attempt_source", condition=models.Q(source__gt="")),
        ]


class ChannelOptOut(models.Model):
    """A customer's opt-out of SMS or email: of one address, or of the whole channel when `address`
    is "". Honoured by the gate from `at` on, until the customer withdraws it (`withdrawn_at`): the
    row stays as the record of both."""

    party = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="+", db_index=False)
    channel = models.CharField(max_length=8)
    address = models.CharField(max_length=254, blank=True)  # E.164 number or lower-cased email
    at = models.DateTimeField()
    source = models.CharField(max_length=32)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_source = models.CharField(max_length=32, blank=True)
    withdrawn_note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["party", "channel"], name="channel_opt_out_party")]
        constraints = [
            models.CheckConstraint(
                name="channel_opt_out_channel", condition=models.Q(channel__in=["sms", "email"])
            ),
            models.CheckConstraint(name="channel_opt_out_source", condition=models.Q(source__gt="")),
        ]


class CourtOrderKind(models.TextChoices):
    SCRA_REPOSSESSION = "scra_repossession", "Court order under 50 U.S.C. § 3952 permitting repossession"
    STAY_RELIEF = "stay_relief", "Relief from the automatic stay (11 U.S.C. § 362(d))"


class CourtOrder(models.Model):
    """A court's order on an account lifting a bar on repossession, as a person recorded it.

    In force from `granted_date` up to and including `expiry_date` (none: no end). Never deleted: an
    order recorded by mistake is revoked (`revoked_at`, `revoked_by`, `revoked_reason`) and is then
    never in force.
    """

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=32, choices=CourtOrderKind.choices)
    court = models.CharField(max_length=200)
    reference = models.CharField(max_length=100)
    granted_date = models.DateField()
    expiry_date = models.DateField(null=True, blank=True)
    conditions = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    revoked_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["contract", "granted_date"], name="court_order_account")]
        constraints = [
            models.CheckConstraint(
                name="court_order_kind", condition=models.Q(kind__in=CourtOrderKind.values)
            ),
            models.CheckConstraint(name="court_order_court", condition=models.Q(court__gt="")),
            models.CheckConstraint(name="court_order_reference", condition=models.Q(reference__gt="")),
            models.CheckConstraint(
                name="court_order_expiry_after_grant",
                condition=models.Q(expiry_date__isnull=True)
                | models.Q(expiry_date__gte=models.F("granted_date")),
            ),
            models.CheckConstraint(
                name="court_order_revocation_whole",
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True, revoked_reason="")
                | models.Q(revoked_at__isnull=False, revoked_reason__gt=""),
            ),
            # The same order is recorded once; once revoked it may be recorded again, corrected.
            models.UniqueConstraint(
                fields=["contract", "kind", "reference"],
                name="court_order_once",
                condition=models.Q(revoked_at__isnull=True),
            ),
        ]


class PlacementKind(models.TextChoices):
    COLLECTION_AGENCY = "collection_agency", "Debt collection agency"
    SOLICITOR = "solicitor", "Solicitor or collection attorney"
    REPOSSESSION_AGENT = "repossession_agent", "Repossession agent"
    TRACE_SPECIALIST = "trace_specialist", "Trace specialist"


class Placement(models.Model):
    """The account placed with an outside agency, as a person recorded it: from `placed_date` up to
    but not including `recalled_date` (none while placed). A placement with a debt collection agency
    or a solicitor makes the contact gate apply the third-party rule pack
    (compliance.rules.COLLECTING_PLACEMENT_KINDS).

    Never deleted: a recall fills `recalled_date`, `recalled_at`, `recalled_by` and `recall_reason`.
    An account has at most one open placement of each kind.
    """

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=32, choices=PlacementKind.choices)
    agency = models.CharField(max_length=200)
    placed_date = models.DateField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    placed_at = models.DateTimeField()
    recalled_date = models.DateField(null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    recall_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["contract", "placed_date"], name="placement_account")]
        constraints = [
            models.CheckConstraint(name="placement_kind", condition=models.Q(kind__in=PlacementKind.values)),
            models.CheckConstraint(name="placement_agency", condition=models.Q(agency__gt="")),
            models.CheckConstraint(
                name="placement_recalled_after_placed",
                condition=models.Q(recalled_date__isnull=True)
                | models.Q(recalled_date__gte=models.F("placed_date")),
            ),
            models.CheckConstraint(
                name="placement_recall_whole",
                condition=models.Q(
                    recalled_date__isnull=True,
                    recalled_at__isnull=True,
                    recalled_by__isnull=True,
                    recall_reason="",
                )
                | models.Q(recalled_date__isnull=False, recalled_at__isnull=False, recall_reason__gt=""),
            ),
            models.UniqueConstraint(
                fields=["contract", "kind"],
                name="placement_open_once",
                condition=models.Q(recalled_date__isnull=True),
            ),
        ]
