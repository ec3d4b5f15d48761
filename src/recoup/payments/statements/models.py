"""Bank statements as imported: files, statements, their lines and what became of each line.

Contracts and receipts are known by id only (`contract_id`, `receipt_id`): the portfolio and the
ledger own them. A file is recorded once by the SHA-256 of its bytes, a statement once by its bank
account and statement id; both are UNIQUE so that two imports racing on the same file post once.
"""

from django.conf import settings
from django.db import models

from recoup.payments.statements.parsed import Direction, StatementFormat


class LineStatus(models.TextChoices):
    MATCHED = "matched", "Matched and allocated"
    AMBIGUOUS = "ambiguous", "Ambiguous: several candidates or a low score"
    UNMATCHED = "unmatched", "Unmatched"
    NOT_CUSTOMER = "not_customer", "Not customer money"
    APPLIED_BY_AGENT = "applied_by_agent", "Applied by an agent"
    RETURNED = "returned", "Returned"


# The lines an agent still has to work: the unapplied-cash queue.
QUEUE_STATUSES = (LineStatus.AMBIGUOUS, LineStatus.UNMATCHED)


class StatementFile(models.Model):
    """One file as received; importing the same bytes again finds this row and posts nothing."""

    sha256 = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=16, choices=[(f.value, f.value) for f in StatementFormat])
    file_id = models.CharField(max_length=140, blank=True)
    name = models.CharField(max_length=255)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    line_count = models.PositiveIntegerField(default=0)
    credit_count = models.PositiveIntegerField(default=0)
    debit_count = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    unmatched_count = models.PositiveIntegerField(default=0)
    # Decimal totals over the file's currencies, as the import reports them; per-currency minor
    # units live on the statements.
    credit_total = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    debit_total = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    posted_total = models.DecimalField(max_digits=20, decimal_places=4, default=0)

    class Meta:
        indexes = [models.Index(fields=["imported_at"], name="stmt_file_imported_at")]

    def __str__(self) -> str:
        return f"{self.name} ({self.format})"


class Statement(models.Model):
    """One statement of one bank account in a file."""

    file = models.ForeignKey(StatementFile, on_delete=models.PROTECT, related_name="statements")
    account_id = models.CharField(max_length=64)  # the lender's bank account (IBAN, account number)
    statement_id = models.CharField(max_length=140)
    currency = models.CharField(max_length=3)
    statement_date = models.DateField()
    opening_balance_minor = models.BigIntegerField(null=True, blank=True)
    closing_balance_minor = models.BigIntegerField(null=True, blank=True)
    credit_count = models.PositiveIntegerField(default=0)
    debit_count = models.PositiveIntegerField(default=0)
    credit_total_minor = models.BigIntegerField(default=0)
    debit_total_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account_id", "statement_id"], name="stmt_statement_once"),
        ]
        # The daily cash reconciliation reads the statements of a date.
        indexes = [models.Index(fields=["statement_date"], name="stmt_statement_date")]

    def __str__(self) -> str:
        return f"statement {self.statement_id} of {self.account_id}"


class StatementLine(models.Model):
    """One transaction of a statement, and what the matching (or an agent) made of it."""

    # The unique (statement, position) index serves look-ups by statement: none of its own.
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines", db_index=False)
    position = models.PositiveIntegerField()  # 1-based, in the statement's order
    location = models.CharField(max_length=140)
    booking_date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    direction = models.CharField(max_length=8, choices=[(d.value, d.value) for d in Direction])
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    bank_reference = models.CharField(max_length=140, blank=True)
    customer_reference = models.CharField(max_length=140, blank=True)
    remittance = models.TextField(blank=True)
    payer_name = models.CharField(max_length=200, blank=True)
    type_code = models.CharField(max_length=35, blank=True)
    return_code = models.CharField(max_length=35, blank=True)
    status = models.CharField(max_length=16, choices=LineStatus.choices)
    contract_id = models.BigIntegerField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(null=True, blank=True)
    match_reason = models.CharField(max_length=400, blank=True)
    # Other accounts the matching thought possible: [{"contract_id", "account_number", "confidence",
    # "reason"}], best first; shown to the agent working the line.
    candidates = models.JSONField(default=list, blank=True)
    receipt_id = models.BigIntegerField(null=True, blank=True)
    # A returned credit names the debit that returned it, and the debit the credit it returned.
    returned_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "position"], name="stmt_line_position_once"),
            models.CheckConstraint(name="stmt_line_amount_positive", condition=models.Q(amount_minor__gt=0)),
            models.CheckConstraint(
                name="stmt_line_status_known", condition=models.Q(status__in=LineStatus.values)
            ),
            models.CheckConstraint(
                name="stmt_line_confidence_range",
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__lte=100),
            ),
        ]
        indexes = [
            # The unapplied-cash queue: only the lines still to work, oldest first.
            models.Index(
                fields=["booking_date", "id"],
                name="stmt_line_queue",
                condition=models.Q(status__in=["ambiguous", "unmatched"]),
            ),
            # A return names the credit it returns by its references.
            models.Index(
                fields=["bank_reference"], name="stmt_line_bank_ref", condition=~models.Q(bank_reference="")
            ),
            models.Index(
                fields=["customer_reference"],
                name="stmt_line_customer_ref",
                condition=~models.Q(customer_reference=""),
            ),
            # No index on contract_id or receipt_id: nothing reads lines by them yet, and on a
            # 100,000-line file each index costs the insert and the commit's WAL.
        ]

    def __str__(self) -> str:
        return f"line {self.position} of statement {self.statement_id}"


class AgentAction(models.TextChoices):
    APPLIED = "applied", "Applied to an account"
    NOT_CUSTOMER = "not_customer", "Marked not customer money"


class LineAction(models.Model):
    """What an agent did to a line of the unapplied-cash queue: each part applied, or the line set aside.

    A split is several APPLIED rows of one line. Never edited; also written to the audit trail.
    """

    line = models.ForeignKey(StatementLine, on_delete=models.PROTECT, related_name="actions")
    action = models.CharField(max_length=16, choices=AgentAction.choices)
    contract_id = models.BigIntegerField(null=True, blank=True)
    amount_minor = models.BigIntegerField()
    receipt_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=400, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="stmt_action_amount_positive", condition=models.Q(amount_minor__gt=0)
            ),
            models.CheckConstraint(
                name="stmt_action_known", condition=models.Q(action__in=AgentAction.values)
            ),
            models.CheckConstraint(
                name="stmt_action_applied_names_account",
                condition=(
                    models.Q(action="applied", contract_id__isnull=False, receipt_id__isnull=False)
                    | models.Q(action="not_customer", contract_id__isnull=True)
                ),
            ),
            models.CheckConstraint(
                name="stmt_action_not_customer_has_reason",
                condition=~models.Q(action="not_customer", reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} on line {self.line_id}"


class CsvColumnMapping(models.Model):
    """A saved column mapping for a bank's CSV export, chosen by name at import (`--mapping NAME`).

    `columns` holds the mapping's fields as the CSV parser's `CsvMapping` takes them.
    """

    name = models.CharField(max_length=64, unique=True)
    columns = models.JSONField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
