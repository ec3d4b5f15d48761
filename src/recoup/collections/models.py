"""The collections context's tables: strategies and the queues they fill, the work items agents
take, and the contacts and promises agents record.

History is never deleted: contacts and promises stay as they were recorded; a promise's outcome
is written once, by the evaluation after the close of business that settles it.
"""

from django.conf import settings
from django.db import models


class Treatment(models.TextChoices):
    CALL = "call", "Call"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    FIELD_VISIT = "field_visit", "Field visit"
    ESCALATE = "escalate", "Escalate"


class Arm(models.TextChoices):
    CHAMPION = "champion", "Champion"
    CHALLENGER = "challenger", "Challenger"


class Queue(models.Model):
    """A list of accounts to work, filled by the strategies that name it."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    paused = models.BooleanField(default=False)
    # Higher first: Get next takes from the highest-priority queue that has workable accounts.
    priority = models.IntegerField(default=0)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="queues")


class Strategy(models.Model):
    """A segmentation rule: accounts that match it (first matching strategy by priority wins) go to
    its queue with its treatment. `rules` holds the conditions (see collections.strategies).

    Champion/challenger: `challenger_percent` of the matching accounts, split by a stable hash of
    the account and the strategy, get `challenger_treatment` instead.
    """

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    priority = models.IntegerField(default=0)
    active = models.BooleanField(default=True)
    rules = models.JSONField(default=dict, blank=True)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="strategies")
    treatment = models.CharField(max_length=16, choices=Treatment.choices, default=Treatment.CALL)
    challenger_percent = models.PositiveSmallIntegerField(default=0)
    challenger_treatment = models.CharField(max_length=16, choices=Treatment.choices, blank=True)

    class Meta:
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                name="strategy_challenger_share", condition=models.Q(challenger_percent__lte=100)
            ),
            models.CheckConstraint(
                name="strategy_challenger_has_treatment",
                condition=models.Q(challenger_percent=0) | ~models.Q(challenger_treatment=""),
            ),
        ]


class WorkItem(models.Model):
    """An account placed in a queue by the last strategy run: at most one per account.

    `rank` orders the queue (higher first). `held_by` is the agent working it now: Get next sets it
    in one conditional write, so two agents never hold the same item.
    """

    contract = models.OneToOneField(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="+", db_index=False)
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="+", db_index=False)
    arm = models.CharField(max_length=16, choices=Arm.choices, default=Arm.CHAMPION)
    treatment = models.CharField(max_length=16, choices=Treatment.choices)
    rank = models.BigIntegerField(default=0)
    placed_date = models.DateField()
    # The customer's time zone, so that Get next can skip accounts outside calling hours in SQL.
    time_zone = models.CharField(max_length=64, default="")
    not_before_date = models.DateField(null=True, blank=True)  # the next-action date agreed
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # Get next: the best free item of a queue.
            models.Index(
                fields=["queue", "-rank", "id"],
                name="work_item_free",
                condition=models.Q(held_by__isnull=True),
            ),
            models.Index(
                fields=["not_before_date"],
                name="work_item_not_before",
                condition=models.Q(not_before_date__isnull=False),
            ),
            models.Index(
                fields=["held_by"], name="work_item_held", condition=models.Q(held_by__isnull=False)
            ),
            models.Index(
                fields=["assigned_to"],
                name="work_item_assigned",
                condition=models.Q(assigned_to__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="work_item_held_whole",
                condition=models.Q(held_by__isnull=True, held_at__isnull=True)
                | models.Q(held_by__isnull=False, held_at__isnull=False),
            ),
        ]


class Channel(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    SMS = "sms", "SMS"
    VISIT = "visit", "Field visit"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class Outcome(models.TextChoices):
    RIGHT_PARTY = "right_party", "Right party contact"
    THIRD_PARTY = "third_party", "Third party"
    NO_ANSWER = "no_answer", "No answer"
    MESSAGE_LEFT = "message_left", "Message left"
    REFUSED = "refused", "Refused to pay"
    PROMISE = "promise", "Promise to pay"
    DISPUTE = "dispute", "Dispute"
    WRONG_NUMBER = "wrong_number", "Wrong number"
    CALLBACK = "callback", "Call back requested"
    BANKRUPTCY = "bankruptcy", "Bankruptcy mentioned"
    SENT = "sent", "Sent"


class Contact(models.Model):
    """One call, email, letter, SMS or visit, inbound or outbound, as the agent recorded it."""

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    next_action_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # The contact gate's refusal the agent read and acknowledged before making the contact anyway.
    acknowledged_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            # The strategy run's nightly reads: contacts whose day or agreed next action comes round.
            models.Index(fields=["at"], name="contact_at"),
            models.Index(
                fields=["next_action_date"],
                name="contact_next_action",
                condition=models.Q(next_action_date__isnull=False),
            ),
            models.Index(fields=["contract", "-at"], name="contact_account_history"),
            # The escalation rule that looks for a customer mentioning bankruptcy on a business date.
            models.Index(fields=["at"], name="contact_bankruptcy", condition=models.Q(outcome="bankruptcy")),
        ]
        constraints = [
            models.CheckConstraint(
                name="contact_channel_known", condition=models.Q(channel__in=Channel.values)
            ),
            models.CheckConstraint(
                name="contact_direction_known", condition=models.Q(direction__in=Direction.values)
            ),
            models.CheckConstraint(
                name="contact_outcome_known", condition=models.Q(outcome__in=Outcome.values)
            ),
        ]


class PromiseStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    PARTLY_KEPT = "partly_kept", "Partly kept"
    BROKEN = "broken", "Broken"


class Promise(models.Model):
    """A promise to pay one or several dated amounts, made during a contact."""

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="promises")
    made_date = models.DateField()
    currency = models.CharField(max_length=3)
    total_minor = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    settled_date = models.DateField(null=True, blank=True)  # the business date its outcome was decided

    class Meta:
        indexes = [
            models.Index(fields=["contract", "-made_date"], name="promise_account"),
            models.Index(fields=["status"], name="promise_open", condition=models.Q(status="open")),
            # The escalation rule that counts promises broken in the last ninety days.
            models.Index(fields=["settled_date"], name="promise_broken", condition=models.Q(status="broken")),
        ]
        constraints = [
            models.CheckConstraint(name="promise_total_positive", condition=models.Q(total_minor__gt=0)),
            models.CheckConstraint(
                name="promise_status_known", condition=models.Q(status__in=PromiseStatus.values)
            ),
        ]


class PromisePayment(models.Model):
    """One dated amount of a promise, and what was paid toward it by its date."""

    promise = models.ForeignKey(Promise, on_delete=models.PROTECT, related_name="payments")
    due_date = models.DateField()
    amount_minor = models.BigIntegerField()
    paid_minor = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)

    class Meta:
        ordering = ["due_date"]
        indexes = [models.Index(fields=["due_date"], name="promise_payment_due")]
        constraints = [
            models.UniqueConstraint(fields=["promise", "due_date"], name="promise_payment_one_a_day"),
            models.CheckConstraint(name="promise_payment_positive", condition=models.Q(amount_minor__gt=0)),
            models.CheckConstraint(
                name="promise_payment_paid_not_negative", condition=models.Q(paid_minor__gte=0)
            ),
        ]


class ArrangementKind(models.TextChoices):
    DEFERRAL = "deferral", "Deferral"
    EXTENSION = "extension", "Extension"
    DUE_DATE_CHANGE = "due_date_change", "Due-date change"
    REDUCED_PAYMENT = "reduced_payment", "Reduced-payment plan"
    SETTLEMENT = "settlement", "Settlement for less than the balance"


class ArrangementStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Awaiting approval"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    BROKEN = "broken", "Broken"
    REJECTED = "rejected", "Rejected"


class Arrangement(models.Model):
    """A change to how the customer pays, agreed by an agent: within their authority it takes effect
    at once (a new schedule version); beyond it, it waits on an approval request."""

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=24, choices=ArrangementKind.choices)
    terms = models.JSONField()  # from_installment, periods, new_first_due_date: what the agent agreed
    status = models.CharField(max_length=24, choices=ArrangementStatus.choices)
    months = models.PositiveIntegerField()  # how long it runs, measured against the authority limit
    reduction_percent = models.DecimalField(max_digits=5, decimal_places=2)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    effective_date = models.DateField()
    end_date = models.DateField()  # the last installment the arrangement moves
    schedule_version = models.PositiveIntegerField(null=True, blank=True)  # the version it made
    note = models.TextField(blank=True)
    # A reduced-payment plan or a settlement: what the customer agreed to pay (dated amounts in
    # ArrangementPayment); a settlement's remaining balance is credited once it is paid in full.
    currency = models.CharField(max_length=3, blank=True)
    balance_minor = models.BigIntegerField(null=True, blank=True)  # the balance when agreed
    agreed_minor = models.BigIntegerField(null=True, blank=True)  # the plan's or settlement's total
    decided_date = models.DateField(null=True, blank=True)  # when it completed or broke

    class Meta:
        indexes = [
            models.Index(fields=["contract", "-requested_at"], name="arrangement_account"),
            models.Index(fields=["status"], name="arrangement_active", condition=models.Q(status="active")),
        ]
        constraints = [
            models.CheckConstraint(
                name="arrangement_kind_known", condition=models.Q(kind__in=ArrangementKind.values)
            ),
            models.CheckConstraint(
                name="arrangement_status_known", condition=models.Q(status__in=ArrangementStatus.values)
            ),
        ]


class CreditKind(models.TextChoices):
    FEE_WAIVER = "fee_waiver", "Fee waiver"
    CREDIT = "credit", "Credit to the balance"


class CreditStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Awaiting approval"
    POSTED = "posted", "Posted"
    REJECTED = "rejected", "Rejected"


class Credit(models.Model):
    """A fee waiver or a credit to the balance, with its reason; posted to the ledger within the
    requester's authority, else once approved."""

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=16, choices=CreditKind.choices)
    reason = models.CharField(max_length=32)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=24, choices=CreditStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    effective_date = models.DateField()
    entry_key = models.CharField(
        max_length=255, blank=True
    )  # the ledger entry's idempotency key, once posted
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["contract", "-requested_at"], name="credit_account")]
        constraints = [
            models.CheckConstraint(name="credit_amount_positive", condition=models.Q(amount_minor__gt=0)),
            models.CheckConstraint(name="credit_kind_known", condition=models.Q(kind__in=CreditKind.values)),
            models.CheckConstraint(
                name="credit_status_known", condition=models.Q(status__in=CreditStatus.values)
            ),
        ]


