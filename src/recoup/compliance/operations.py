"""Writes of the contact gate: the attempts it counts and the opt-outs it honours; the court orders
that lift a bar on repossession; and the account's placements with outside agencies."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.compliance.errors import (
    ComplianceError,
    ContactPolicyClash,
    ContactPolicyNotFound,
    CourtOrderClash,
    CourtOrderNotAllowed,
    CourtOrderNotFound,
    InvalidAttempt,
    InvalidContactPolicy,
    InvalidCourtOrder,
    InvalidOptOut,
    InvalidPlacement,
    OptOutNotFound,
    PlacementClash,
    PlacementNotAllowed,
    PlacementNotFound,
    UnknownChannel,
)
from recoup.compliance.models import (
    ChannelOptOut,
    Collector,
    ContactAttempt,
    ContactPolicy,
    CourtOrder,
    CourtOrderKind,
    Placement,
    PlacementKind,
)
from recoup.compliance.packs import DEFAULT_PACKS
from recoup.compliance.queries import CourtOrderView, PlacementView, court_order_view, placement_view
from recoup.compliance.rules import CHANNELS, OPT_OUT_CHANNELS
from recoup.parties.errors import InvalidPhone, PartyNotFound
from recoup.parties.models import Party
from recoup.parties.phones import phone_normalise
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.jurisdictions import jurisdiction_valid
from recoup.portfolio.models import Contract, Product

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


POLICY_COUNTRIES = ("US", "GB")
POLICY_LIMIT_MAX = 99
_POLICY_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
POLICY_NUMBERS = (
    "window_attempts_max",
    "window_days",
    "daily_attempts_max",
    "conversation_quiet_days",
    "vulnerable_daily_attempts_max",
    "vulnerable_window_attempts_max",
)
POLICY_FIELDS = (
    "code",
    "name",
    "country",
    "jurisdiction",
    "product_code",
    "collector",
    "label",
    *POLICY_NUMBERS,
)


def _policy_number(value: int | str | None, field: str, *, required: bool = True) -> int | None:
    """A limit as given (a whole number or the text typed): 1 to 99, or None when optional and blank."""
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            value = None
        elif not value.isdigit():
            raise InvalidContactPolicy(
                f"{field}: enter a whole number from 1 to 99, not {value!r}", field=field
            )
        else:
            value = int(value)
    if value is None:
        if required:
            raise InvalidContactPolicy(f"{field}: enter a whole number from 1 to 99", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= POLICY_LIMIT_MAX:
        raise InvalidContactPolicy(f"{field}: a whole number from 1 to 99, not {value!r}", field=field)
    return value


def _policy_limit(value: int | str | None, field: str) -> int:
    number = _policy_number(value, field)
    if number is None:  # _policy_number refuses a blank required limit
        raise InvalidContactPolicy(f"{field}: enter a whole number from 1 to 99", field=field)
    return number


def _policy_text(value: str, field: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidContactPolicy(f"{field}: required", field=field)
    if len(value) > max_length:
        raise InvalidContactPolicy(f"{field}: at most {max_length} characters", field=field)
    return value


def _scope_words(*, country: str, jurisdiction: str, product_code: str, collector: str) -> str:
    return (
        f"{country}, {'jurisdiction ' + jurisdiction if jurisdiction else 'every jurisdiction'}, "
        f"{'portfolio ' + product_code if product_code else 'every portfolio'}, "
        f"{'collector ' + collector if collector else 'either collector'}"
    )


def _policy_values(row: ContactPolicy) -> dict[str, Any]:
    return {name: getattr(row, name) for name in POLICY_FIELDS}


def contact_policy_save(
    *,
    code: str,
    name: str,
    country: str,
    jurisdiction: str,
    product_code: str,
    collector: str,
    label: str,
    window_attempts_max: int | str | None,
    window_days: int | str | None,
    daily_attempts_max: int | str | None,
    conversation_quiet_days: int | str | None,
    vulnerable_daily_attempts_max: int | str | None,
    vulnerable_window_attempts_max: int | str | None,
    by: User | None,
    at: datetime,
    pk: int | None = None,
) -> int:
    """Add a rule pack, or change the stored one `pk`; a pack with a built-in default's code takes
    that default's place (compliance.queries.policy_for). Limits may be given as the text typed.
    Audited, one transaction. Returns the row's id.

    Raises InvalidContactPolicy (field: the input at fault), ContactPolicyClash (field "code": the
    code is taken; field "scope": another pack has this country, jurisdiction, portfolio and
    collector), ContactPolicyNotFound (field "pk").
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidContactPolicy("at: the moment of a change needs a time zone", field="at")
    code = (code or "").strip().lower()
    if not _POLICY_CODE.match(code):
        raise InvalidContactPolicy(
            "code: 1 to 32 lower-case letters, digits and hyphens, starting with a letter or digit",
            field="code",
        )
    name = _policy_text(name, "name", max_length=200)
    country = (country or "").strip().upper()
    if country not in POLICY_COUNTRIES:
        raise InvalidContactPolicy(f"country: US or GB, not {country!r}", field="country")
    jurisdiction = (jurisdiction or "").strip().upper()
    if jurisdiction and not jurisdiction_valid(jurisdiction, country=country):
        example = "US-MA" if country == "US" else "GB-SCT"
        raise InvalidContactPolicy(
            f"jurisdiction: {jurisdiction!r} is not a jurisdiction of {country} (such as {example}); "
            "leave it blank for every one",
            field="jurisdiction",
        )
    product_code = (product_code or "").strip()
    if product_code:
        product_country = Product.objects.filter(code=product_code).values_list("country", flat=True).first()
        if product_country is None:
            raise InvalidContactPolicy(
                f"product_code: no portfolio {product_code!r}; leave it blank for every one",
                field="product_code",
            )
        if product_country != country:
            raise InvalidContactPolicy(
                f"product_code: portfolio {product_code!r} is lent in {product_country}, not {country}",
                field="product_code",
            )
    collector = (collector or "").strip()
    if collector not in ("", *Collector.values):
        raise InvalidContactPolicy(
            f"collector: {' or '.join(Collector.values)}, or blank for both; not {collector!r}",
            field="collector",
        )
    label = _policy_text(label, "label", max_length=200)
    window = _policy_limit(window_attempts_max, "window_attempts_max")
    days = _policy_limit(window_days, "window_days")
    daily = _policy_number(daily_attempts_max, "daily_attempts_max", required=False)
    quiet = _policy_limit(conversation_quiet_days, "conversation_quiet_days")
    vulnerable_daily = _policy_limit(vulnerable_daily_attempts_max, "vulnerable_daily_attempts_max")
    vulnerable_window = _policy_limit(vulnerable_window_attempts_max, "vulnerable_window_attempts_max")
    if vulnerable_window > window:
        raise InvalidContactPolicy(
            f"vulnerable_window_attempts_max: {vulnerable_window} is more than the {window} allowed "
            "any customer; a vulnerable customer's limit may not be more permissive",
            field="vulnerable_window_attempts_max",
        )
    if daily is not None and vulnerable_daily > daily:
        raise InvalidContactPolicy(
            f"vulnerable_daily_attempts_max: {vulnerable_daily} is more than the {daily} a day allowed "
            "any customer; a vulnerable customer's limit may not be more permissive",
            field="vulnerable_daily_attempts_max",
        )
    scope = dict(country=country, jurisdiction=jurisdiction, product_code=product_code, collector=collector)
    values = dict(
        code=code,
        name=name,
        label=label,
        **scope,
        window_attempts_max=window,
        window_days=days,
        daily_attempts_max=daily,
        conversation_quiet_days=quiet,
        vulnerable_daily_attempts_max=vulnerable_daily,
        vulnerable_window_attempts_max=vulnerable_window,
    )
    with transaction.atomic():
        row: ContactPolicy | None = None
        if pk is not None:
            row = ContactPolicy.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                raise ContactPolicyNotFound(f"pk: no contact policy {pk}", field="pk")
        others = ContactPolicy.objects.exclude(pk=pk) if pk is not None else ContactPolicy.objects.all()
        if others.filter(code=code).exists():
            raise ContactPolicyClash(f"code: another pack has the code {code!r}", field="code")
        same_scope = others.filter(**scope).values_list("code", flat=True).first()
        if same_scope is None:
            stored = set(others.values_list("code", flat=True))
            same_scope = next(
                (
                    pack.policy.code
                    for pack in DEFAULT_PACKS
                    if pack.policy.code not in stored
                    and pack.policy.code != code
                    and (pack.country, pack.jurisdiction, pack.product_code, pack.collector)
                    == (country, jurisdiction, product_code, collector)
                ),
                None,
            )
        if same_scope is not None:
            raise ContactPolicyClash(
                f"scope: pack {same_scope!r} already covers {_scope_words(**scope)}; change that one instead",
                field="scope",
            )
        before = _policy_values(row) if row is not None else None
        try:
            with transaction.atomic():
                if row is None:
                    row = ContactPolicy.objects.create(**values)
                else:
                    for key, value in values.items():
                        setattr(row, key, value)
                    row.save()
        except IntegrityError:
            raise ContactPolicyClash(
                f"scope: another pack was saved with the code {code!r} or for {_scope_words(**scope)}",
                field="scope",
            ) from None
        audit_record(
            actor=by,
            action="compliance.contact_policy_saved",
            object_type="contact_policy",
            object_id=row.pk,
            at=at,
            before=before,
            after=_policy_values(row),
        )
    return row.pk


