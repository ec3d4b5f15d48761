"""Writes for comms: publishing template versions, sending letters, email and SMS through the
contact gate, and the opt-outs customers send back (an unsubscribe link, an SMS "STOP").

Every send asks the contact gate first (compliance.contact_permission). An automated send that
the gate refuses is not made; a person may send after acknowledging each reason the gate gave,
and the acknowledgement is kept on the item and in the audit trail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.comms import models
from recoup.comms.errors import ContactNotPermitted, InvalidOptOut, SendNotAllowed
from recoup.comms.publishing import template_version_publish
from recoup.comms.queries import SentItem, sent_item_view
from recoup.comms.rendering import communication_render
from recoup.comms.sending import UNSUBSCRIBE_SALT, deliver, rendered_letter_pdf, unsubscribe_url
from recoup.compliance import operations as compliance_operations
from recoup.compliance import queries as compliance
from recoup.parties.errors import InvalidPhone
from recoup.parties.models import Phone
from recoup.parties.phones import phone_normalise

__all__ = [
    "communication_render",
    "communication_send",
    "sms_inbound_record",
    "template_version_publish",
    "unsubscribe_record",
    "unsubscribe_url",
]

MAY_SEND = (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)
# Keywords carriers treat as an opt-out (CTIA Messaging Principles and Best Practices, 2023, §5.1.1).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
# And the keywords that opt back in (same source, §5.1.1: "START", "UNSTOP").
START_WORDS = frozenset({"START", "UNSTOP"})


def communication_send(
    *,
    contract_id: int,
    channel: str,
    template_code: str,
    context: dict[str, Any] | None = None,
    at: datetime,
    sent_by: User | None,
    automated: bool = True,
    in_reply_to: str = "",
    purpose: str = "collection",
    acknowledged_reasons: tuple[str, ...] = (),
) -> SentItem:
    """Send a template to an account's customer: ask the contact gate, render the current version
    with the account's merge fields and `context`, keep the item (a letter with its PDF), hand email
    and SMS to the configured provider, and record the contact attempt.

    `purpose` goes to the gate ("statutory_notice" for letters the law requires). An automated send
    the gate refuses raises ContactNotPermitted with its reasons; a person's send raises it until
    every reason is in `acknowledged_reasons`. Also raises SendNotAllowed (field "sent_by"),
    compliance's UnknownChannel, AccountNotFound, TemplateNotFound, MissingMergeField and NoAddress;
    nothing is kept or sent when it raises.
    """
    if sent_by is not None and sent_by.role not in MAY_SEND:
        raise SendNotAllowed(
            "sent_by: agents, team leaders and the head of credit send to customers", field="sent_by"
        )
    permission = compliance.contact_permission(
        contract_id=contract_id, channel=channel, at=at, purpose=purpose
    )
    if not permission.allowed:
        unacknowledged = [r for r in permission.reasons if r not in acknowledged_reasons]
        if automated or sent_by is None or unacknowledged:
            raise ContactNotPermitted(
                "acknowledged_reasons: the contact gate refuses this send: " + "; ".join(permission.reasons),
                reasons=tuple(permission.reasons),
            )
    rendered = communication_render(
        contract_id=contract_id, channel=channel, template_code=template_code, context=context, at=at
    )
    pdf = rendered_letter_pdf(rendered) if channel == models.Channel.LETTER else b""
    acknowledged = [r for r in permission.reasons if not permission.allowed]
    with transaction.atomic():
        row = models.SentItem.objects.create(
            contract_id=contract_id,
            party_id=rendered.facts.party_id,
            channel=channel,
            template_id=rendered.template_id,
            template_version_id=rendered.template_version_id,
            address=rendered.address,
            subject=rendered.subject,
            body=rendered.body,
            purpose=purpose,
            in_reply_to=in_reply_to,
            automated=automated,
            acknowledged_reasons=acknowledged,
            sent_by=sent_by,
            sent_at=at,
            sent_date=at.astimezone(UTC).date(),
        )
        if pdf:
            row.pdf.save(f"{rendered.facts.account_number}-{row.pk}.pdf", ContentFile(pdf), save=False)
        else:
            row.provider_reference = deliver(rendered, in_reply_to=in_reply_to, at=at)[:200]
        row.save(update_fields=["pdf", "provider_reference"])
        compliance_operations.contact_attempt_record(
            contract_id=contract_id,
            channel=channel,
            direction="outbound",
            at=at,
            phone=rendered.address if channel == models.Channel.SMS else "",
            source="automated" if automated else "agent",
        )
        if sent_by is not None and not automated:
            audit_record(
                actor=sent_by,
                action="communication.send",
                object_type="contract",
                object_id=contract_id,
                at=at,
                after={
                    "sent_item_id": row.pk,
                    "channel": channel,
                    "template_code": template_code,
                    "version": rendered.version,
                    "purpose": purpose,
                    "acknowledged_reasons": acknowledged,
                },
            )
    row = models.SentItem.objects.select_related("template", "template_version", "sent_by").get(pk=row.pk)
    return sent_item_view(row)


def unsubscribe_record(*, token: str, at: datetime) -> str:
    """Honour an email's unsubscribe link: record the customer's email opt-out from `at` on and
    return the address. Raises InvalidOptOut (field "token") when the signature does not check out."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise InvalidOptOut("token: this unsubscribe link is not one we sent", field="token") from None
    compliance_operations.opt_out_record(
        party_id=int(data["party"]),
        channel="email",
        at=at,
        source="unsubscribe_link",
        address=data["address"],
    )
    return str(data["address"])


def sms_inbound_record(*, from_phone: str, body: str, at: datetime) -> dict[str, int]:
    """An SMS a customer sent us: a STOP (or another carrier opt-out keyword) records an SMS opt-out
    for every customer with that number; a START (or UNSTOP) ends the SMS opt-outs of that number
    in force. Returns how many customers opted out and how many back in (both 0 for any other
    message). Raises InvalidOptOut (field "from_phone") for a number that is not valid or no
    customer has."""
    try:
        e164 = phone_normalise(from_phone, country="")
    except InvalidPhone:
        raise InvalidOptOut(
            f"from_phone: {from_phone!r} is not a phone number in +E.164", field="from_phone"
        ) from None
    party_ids = sorted(set(Phone.objects.filter(e164=e164).values_list("party_id", flat=True)))
    if not party_ids:
        raise InvalidOptOut(f"from_phone: no customer has the number {e164}", field="from_phone")
    words = body.strip().upper().split()
    keyword = words[0].strip(".!") if words else ""
    opted_out = opted_in = 0
    with transaction.atomic():
        for party_id in party_ids:
            if keyword in STOP_WORDS:
                compliance_operations.opt_out_record(
                    party_id=party_id, channel="sms", at=at, source="sms_stop", address=e164
                )
                opted_out += 1
            elif keyword in START_WORDS and compliance_operations.opt_out_withdraw(
                party_id=party_id, channel="sms", address=e164, at=at, source="sms_start"
            ):
                opted_in += 1
    return {"opted_out": opted_out, "opted_in": opted_in}
