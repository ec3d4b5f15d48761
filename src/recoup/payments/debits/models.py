"""Debit mandates (US ACH authorizations, UK Direct Debit Instructions), the runs that collect on
them, the items of each run, and the returns that came back."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Scheme(models.TextChoices):
    ACH = "ach", "ACH debit (NACHA)"
    BACS = "bacs", "Direct Debit (Bacs)"


class Originator(models.Model):
    """Who collects: a US company originating ACH debits through its bank (ODFI), or a UK Bacs
    service user. One NACHA file or Bacs submission is written per originator per run."""

    code = models.CharField(max_length=32, unique=True)
    scheme = models.CharField(max_length=8, choices=Scheme.choices)
    name = models.CharField(max_length=100)  # as the customer's statement shows it (16 ACH, 18 Bacs)
    currency = models.CharField(max_length=3)
    # ACH: the Company Identification; Bacs: the six-digit Service User Number.
    identification = models.CharField(max_length=10)
    # ACH: the ODFI's routing number, the file's destination and the Immediate Origin.
    odfi_routing = models.CharField(max_length=9, blank=True)
    destination_routing = models.CharField(max_length=9, blank=True)
    destination_name = models.CharField(max_length=23, blank=True)
    origin = models.CharField(max_length=10, blank=True)
    # Bacs: the service user's own account, credited by the contra (the lender's, not personal data).
    sort_code = models.CharField(max_length=6, blank=True)
    account_number = models.CharField(max_length=8, blank=True)
    account_name = models.CharField(max_length=18, blank=True)
    # The last trace number sequence given (ACH) or submission serial (Bacs), raised under a row lock.
    last_sequence = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="debit_originator_scheme_known", condition=models.Q(scheme__in=Scheme.values)
            ),
        ]

    def __str__(self) -> str:
        return self.code


class MandateStatus(models.TextChoices):
    PENDING_LODGEMENT = "pending_lodgement", "Pending lodgement"  # a DDI not yet sent to Bacs
    LODGED = "lodged", "Lodged (AUDDIS 0N sent)"
    ACTIVE = "active", "Active"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"
    STOPPED = "stopped", "Stopped by a return"


class AccountType(models.TextChoices):
    CHECKING = "checking", "Checking"
    SAVINGS = "savings", "Savings"


class AuthorizationForm(models.TextChoices):
    """How the customer authorized the debits (Reg E 1005.10(b); Nacha Rules, Subsection 2.3.2):
    a signed form (PPD), an authorization on a website (WEB), a recorded call (TEL)."""

    WRITTEN = "written", "Written (PPD)"
    WEB = "web", "Internet (WEB)"
    TELEPHONE = "telephone", "Telephone (TEL)"


class Mandate(models.Model):
    """The customer's authority to debit their bank account for a contract's payments.

    The account number is kept sealed (`account_sealed`, see formats/bank_details) and shown only by
    its last four digits; the routing number or sort code identifies a bank, not a person.
    """

    contract = models.ForeignKey("portfolio.Contract", on_delete=models.PROTECT, related_name="+")
    originator = models.ForeignKey(Originator, on_delete=models.PROTECT, related_name="mandates")
    scheme = models.CharField(max_length=8, choices=Scheme.choices)
    status = models.CharField(max_length=24, choices=MandateStatus.choices)
    holder_name = models.CharField(max_length=100)
    routing_number = models.CharField(max_length=9, blank=True)  # ACH
    sort_code = models.CharField(max_length=6, blank=True)  # Bacs
    account_last4 = models.CharField(max_length=4)
    account_sealed = models.TextField()
    account_type = models.CharField(max_length=16, choices=AccountType.choices, blank=True)  # ACH
    authorization_form = models.CharField(max_length=16, choices=AuthorizationForm.choices, blank=True)
    authorized_date = models.DateField()
    # The DDI reference (Bacs), or the mandate's own reference on ACH entries; unique per originator.
    reference = models.CharField(max_length=18)
    lodged_date = models.DateField(null=True, blank=True)
    ended_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["status"], name="debit_mandate_status")]
        constraints = [
            models.UniqueConstraint(fields=["originator", "reference"], name="debit_mandate_reference_once"),
            models.CheckConstraint(
                name="debit_mandate_scheme_known", condition=models.Q(scheme__in=Scheme.values)
            ),
            models.CheckConstraint(
                name="debit_mandate_status_known", condition=models.Q(status__in=MandateStatus.values)
            ),
            models.CheckConstraint(
                name="debit_mandate_bank_of_scheme",
                condition=(
                    models.Q(scheme=Scheme.ACH, sort_code="")
                    & ~models.Q(routing_number="")
                    & models.Q(account_type__in=AccountType.values)
                    & models.Q(authorization_form__in=AuthorizationForm.values)
                )
                | (models.Q(scheme=Scheme.BACS, routing_number="") & ~models.Q(sort_code="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.scheme})"


class DebitRun(models.Model):
    """One run of debits for a collection date: the files it wrote and the items in them."""

    collection_date = models.DateField()
    as_of = models.DateField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class DebitFile(models.Model):
    """A file written for the bank (NACHA) or Bacs (Standard 18), kept as sent."""

    run = models.ForeignKey(DebitRun, on_delete=models.PROTECT, related_name="files")
    originator = models.ForeignKey(Originator, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100, unique=True)
    content = models.TextField()
    item_count = models.PositiveIntegerField()
    instruction_count = models.PositiveIntegerField(default=0)  # AUDDIS 0N/0C records (Bacs)
    total_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)


class ItemStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SETTLED = "settled", "Settled (receipt posted)"
    RETURNED = "returned", "Returned (receipt reversed)"


class DebitItem(models.Model):
    """One debit of a customer's account. `trace` is the ACH trace number, or for Bacs the DDI
    reference the payer's bank quotes back (with the processing date and amount)."""

    run = models.ForeignKey(DebitRun, on_delete=models.PROTECT, related_name="items")
    file = models.ForeignKey(DebitFile, on_delete=models.PROTECT, related_name="items")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="items")
    originator = models.ForeignKey(Originator, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("portfolio.Contract", on_delete=models.PROTECT, related_name="+")
    installment = models.PositiveIntegerField(null=True, blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    collection_date = models.DateField()  # the settlement (ACH effective entry) or Bacs entry date
    processing_date = models.DateField()  # ACH: the same; Bacs: the processing day before it
    transaction_code = models.CharField(max_length=2)
    trace = models.CharField(max_length=18)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.SUBMITTED)
    receipt_id = models.BigIntegerField(null=True, blank=True)  # the ledger receipt, once settled
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["originator", "trace"], name="debit_item_trace")]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "collection_date"], name="debit_item_once_a_day"),
            models.CheckConstraint(name="debit_item_amount_positive", condition=models.Q(amount_minor__gt=0)),
            models.CheckConstraint(
                name="debit_item_status_known", condition=models.Q(status__in=ItemStatus.values)
            ),
            models.CheckConstraint(
                name="debit_item_settled_has_receipt",
                condition=~models.Q(status=ItemStatus.SETTLED) | models.Q(receipt_id__isnull=False),
            ),
        ]


class ReturnFile(models.Model):
    """A return file or report read: NACHA returns, ARUDD or ADDACS."""

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)  # nacha, arudd, addacs
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField()
    returned_count = models.PositiveIntegerField()
    already_count = models.PositiveIntegerField()


class DebitReturn(models.Model):
    """A debit that came back, with the scheme's reason; one per item."""

    item = models.OneToOneField(DebitItem, on_delete=models.PROTECT, related_name="returned")
    file = models.ForeignKey(ReturnFile, on_delete=models.PROTECT, related_name="returns")
    location = models.CharField(max_length=64)  # where in the file: "line 4", "ReturnedDebitItem[2]"
    code = models.CharField(max_length=4)  # R01…, or the ARUDD reason code
    description = models.CharField(max_length=120)
    return_date = models.DateField()
    date_of_death = models.DateField(null=True, blank=True)
    mandate_stopped = models.BooleanField(default=False)
    created_at = models.DateTimeField()
