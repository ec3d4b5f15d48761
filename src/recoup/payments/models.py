"""Payment methods, payments taken, and the API's idempotency store.

No table here holds a card number or a security code: a card is its provider's token, its brand,
last four digits, expiry and the name on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Brand(models.TextChoices):
    VISA = "visa", "Visa"
    MASTERCARD = "mastercard", "Mastercard"
    AMEX = "amex", "American Express"
    DISCOVER = "discover", "Discover"


class Channel(models.TextChoices):
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    CHEQUE = "cheque", "Cheque"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    MONEY_ORDER = "money_order", "Money order"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    SUCCEEDED = "succeeded", "Taken"
    DECLINED = "declined", "Declined"


class PaymentMethod(models.Model):
    """A card on file for a contract, as its provider knows it."""

    contract = models.ForeignKey("portfolio.Contract", on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=32)
    token = models.CharField(max_length=255)
    brand = models.CharField(max_length=16, choices=Brand.choices)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    holder_name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "token"], name="payment_method_token_once"),
            models.CheckConstraint(
                name="payment_method_brand_known", condition=models.Q(brand__in=Brand.values)
            ),
            models.CheckConstraint(
                name="payment_method_month", condition=models.Q(exp_month__gte=1, exp_month__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_brand_display()} ending {self.last4}"


class Payment(models.Model):
    """Money taken for a contract on one channel, or a card payment the issuer declined.

    A payment taken is allocated through the ledger: `ledger_receipt_id` is its receipt there. A
    decline posts nothing. `request_key` is unique: the same request (a form's submission, an API
    idempotency key) never takes a second payment.
    """

    contract = models.ForeignKey(
        "portfolio.Contract", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=Status.choices)
    method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(max_length=32, blank=True)
    provider_reference = models.CharField(max_length=255, blank=True)
    decline_code = models.CharField(max_length=32, blank=True)
    decline_reason = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=140, blank=True)  # a cheque number, a bank reference
    received_date = models.DateField()
    ledger_receipt_id = models.BigIntegerField(null=True, blank=True, unique=True)
    request_key = models.CharField(max_length=255, unique=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField()
    # The receipt sent to the customer (a comms sent item), or why none could be sent.
    customer_receipt_id = models.BigIntegerField(null=True, blank=True)
    customer_receipt_channel = models.CharField(max_length=8, blank=True)
    customer_receipt_note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["contract", "-taken_at"], name="payment_contract_taken")]
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=models.Q(amount_minor__gt=0)),
            models.CheckConstraint(
                name="payment_channel_known", condition=models.Q(channel__in=Channel.values)
            ),
            models.CheckConstraint(name="payment_status_known", condition=models.Q(status__in=Status.values)),
            models.CheckConstraint(
                name="payment_taken_is_in_the_ledger",
                condition=models.Q(status=Status.SUCCEEDED, ledger_receipt_id__isnull=False)
                | models.Q(status=Status.DECLINED, ledger_receipt_id__isnull=True),
            ),
            models.CheckConstraint(
                name="payment_declined_only_by_card",
                condition=~models.Q(status=Status.DECLINED) | models.Q(channel=Channel.CARD),
            ),
            models.CheckConstraint(
                name="payment_card_has_method",
                condition=~models.Q(channel=Channel.CARD) | models.Q(method__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} payment {self.pk} ({self.status})"


class IdempotentRequest(models.Model):
    """The first answer to an API request sent with an Idempotency-Key, kept to replay it.

    Written in the same transaction as what the request did, and unique per user and key, so two
    requests racing with one key cannot both be carried out.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=400)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()  # the JSON exactly as it was sent, to send the same bytes again
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} with key {self.key!r}"