def contact_policy_delete(*, pk: int, by: User | None, at: datetime) -> str:
    """Remove a stored rule pack; when it had a built-in default's code, that default applies again.
    Audited. Returns the pack's code. Raises ContactPolicyNotFound (field "pk")."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidContactPolicy("at: the moment of a change needs a time zone", field="at")
    with transaction.atomic():
        row = ContactPolicy.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ContactPolicyNotFound(f"pk: no contact policy {pk}", field="pk")
        before = _policy_values(row)
        row.delete()
        audit_record(
            actor=by,
            action="compliance.contact_policy_deleted",
            object_type="contact_policy",
            object_id=pk,
            at=at,
            before=before,
        )
    return str(before["code"])


# Recording a court order lets a vehicle be repossessed: a team leader's call or above.
MAY_RECORD_COURT_ORDERS = frozenset({Role.TEAM_LEADER, Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR})
# Both kinds are US law: SCRA (50 U.S.C. § 3952) and the Bankruptcy Code (11 U.S.C. § 362(d)).
COURT_ORDER_COUNTRIES = {CourtOrderKind.SCRA_REPOSSESSION: "US", CourtOrderKind.STAY_RELIEF: "US"}
COURT_ORDER_TEXT_MAX = {"court": 200, "reference": 100, "conditions": 1000, "reason": 500}


def court_order_may_record(user: Any) -> bool:
    """Whether this user may record and revoke court orders: team leaders, the head of credit and
    administrators."""
    return _team_leader_or_above(user)


def _team_leader_or_above(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in (
        MAY_RECORD_COURT_ORDERS
    )


def _text(value: str, field: str, *, limits: dict[str, int], error: type[ComplianceError]) -> str:
    """The text stripped; raises `error` naming the field when it is longer than its limit."""
    value = (value or "").strip()
    if len(value) > limits[field]:
        raise error(f"{field}: at most {limits[field]} characters", field=field)
    return value


def _court_order_by(by: User) -> None:
    if not court_order_may_record(by):
        raise CourtOrderNotAllowed(
            "by: only a team leader, the head of credit or an administrator may record or revoke "
            "court orders",
            field="by",
        )


def _court_order_text(value: str, field: str, *, required: bool) -> str:
    value = _text(value, field, limits=COURT_ORDER_TEXT_MAX, error=InvalidCourtOrder)
    if required and not value:
        raise InvalidCourtOrder(f"{field}: required", field=field)
    return value


def _court_order_values(order: CourtOrder) -> dict[str, Any]:
    return {
        "kind": order.kind,
        "court": order.court,
        "reference": order.reference,
        "granted_date": order.granted_date.isoformat(),
        "expiry_date": order.expiry_date.isoformat() if order.expiry_date is not None else None,
        "conditions": order.conditions,
        "revoked_at": order.revoked_at.isoformat() if order.revoked_at is not None else None,
        "revoked_reason": order.revoked_reason,
    }


def court_order_record(
    *,
    account_number: str,
    kind: str,
    court: str,
    reference: str,
    granted_date: date,
    expiry_date: date | None = None,
    conditions: str = "",
    by: User,
    at: datetime,
) -> CourtOrderView:
    """Record a court's order lifting a bar on repossession: "scra_repossession" (50 U.S.C. § 3952)
    or "stay_relief" (relief from the automatic stay, 11 U.S.C. § 362(d)). It is in force from
    `granted_date` up to and including `expiry_date` (none: no end); compliance.rules.repossession_decide
    weighs it. Audited, one transaction. Returns the order as recorded (its state on the day of `at`).

    Raises CourtOrderNotAllowed (field "by"), AccountNotFound (field "account_number"),
    InvalidCourtOrder (field "kind": unknown, or not law of the account's country; "court",
    "reference", "conditions": blank or too long; "granted_date": after `at`; "expiry_date": before
    the grant; "at": naive), CourtOrderClash (field "reference": this order is already on record).
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidCourtOrder("at: the moment of recording needs a time zone", field="at")
    _court_order_by(by)
    if kind not in CourtOrderKind.values:
        raise InvalidCourtOrder(
            f"kind: {kind!r} is not one of {', '.join(CourtOrderKind.values)}", field="kind"
        )
    court = _court_order_text(court, "court", required=True)
    reference = _court_order_text(reference, "reference", required=True)
    conditions = _court_order_text(conditions, "conditions", required=False)
    if granted_date > at.date():
        raise InvalidCourtOrder(
            f"granted_date: {granted_date.isoformat()} is after today ({at.date().isoformat()}); "
            "record an order once it is granted",
            field="granted_date",
        )
    if expiry_date is not None and expiry_date < granted_date:
        raise InvalidCourtOrder(
            f"expiry_date: {expiry_date.isoformat()} is before the order was granted "
            f"({granted_date.isoformat()})",
            field="expiry_date",
        )
    number = account_number.strip()
    contract = Contract.objects.filter(account_number=number).only("pk", "country").first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {number!r}", field="account_number")
    country = COURT_ORDER_COUNTRIES[CourtOrderKind(kind)]
    if contract.country != country:
        raise InvalidCourtOrder(
            f"kind: {CourtOrderKind(kind).label} is {country} law; account {number} is a "
            f"{contract.country} account",
            field="kind",
        )
    with transaction.atomic():
        if CourtOrder.objects.filter(
            contract_id=contract.pk, kind=kind, reference=reference, revoked_at__isnull=True
        ).exists():
            raise CourtOrderClash(
                f"reference: order {reference} is already on record for this account; revoke it to "
                "record it again",
                field="reference",
            )
        try:
            with transaction.atomic():
                order = CourtOrder.objects.create(
                    contract_id=contract.pk,
                    kind=kind,
                    court=court,
                    reference=reference,
                    granted_date=granted_date,
                    expiry_date=expiry_date,
                    conditions=conditions,
                    recorded_by=by,
                    recorded_at=at,
                )
        except IntegrityError:
            raise CourtOrderClash(
                f"reference: order {reference} was recorded for this account at the same time",
                field="reference",
            ) from None
        audit_record(
            actor=by,
            action="compliance.court_order_recorded",
            object_type="court_order",
            object_id=order.pk,
            at=at,
            after={"account_number": number, **_court_order_values(order)},
        )
    return court_order_view(order, at.date())


