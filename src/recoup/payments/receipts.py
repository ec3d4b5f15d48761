"""The receipt a customer gets for a payment: the "payment_receipt" template, by email when the
contact gate lets an email go (the customer has an address and has not opted out), else by letter.

It is sent after the payment's transaction has committed, so a receipt never goes out for a payment
that was not kept, and a receipt that cannot be sent never undoes a payment: the payment keeps the
sent item's id, or why no receipt went.
"""

from __future__ import annotations

from datetime import datetime

from recoup.comms.formats import date_text, locale_of, money_text
from recoup.comms.operations import communication_send
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money
from recoup.payments import models

TEMPLATE = "payment_receipt"
CHANNELS = ("email", "letter")


def payment_receipt_send(*, payment_id: int, at: datetime) -> models.Payment:
    """Send the receipt for a payment taken, by email or else by letter, and note it on the payment.

    A payment that already has its receipt is left as it is. When neither channel may be used the
    reasons are kept in `customer_receipt_note` and nothing is sent.
    """
    row = models.Payment.objects.select_related("contract", "method").get(pk=payment_id)
    if row.status != models.Status.SUCCEEDED or row.customer_receipt_id is not None:
        return row
    locale = locale_of(row.contract.country)
    method = (
        f"{row.method.get_brand_display()} card ending {row.method.last4}"
        if row.method
        else f"{row.get_channel_display()} {row.reference}".strip()
    )
    context = {
        "payment_amount": money_text(Money(row.amount_minor, row.currency), locale=locale),
        "payment_date": date_text(row.received_date, locale=locale),
        "payment_method": method,
        "payment_number": str(row.pk),
    }
    reasons: list[str] = []
    for channel in CHANNELS:
        try:
            sent = communication_send(
                contract_id=row.contract_id,
                channel=channel,
                template_code=TEMPLATE,
                context=context,
                at=at,
                sent_by=None,
                automated=True,
            )
        except DomainError as refused:
            reasons.append(f"{channel}: {refused.message}")
            continue
        row.customer_receipt_id = sent.id
        row.customer_receipt_channel = channel
        row.customer_receipt_note = ""
        row.save(update_fields=["customer_receipt_id", "customer_receipt_channel", "customer_receipt_note"])
        return row
    row.customer_receipt_note = "; ".join(reasons)[:300]
    row.save(update_fields=["customer_receipt_note"])
    return row
