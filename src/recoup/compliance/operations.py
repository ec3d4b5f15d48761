"""Writes of the contact gate: the attempts it counts and the opt-outs it honours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.compliance.errors import InvalidAttempt, InvalidOptOut, OptOutNotFound, UnknownChannel
from recoup.compliance.models import ChannelOptOut, ContactAttempt
from recoup.compliance.rules import CHANNELS, OPT_OUT_CHANNELS
from recoup.parties.errors import InvalidPhone, PartyNotFound
from recoup.parties.models import Party
from recoup.parties.phones import phone_normalise
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

DIRECTIONS = ("outbound", "inbound")
MAX_SOURCE = 16
BATCH = 2000


@dataclass(frozen=True)
class AttemptInput:
    """One attempt for contact_attempts_record_many (a dialer's log, say)."""

    contract_id: int
    channel: str
    direction: str
    at: datetime
    conversation: bool = False
    at_customer_request: bool = False
    phone: str = ""


def _attempt_check(
    *, channel: str, direction: str, at: datetime, conversation: bool, phone: str, source: str
) -> None:
    if channel not in CHANNELS:
        raise UnknownChannel(f"channel: {channel!r} is not one of {', '.join(CHANNELS)}", field="channel")
    if direction not in DIRECTIONS:
        raise InvalidAttempt(
            f"direction: {direction!r} is not one of {', '.join(DIRECTIONS)}", field="direction"
        )
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidAttempt("at: the moment of a contact needs a time zone", field="at")
    if conversation and channel != "call":
        raise InvalidAttempt(
            f"conversation: only a call is a telephone conversation, not {channel}", field="conversation"
        )
    if len(phone) > 20:
        raise InvalidAttempt(f"phone: {phone!r} is longer than an E.164 number", field="phone")
    if not source or len(source) > MAX_SOURCE:
        raise InvalidAttempt(
            f"source: say who made it (agent, dialer, automated), at most {MAX_SOURCE} characters",
            field="source",
        )


def contact_attempt_record(
    *,
    contract_id: int,
    channel: str,
    direction: str,
    at: datetime,
    conversation: bool = False,
    at_customer_request: bool = False,
    phone: str = "",
    source: str,
    acknowledged_reasons: Sequence[str] = (),
) -> None:
    """Record one call, SMS, email or letter to or from the account's customer, for the gate to count.

    Inbound attempts are recorded but never count as attempts; a conversation on any call starts
    Regulation F's seven days. `acknowledged_reasons`: the gate's refusal the person read and
    acknowledged before making the contact anyway.

    Raises UnknownChannel (field "channel"), InvalidAttempt (field "direction", "at",
    "conversation", "phone" or "source"), AccountNotFound (field "contract_id").
    """
    _attempt_check(
        channel=channel, direction=direction, at=at, conversation=conversation, phone=phone, source=source
    )
    party_id = Contract.objects.filter(pk=contract_id).values_list("customer_id", flat=True).first()
    if party_id is None:
        raise AccountNotFound(f"contract_id: no account {contract_id}", field="contract_id")
    with transaction.atomic():
        ContactAttempt.objects.create(
            contract_id=contract_id,
            party_id=party_id,
            channel=channel,
            direction=direction,
            at=at,
            conversation=conversation,
            at_customer_request=at_customer_request and direction == "outbound",
            phone=phone,
            source=source,
            acknowledged_reasons=list(acknowledged_reasons),
        )


def contact_attempts_record_many(*, attempts: Iterable[AttemptInput], source: str) -> int:
    """Record many attempts at once (bulk inserts in batches), all or none; returns how many.

    Each is checked as contact_attempt_record checks one; the first bad one raises, naming its
    place ("attempts.<index>.<field>"). Raises UnknownChannel, InvalidAttempt, AccountNotFound.
    """
    rows = list(attempts)
    for index, attempt in enumerate(rows):
        try:
            _attempt_check(
                channel=attempt.channel,
                direction=attempt.direction,
                at=attempt.at,
                conversation=attempt.conversation,
                phone=attempt.phone,
                source=source,
            )
        except (UnknownChannel, InvalidAttempt) as error:
            field = f"attempts.{index}.{error.field}"
            raise type(error)(f"attempts.{index}.{error.message}", field=field) from None
    ids = sorted({a.contract_id for a in rows})
    customers: dict[int, int] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        customers.update(Contract.objects.filter(pk__in=chunk).values_list("pk", "customer_id"))
    missing = [contract_id for contract_id in ids if contract_id not in customers]
    if missing:
        raise AccountNotFound(f"contract_id: no account {missing[0]}", field="contract_id")
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            ContactAttempt.objects.bulk_create(
                ContactAttempt(
                    contract_id=a.contract_id,
                    party_id=customers[a.contract_id],
                    channel=a.channel,
                    direction=a.direction,
                    at=a.at,
                    conversation=a.conversation,
                    at_customer_request=a.at_customer_request and a.direction == "outbound",
                    phone=a.phone,
                    source=source,
                )
                for a in rows[start : start + BATCH]
            )
    return len(rows)


def opt_out_record(
    *, party_id: int, channel: str, at: datetime, source: str, address: str = "", by: User | None = None
) -> None:
    """Record a customer's opt-out of SMS or email: of one address (an E.164 number, an email
    address) or, with no address, of the channel. The gate honours it from `at` on. Audited.

    Raises UnknownChannel (field "channel"), InvalidOptOut (field "at", "source" or "address"),
    PartyNotFound (field "party_id").
    """
    if channel not in OPT_OUT_CHANNELS:
        raise UnknownChannel(
            f"channel: an opt-out is of {' or '.join(OPT_OUT_CHANNELS)}, not {channel!r}", field="channel"
        )
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidOptOut("at: the moment of an opt-out needs a time zone", field="at")
    source = source.strip()
    if not source or len(source) > 32:
        raise InvalidOptOut("source: say where the opt-out came from, at most 32 characters", field="source")
    address = address.strip()
    if address and channel == "sms":
        try:
            address = phone_normalise(address, country="")
        except InvalidPhone as error:
            raise InvalidOptOut(error.message.replace("phone:", "address:", 1), field="address") from None
    elif address:
        address = address.lower()
        if "@" not in address or len(address) > 254:
            raise InvalidOptOut(f"address: {address!r} is not an email address", field="address")
    with transaction.atomic():
        if not Party.objects.filter(pk=party_id).exists():
            raise PartyNotFound(f"party_id: no customer {party_id}", field="party_id")
        opt_out = ChannelOptOut.objects.create(
            party_id=party_id, channel=channel, address=address, at=at, source=source
        )
        audit_record(
            actor=by,
            action="compliance.opt_out",
            object_type="party",
            object_id=party_id,
            at=at,
            after={"opt_out": opt_out.pk, "channel": channel, "address": address, "source": source},
        )


def opt_out_withdraw(
    *,
    party_id: int,
    at: datetime,
    source: str,
    opt_out_id: int | None = None,
    channel: str = "",
    address: str = "",
    note: str = "",
    by: User | None = None,
) -> int:
    """The customer asks to hear from us again: the opt-out `opt_out_id`, or (for an SMS START) every
    opt-out in force of `channel` for `address` and of the whole channel, ends at `at`. The rows stay
    as the record. Audited. Returns how many ended.

    Raises OptOutNotFound (field "opt_out_id": none in force for this customer), InvalidOptOut
    (field "at", "source" or "note").
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidOptOut("at: the moment of a withdrawal needs a time zone", field="at")
    source = source.strip()
    if not source or len(source) > 32:
        raise InvalidOptOut(
            "source: say where the withdrawal came from, at most 32 characters", field="source"
        )
    note = note.strip()
    if len(note) > 300:
        raise InvalidOptOut("note: at most 300 characters", field="note")
    in_force = ChannelOptOut.objects.filter(party_id=party_id, withdrawn_at__isnull=True, at__lte=at)
    if opt_out_id is not None:
        in_force = in_force.filter(pk=opt_out_id)
    else:
        in_force = in_force.filter(channel=channel, address__in=("", address.strip().lower()))
    with transaction.atomic():
        ids = list(in_force.select_for_update().values_list("pk", flat=True))
        if opt_out_id is not None and not ids:
            raise OptOutNotFound(
                f"opt_out_id: no opt-out {opt_out_id} in force for this customer", field="opt_out_id"
            )
        ended = ChannelOptOut.objects.filter(pk__in=ids).update(
            withdrawn_at=at, withdrawn_source=source, withdrawn_note=note
        )
        if ended:
            audit_record(
                actor=by,
                action="compliance.opt_out_withdrawn",
                object_type="party",
                object_id=party_id,
                at=at,
                after={"opt_outs": ids, "source": source, "note": note},
            )
    return ended
