"""The ledger's tables: books, the chart of accounts, journal entries, postings and receipts.

Contracts are known only by `contract_id`: the portfolio context owns them and calls the
ledger. Postings and journal entries are append-only (database triggers refuse UPDATE
and DELETE); amounts are signed minor units, debit positive.
"""

from django.conf import settings
from django.db import models

from recoup.kernel.money import CURRENCY_EXPONENTS

KNOWN_CURRENCIES = sorted(CURRENCY_EXPONENTS)


class AccountCode(models.TextChoices):
    PRINCIPAL = "principal", "Principal not yet due"
    PRINCIPAL_DUE = "principal_due", "Principal due"
    INTEREST_ACCRUED = "interest_accrued", "Interest accrued"
    INTEREST_DUE = "interest_due", "Interest due"
    FEES_DUE = "fees_due", "Fees due"
    UNAPPLIED = "unapplied", "Unapplied customer cash"
    CASH_CLEARING = "cash_clearing", "Cash clearing"
    FUNDING = "funding", "Funding advanced to the dealer"
    INTEREST_INCOME = "interest_income", "Interest income"
    FEE_INCOME = "fee_income", "Fee income"
    CREDITS = "credits", "Credits and waivers granted"
    WRITE_OFF = "write_off", "Written off"
    RECOVERY = "recovery", "Recoveries"


class Overpayment(models.TextChoices):
    PRINCIPAL = "principal", "Reduces principal"
    UNAPPLIED = "unapplied", "Held unapplied"


class ReceiptStatus(models.TextChoices):
    ALLOCATED = "allocated", "Allocated"
    REVERSED = "reversed", "Reversed"


class LedgerBook(models.Model):
    """One per contract: its currency and allocation policy. Its row is the lock writers queue on."""

    contract_id = models.BigIntegerField(unique=True)
    currency = models.CharField(max_length=3)
    waterfall_order = models.CharField(max_length=64)
    waterfall_by_installment = models.BooleanField()
    overpayment = models.CharField(max_length=16, choices=Overpayment.choices)
    opened_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="ledger_book_currency_known", condition=models.Q(currency__in=KNOWN_CURRENCIES)
            ),
            models.CheckConstraint(
                name="ledger_book_overpayment_known", condition=models.Q(overpayment__in=Overpayment.values)
            ),
            models.CheckConstraint(
                name="ledger_book_contract_positive", condition=models.Q(contract_id__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"book of contract {self.contract_id} ({self.currency})"


class LedgerAccount(models.Model):
    """One account of a contract's chart; `balance_minor` is kept for speed and must equal its postings."""

    # The unique (book, code) index serves look-ups by book; a second index on book alone would
    # only cost every insert.
    book = models.ForeignKey(LedgerBook, on_delete=models.PROTECT, related_name="accounts", db_index=False)
    code = models.CharField(max_length=32, choices=AccountCode.choices)
    currency = models.CharField(max_length=3)
    balance_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "code"], name="ledger_account_one_per_code"),
            models.CheckConstraint(
                name="ledger_account_code_known", condition=models.Q(code__in=AccountCode.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} of book {self.book_id}"


class Receipt(models.Model):
    """Money received against a contract, and where it stands; `sequence` orders receipts within a book."""

    # ledger_receipt_sequence_per_book (book, sequence) serves look-ups by book: no index on book alone.
    book = models.ForeignKey(LedgerBook, on_delete=models.PROTECT, related_name="receipts", db_index=False)
    sequence = models.PositiveBigIntegerField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    received_date = models.DateField()
    reference = models.CharField(max_length=140, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=16, choices=ReceiptStatus.choices, default=ReceiptStatus.ALLOCATED)
    allocated_at = models.DateTimeField()
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "sequence"], name="ledger_receipt_sequence_per_book"),
            models.CheckConstraint(
                name="ledger_receipt_amount_positive", condition=models.Q(amount_minor__gt=0)
            ),
            models.CheckConstraint(
                name="ledger_receipt_status_known", condition=models.Q(status__in=ReceiptStatus.values)
            ),
            models.CheckConstraint(
                name="ledger_receipt_reversed_has_moment",
                condition=(
                    models.Q(status=ReceiptStatus.ALLOCATED, reversed_at__isnull=True)
                    | models.Q(status=ReceiptStatus.REVERSED, reversed_at__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"receipt {self.sequence} of book {self.book_id}"


class JournalEntry(models.Model):
    """One balanced act on a book. Never edited: a mistake is corrected by a reversing entry."""

    idempotency_key = models.CharField(max_length=255, unique=True)
    # A digest of what the entry says, so a retried request is told apart from a reused key.
    fingerprint = models.CharField(max_length=64)
    reason_code = models.CharField(max_length=64)
    # ledger_entry_book_date serves look-ups by book (see Meta): no index on book alone.
    book = models.ForeignKey(LedgerBook, on_delete=models.PROTECT, related_name="entries", db_index=False)
    effective_date = models.DateField()
    posted_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    memo = models.TextField(blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(name="ledger_entry_has_reason", condition=~models.Q(reason_code="")),
            models.CheckConstraint(name="ledger_entry_has_key", condition=~models.Q(idempotency_key="")),
        ]
        indexes = [models.Index(fields=["book", "effective_date"], name="ledger_entry_book_date")]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.reason_code})"


class Posting(models.Model):
    """One signed line of an entry against one account: debit positive, credit negative, never zero."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    # The installment index below leads with the account, so the foreign key needs none of its own.
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="postings", db_index=False
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    installment = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="ledger_posting_not_zero", condition=~models.Q(amount_minor=0)),
            models.CheckConstraint(
                name="ledger_posting_installment_positive",
                condition=models.Q(installment__isnull=True) | models.Q(installment__gt=0),
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "installment", "amount_minor"], name="ledger_posting_installment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor} {self.currency} on account {self.account_id}"