def court_order_revoke(
    *, account_number: str, court_order_id: int, reason: str, by: User, at: datetime
) -> CourtOrderView:
    """Revoke an order recorded by mistake: it stays on record and is never in force again. Audited,
    one transaction. Returns the order as revoked (its state "revoked").

    Raises CourtOrderNotAllowed (field "by"), AccountNotFound (field "account_number"),
    CourtOrderNotFound (field "court_order_id": none of this account), InvalidCourtOrder (field
    "reason": blank or too long; "court_order_id": already revoked; "at": naive).
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidCourtOrder("at: the moment of revoking needs a time zone", field="at")
    _court_order_by(by)
    reason = _court_order_text(reason, "reason", required=True)
    contract_id = _contract_id(account_number)
    with transaction.atomic():
        order = (
            CourtOrder.objects.select_for_update(of=("self",))
            .select_related("recorded_by")
            .filter(pk=court_order_id, contract_id=contract_id)
            .first()
        )
        if order is None:
            raise CourtOrderNotFound(
                f"court_order_id: account {account_number.strip()} has no court order {court_order_id}",
                field="court_order_id",
            )
        if order.revoked_at is not None:
            raise InvalidCourtOrder(
                f"court_order_id: order {order.reference} was already revoked on "
                f"{order.revoked_at.date().isoformat()}",
                field="court_order_id",
            )
        before = _court_order_values(order)
        order.revoked_at, order.revoked_by, order.revoked_reason = at, by, reason
        order.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        audit_record(
            actor=by,
            action="compliance.court_order_revoked",
            object_type="court_order",
            object_id=order.pk,
            at=at,
            before=before,
            after=_court_order_values(order),
        )
    return court_order_view(order, at.date())


# Placing an account with an agency, or taking it back, is a team leader's call or above, as for court
# orders: it changes who may contact the customer and under which rules.
PLACEMENT_TEXT_MAX = {"agency": 200, "reason": 500}


def placement_may_record(user: Any) -> bool:
    """Whether this user may place accounts with agencies and recall them: team leaders, the head of
    credit and administrators, as for court orders."""
    return _team_leader_or_above(user)


def _placement_by(by: User) -> None:
    if not placement_may_record(by):
        raise PlacementNotAllowed(
            "by: only a team leader, the head of credit or an administrator may place an account with "
            "an agency or recall it",
            field="by",
        )


def _placement_text(value: str, field: str) -> str:
    value = _text(value, field, limits=PLACEMENT_TEXT_MAX, error=InvalidPlacement)
    if not value:
        raise InvalidPlacement(f"{field}: required", field=field)
    return value


def _placement_kind(kind: str) -> PlacementKind:
    kind = (kind or "").strip()
    if kind not in PlacementKind.values:
        raise InvalidPlacement(
            f"kind: {kind!r} is not one of {', '.join(PlacementKind.values)}", field="kind"
        )
    return PlacementKind(kind)


def _placement_values(placement: Placement) -> dict[str, Any]:
    return {
        "kind": placement.kind,
        "agency": placement.agency,
        "placed_date": placement.placed_date.isoformat(),
        "recalled_date": placement.recalled_date.isoformat() if placement.recalled_date else None,
        "recall_reason": placement.recall_reason,
    }


def _contract_id(account_number: str) -> int:
    number = account_number.strip()
    contract_id = Contract.objects.filter(account_number=number).values_list("pk", flat=True).first()
    if contract_id is None:
        raise AccountNotFound(f"account_number: no account {number!r}", field="account_number")
    return contract_id


def placement_record(
    *,
    account_number: str,
    kind: str,
    agency: str,
    placed_date: date | None = None,
    by: User,
    at: datetime,
) -> PlacementView:
    """Place the account with an outside agency from `placed_date` (the day of `at` when not given):
    a debt collection agency ("collection_agency"), a solicitor or collection attorney ("solicitor"),
    a repossession agent ("repossession_agent") or a trace specialist ("trace_specialist"). While a
    debt collection agency or a solicitor holds it, the contact gate applies the third-party rule
    pack. One open placement of a kind at a time. Audited, one transaction. Returns the placement as
    recorded (its state on the day of `at`).

    Raises PlacementNotAllowed (field "by"), AccountNotFound (field "account_number"),
    InvalidPlacement (field "kind": unknown; "agency": blank or too long; "placed_date": after the
    day of `at`, or before the day the last placement of this kind was recalled; "at": naive),
    PlacementClash (field "kind": the account is already placed with an agency of this kind).
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidPlacement("at: the moment of recording needs a time zone", field="at")
    _placement_by(by)
    placement_kind = _placement_kind(kind)
    agency = _placement_text(agency, "agency")
    placed_date = placed_date or at.date()
    if placed_date > at.date():
        raise InvalidPlacement(
            f"placed_date: {placed_date.isoformat()} is after today ({at.date().isoformat()}); record a "
            "placement once it is made",
            field="placed_date",
        )
    number = account_number.strip()
    contract_id = _contract_id(number)
    with transaction.atomic():
        same_kind = Placement.objects.filter(contract_id=contract_id, kind=placement_kind)
        open_one = same_kind.filter(recalled_date__isnull=True).first()
        if open_one is not None:
            raise PlacementClash(
                f"kind: account {number} is already placed with {open_one.agency} "
                f"({placement_kind.label.lower()}) since {open_one.placed_date.isoformat()}; recall it first",
                field="kind",
            )
        last_recalled = same_kind.order_by("-recalled_date").values_list("recalled_date", flat=True).first()
        if last_recalled is not None and placed_date < last_recalled:
            raise InvalidPlacement(
                f"placed_date: {placed_date.isoformat()} is before {last_recalled.isoformat()}, when the "
                f"last placement with a {placement_kind.label.lower()} was recalled",
                field="placed_date",
            )
        try:
            with transaction.atomic():
                placement = Placement.objects.create(
                    contract_id=contract_id,
                    kind=placement_kind,
                    agency=agency,
                    placed_date=placed_date,
                    placed_by=by,
                    placed_at=at,
                )
        except IntegrityError:
            raise PlacementClash(
                f"kind: account {number} was placed with a {placement_kind.label.lower()} at the same time",
                field="kind",
            ) from None
        audit_record(
            actor=by,
            action="compliance.placement_recorded",
            object_type="placement",
            object_id=placement.pk,
            at=at,
            after={"account_number": number, **_placement_values(placement)},
        )
    return placement_view(placement, at.date())


