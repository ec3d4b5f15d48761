"""The arrears context's tables: the state of each account after the last close of business,
the history of bucket transitions (never deleted), close-of-business runs, bucket schemes
and the aged-debt totals each run leaves for the reports.

A row of ArrearsState changes only when something about the account changes (an installment
falls due, a payment, a bucket transition), never just because a day passed: days past due are
the business date less `oldest_unpaid_due_date`, so a nightly run writes thousands of rows, not
millions.
"""

from django.db import models


class BucketScheme(models.Model):
    """Bucket ranges for a portfolio: the first day past due of each bucket, e.g. "1 30 60 90 120 180".

    `product_codes` lists the products it applies to (space separated); the scheme with none is
    the default for every other product.
    """

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    boundaries = models.CharField(max_length=100, default="1 30 60 90 120 180")
    product_codes = models.CharField(max_length=200, blank=True)


class ArrearsState(models.Model):
    """An account's arrears after the last close of business that changed it."""

    contract = models.OneToOneField(
        "portfolio.Contract", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    currency = models.CharField(max_length=3)
    changed_date = models.DateField()  # the business date this row last changed
    installments_due = models.PositiveIntegerField(default=0)  # installments fallen due so far
    due_to_date_minor = models.BigIntegerField(default=0)  # their payments added up
    paid_to_date_minor = models.BigIntegerField(default=0)  # paid toward them
    arrears_minor = models.BigIntegerField(default=0)  # due less paid, never below zero
    oldest_unpaid_due_date = models.DateField(null=True, blank=True)  # None when nothing is overdue
    installments_missed = models.PositiveIntegerField(default=0)
    bucket = models.CharField(max_length=16, default="current")
    bucket_since_date = models.DateField()
    next_due_date = models.DateField(null=True, blank=True)
    receivable_minor = models.BigIntegerField(default=0)  # the ledger's receivable balance
    # Daily simple interest accrued since the last due date, with the exact remainder carried
    # in millionths of a minor unit so that no day's rounding is lost.
    accrued_interest_minor = models.BigIntegerField(default=0)
    accrual_remainder_micro = models.BigIntegerField(default=0)
    # Set when the account needs the collections strategies' attention.
    collections_flag = models.BooleanField(default=False)
    flagged_date = models.DateField(null=True, blank=True)
    # The contract's product and jurisdiction, copied here so that aged debt is one scan of one table.
    product_code = models.CharField(max_length=32, default="")
    jurisdiction = models.CharField(max_length=8, default="")
    frequency = models.CharField(max_length=16, default="")  # of the schedule as it now stands
    # Where the schedule stands after the last installment due, so that the next installment's
    # split is one vectorised step of the schedule engine rather than a rebuild of the schedule.
    schedule_balance_minor = models.BigIntegerField(default=0)
    carried_interest_minor = models.BigIntegerField(default=0)
    last_due_date = models.DateField(null=True, blank=True)
    last_installment_minor = models.BigIntegerField(default=0)
    oldest_unpaid_installment = models.PositiveIntegerField(null=True, blank=True)
    # Something was posted to the account's book since its arrears were last worked out.
    refresh_pending = models.BooleanField(default=False)
    # What the row added to the last aged-debt totals: its bucket (None when it added nothing: no
    # balance and no arrears), its balance and its arrears. A night's totals are the last close's
    # moved by the rows whose share changed, so a close reads the rows it changed, not the book.
    aged_bucket = models.CharField(max_length=16, null=True, blank=True)
    aged_balance_minor = models.BigIntegerField(default=0)
    aged_arrears_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(name="arrears_not_negative", condition=models.Q(arrears_minor__gte=0)),
            models.CheckConstraint(
                name="arrears_due_date_when_in_arrears",
                condition=models.Q(arrears_minor=0) | models.Q(oldest_unpaid_due_date__isnull=False),
            ),
        ]
        indexes = [
            # The accounts in arrears only (every query of it compares the date, so excludes None):
            # a night's update of an account up to date then writes one index entry fewer.
            models.Index(
                fields=["oldest_unpaid_due_date"],
                name="arrears_state_oldest_unpaid",
                condition=models.Q(oldest_unpaid_due_date__isnull=False),
            ),
            models.Index(fields=["next_due_date"], name="arrears_state_next_due"),
            # The late-fee candidates of a night: in arrears, an installment due a product's grace
            # days ago (the last one, or for weekly and fortnightly schedules one of the last few).
            # Partial, so it holds the accounts in arrears only.
            models.Index(
                fields=["product_code", "frequency", "last_due_date"],
                name="arrears_state_late",
                condition=models.Q(arrears_minor__gt=0),
            ),
            models.Index(fields=["changed_date"], name="arrears_state_changed"),
            models.Index(
                fields=["refresh_pending"],
                name="arrears_state_pending",
                condition=models.Q(refresh_pending=True),
            ),
        ]


class TransitionKind(models.TextChoices):
    ROLL_FORWARD = "roll_forward", "Rolled forward"
    ROLL_BACK = "roll_back", "Rolled back"
    CURE = "cure", "Cured"


class BucketTransition(models.Model):
    """An account moving between buckets on a business date. Append-only."""

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    business_date = models.DateField()
    from_bucket = models.CharField(max_length=16)
    to_bucket = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, choices=TransitionKind.choices)
    days_past_due = models.PositiveIntegerField()
    arrears_minor = models.BigIntegerField()
    receivable_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "business_date"], name="bucket_transition_once_a_day"
            ),
            models.CheckConstraint(
                name="bucket_transition_moves", condition=~models.Q(from_bucket=models.F("to_bucket"))
            ),
        ]
        indexes = [models.Index(fields=["business_date"], name="bucket_transition_date")]


class CobStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"


class CobRun(models.Model):
    """One close of business for one business date; a completed run is never run again."""

    business_date = models.DateField(unique=True)
    status = models.CharField(max_length=16, choices=CobStatus.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The steps done so far, so that a run killed half-way resumes where it stopped.
    steps_done = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    # The ranges of contract ids ([low, high), None for no bound) the date is closed in, each in a
    # transaction of its own (CobPart); empty when the date is closed in one transaction.
    parts = models.JSONField(default=list)


class CobPart(models.Model):
    """One range of contracts of a business date's close, closed and committed on its own: a run
    killed part-way closes the parts with no row here when it runs again."""

    run = models.ForeignKey(CobRun, on_delete=models.CASCADE, related_name="+")
    part = models.PositiveSmallIntegerField()  # its place in CobRun.parts
    finished_at = models.DateTimeField()
    summary = models.JSONField(default=dict)  # per step, as CobRun.summary
    # How the part's rows move the date's aged-debt totals: rows of product_code, jurisdiction,
    # currency, bucket, accounts, balance_minor and arrears_minor, added up once every part is in.
    moved = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "part"], name="cob_part_once")]


class AgedDebtTotal(models.Model):
    """Accounts and receivable balance per bucket and group, as each close of business left them."""

    business_date = models.DateField()
    product_code = models.CharField(max_length=32)
    jurisdiction = models.CharField(max_length=8)
    currency = models.CharField(max_length=3)
    bucket = models.CharField(max_length=16)
    accounts = models.PositiveIntegerField()
    balance_minor = models.BigIntegerField()
    arrears_minor = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business_date", "product_code", "jurisdiction", "currency", "bucket"],
                name="aged_debt_total_once",
            ),
        ]