class ArrangementPayment(models.Model):
    """One dated amount of a reduced-payment plan or a settlement, and what was paid toward it."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="payments")
    due_date = models.DateField()
    amount_minor = models.BigIntegerField()
    paid_minor = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "due_date"], name="arrangement_payment_one_a_day"),
            models.CheckConstraint(
                name="arrangement_payment_positive", condition=models.Q(amount_minor__gt=0)
            ),
            models.CheckConstraint(
                name="arrangement_payment_paid_not_negative", condition=models.Q(paid_minor__gte=0)
            ),
        ]


class EscalationKind(models.TextChoices):
    LARGE_BALANCE_ROLLING = "large_balance_rolling", "Large balance rolling"
    REPEATED_BROKEN_PROMISES = "repeated_broken_promises", "Repeated broken promises"
    BANKRUPTCY_MENTIONED = "bankruptcy_mentioned", "Customer mentioned bankruptcy"
    VEHICLE_EXPORT = "vehicle_export", "Vehicle at risk: export"
    VEHICLE_DAMAGE = "vehicle_damage", "Vehicle at risk: damage"
    INSURANCE_LAPSE = "insurance_lapse", "Vehicle at risk: insurance lapsed"
    SUSPECTED_FRAUD = "suspected_fraud", "Suspected fraud"
    OTHER = "other", "Other risk"


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class Escalation(models.Model):
    """A risk on an account brought to the team leaders and the head of credit, by a rule after the
    close of business or by hand. A rule raises each kind at most once a day per account."""

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=32, choices=EscalationKind.choices)
    by_rule = models.BooleanField(default=False)
    detail = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    raised_date = models.DateField()
    status = models.CharField(max_length=16, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["contract", "-raised_at"], name="escalation_account"),
            models.Index(fields=["status", "-raised_at"], name="escalation_status"),
            models.Index(
                fields=["raised_date"], name="escalation_rule_date", condition=models.Q(by_rule=True)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "raised_date"],
                condition=models.Q(by_rule=True),
                name="escalation_rule_once_a_day",
            ),
            models.CheckConstraint(
                name="escalation_kind_known", condition=models.Q(kind__in=EscalationKind.values)
            ),
            models.CheckConstraint(
                name="escalation_raised_by_someone_or_a_rule",
                condition=models.Q(by_rule=True, raised_by__isnull=True)
                | models.Q(by_rule=False, raised_by__isnull=False),
            ),
        ]


class EscalationNotice(models.Model):
    """An escalation in one person's in-app inbox (and, where configured, their email)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["recipient"],
                name="escalation_notice_unread",
                condition=models.Q(read_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "recipient"], name="escalation_notice_once"),
        ]


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ApprovalRequest(models.Model):
    """Maker–checker: a change beyond its maker's authority, for someone with enough to decide.

    `asks` holds what the change asks for against each limit (access.limits.Limit names, values as
    text) and `exceeded` the limits of the maker's that it goes beyond. The checker is never the maker.
    """

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    arrangement = models.OneToOneField(
        Arrangement, null=True, blank=True, on_delete=models.PROTECT, related_name="approval"
    )
    credit = models.OneToOneField(
        Credit, null=True, blank=True, on_delete=models.PROTECT, related_name="approval"
    )
    currency = models.CharField(max_length=3)
    asks = models.JSONField()
    exceeded = models.JSONField()
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["status", "requested_at"],
                name="approval_pending",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["contract", "-requested_at"], name="approval_account"),
        ]
        constraints = [
            models.CheckConstraint(
                name="approval_of_one_thing",
                condition=models.Q(arrangement__isnull=False, credit__isnull=True)
                | models.Q(arrangement__isnull=True, credit__isnull=False),
            ),
            models.CheckConstraint(
                name="approval_status_known", condition=models.Q(status__in=ApprovalStatus.values)
            ),
            models.CheckConstraint(
                name="approval_not_by_its_maker", condition=~models.Q(decided_by=models.F("requested_by"))
            ),
            models.CheckConstraint(
                name="approval_decided_whole",
                condition=models.Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (
                    ~models.Q(status="pending") & models.Q(decided_by__isnull=False, decided_at__isnull=False)
                ),
            ),
        ]


class StrategyRun(models.Model):
    """A business date the strategies placed the accounts for, with what the next night needs to
    read only what changed since: the active strategies' fingerprint (a change means a full run)
    and the highest contact, promise, flag and address ids seen."""

    business_date = models.DateField(unique=True)
    ran_at = models.DateTimeField()
    fingerprint = models.CharField(max_length=64)
    full = models.BooleanField()
    contact_watermark = models.BigIntegerField(default=0)
    promise_watermark = models.BigIntegerField(default=0)
    flag_watermark = models.BigIntegerField(default=0)
    address_watermark = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)