def placement_recall(
    *,
    account_number: str,
    reason: str,
    placement_id: int | None = None,
    kind: str = "",
    recalled_date: date | None = None,
    by: User,
    at: datetime,
) -> PlacementView:
    """Take the account back from an agency from `recalled_date` (the day of `at` when not given): the
    placement `placement_id`, or the open placement of `kind`. It stays on record; from that day the
    agency no longer holds the account. Audited, one transaction. Returns the placement as recalled.

    Raises PlacementNotAllowed (field "by"), AccountNotFound (field "account_number"),
    PlacementNotFound (field "placement_id": none of this account; "kind": none of this kind open),
    InvalidPlacement (field "reason": blank or too long; "kind": unknown, or neither it nor an id
    given; "placement_id": already recalled; "recalled_date": before the placement or after the day
    of `at`; "at": naive).
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidPlacement("at: the moment of recalling needs a time zone", field="at")
    _placement_by(by)
    reason = _placement_text(reason, "reason")
    which: int | PlacementKind
    if placement_id is not None:
        which = placement_id
    elif not (kind or "").strip():
        raise InvalidPlacement("kind: say which placement to recall, by its kind or its id", field="kind")
    else:
        which = _placement_kind(kind)
    recalled_date = recalled_date or at.date()
    if recalled_date > at.date():
        raise InvalidPlacement(
            f"recalled_date: {recalled_date.isoformat()} is after today ({at.date().isoformat()})",
            field="recalled_date",
        )
    number = account_number.strip()
    contract_id = _contract_id(number)
    with transaction.atomic():
        rows = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("placed_by")
            .filter(contract_id=contract_id)
        )
        if isinstance(which, PlacementKind):
            placement = rows.filter(kind=which, recalled_date__isnull=True).first()
            if placement is None:
                raise PlacementNotFound(
                    f"kind: account {number} is not placed with a {which.label.lower()}", field="kind"
                )
        else:
            placement = rows.filter(pk=which).first()
            if placement is None:
                raise PlacementNotFound(
                    f"placement_id: account {number} has no placement {which}", field="placement_id"
                )
            if placement.recalled_date is not None:
                raise InvalidPlacement(
                    f"placement_id: the placement with {placement.agency} was already recalled on "
                    f"{placement.recalled_date.isoformat()}",
                    field="placement_id",
                )
        if recalled_date < placement.placed_date:
            raise InvalidPlacement(
                f"recalled_date: {recalled_date.isoformat()} is before the account was placed "
                f"({placement.placed_date.isoformat()})",
                field="recalled_date",
            )
        before = _placement_values(placement)
        placement.recalled_date, placement.recalled_at = recalled_date, at
        placement.recalled_by, placement.recall_reason = by, reason
        placement.save(update_fields=["recalled_date", "recalled_at", "recalled_by", "recall_reason"])
        audit_record(
            actor=by,
            action="compliance.placement_recalled",
            object_type="placement",
            object_id=placement.pk,
            at=at,
            before=before,
            after=_placement_values(placement),
        )
    return placement_view(placement, at.date())
