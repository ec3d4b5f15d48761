"""Recording a contact with a customer and, when the customer promises to pay, the promise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.collections.contact_queries import ContactLine, contact_line, promise_lines
from recoup.collections.errors import CollectionsError, ContactNotAllowed, InvalidContact, InvalidPromise
from recoup.collections.models import Channel, Contact, Direction, Outcome, Promise, PromisePayment
from recoup.compliance.errors import ContactNotPermitted
from recoup.compliance.operations import contact_attempt_record
from recoup.compliance.queries import contact_permission
from recoup.compliance.rules import CHANNELS as GATED_CHANNELS
from recoup.kernel.money import InvalidAmount, Money
from recoup.kernel.plain import plain
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

MAX_PROMISE_PAYMENTS = 12
# A promise or a next action further out than this is almost always a mistyped year.
MAX_DAYS_AHEAD = 366
MAX_NOTES = 4000
READ_ONLY_ROLES = frozenset({Role.AUDITOR.value})
# Outcomes of a call in which the agent spoke with the customer about the debt: a telephone
# conversation for Regulation F's seven days (12 CFR 1006.14(b)(2)(i)(B)).
CONVERSATION_OUTCOMES = frozenset(
    {
        Outcome.RIGHT_PARTY,
        Outcome.REFUSED,
        Outcome.PROMISE,
        Outcome.DISPUTE,
        Outcome.CALLBACK,
        Outcome.BANKRUPTCY,
    }
)
# A customer's request to be called back lets the next call go for this long (12 CFR 1006.14(b)(3)(i)).
CALLBACK_CONSENT = timedelta(days=7)

# (due date, amount): minor units as an int, or a decimal string in the account's currency.
PromiseInput = tuple[date, int | str]


def contact_may_record(user: Any) -> bool:
    """Whether this user may record contacts: every signed-in role but the auditor's."""
    return (
        bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) not in READ_ONLY_ROLES
    )


def contact_record(
    *,
    account_number: str,
    channel: str,
    direction: str,
    outcome: str,
    agent: User,
    at: datetime,
    next_action_date: date | None,
    notes: str,
    promise: Sequence[PromiseInput] | None,
    as_of: date,
    acknowledged_reasons: Sequence[str] = (),
) -> ContactLine:
    """Record one contact on an account; with the outcome "promise", the promise to pay made in it.

    An outbound call, SMS, email or letter is first put to the contact gate. When the gate refuses
    it, the contact is recorded only if `acknowledged_reasons` holds every reason the gate gives
    (the agent read the warning and went ahead): the reasons acknowledged are kept on the contact
    (`acknowledged_reasons`, apart from the agent's notes), its contact attempt and the audit row.
    Every call, SMS, email and letter, inbound or outbound, is recorded as a contact attempt for the
    gate to count; a call with an outcome in CONVERSATION_OUTCOMES is a conversation. The first
    outbound call within seven days of a contact with the outcome "callback" is made at the
    customer's request.

    A promise is one or several dated amounts in the account's currency: each more than zero,
    due on or after `as_of` and within a year, no two on one date, at most twelve. Amounts are
    minor units (int) or decimal strings such as "150.00" read exactly in the account's currency.
    The contact, the promise and an audit row are written together, or nothing is.

    Raises AccountNotFound, ContactNotAllowed (field "agent"), InvalidContact (field "channel",
    "direction", "outcome", "at", "next_action_date" or "notes"), InvalidPromise (field
    "promise" or "promise.<index>.date" / "promise.<index>.amount", counting from 0) and
    ContactNotPermitted (field "acknowledged_reasons", carrying the gate's reasons).
    """
    if not contact_may_record(agent):
        raise ContactNotAllowed("agent: an auditor may read contacts but not record them", field="agent")
    contract = Contract.objects.filter(account_number=account_number.strip()).only("pk", "currency").first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    _choice_check("channel", channel, Channel.values)
    _choice_check("direction", direction, Direction.values)
    _choice_check("outcome", outcome, Outcome.values)
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidContact("at: the moment of a contact needs a time zone", field="at")
    if next_action_date is not None:
        _date_check(next_action_date, as_of, field="next_action_date", what="the next action")
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise InvalidContact(f"notes: at most {MAX_NOTES} characters", field="notes")
    lines = _promise_check(promise, outcome=outcome, currency=contract.currency, as_of=as_of)
    gated = channel in GATED_CHANNELS
    requested = gated and channel == Channel.CALL and direction == Direction.OUTBOUND
    requested = requested and _callback_pending(contract_id=contract.pk, at=at)
    warning: tuple[str, ...] = ()
    if gated and direction == Direction.OUTBOUND:
        warning = _gate_warning(
            contract_id=contract.pk,
            channel=channel,
            at=at,
            purpose="callback" if requested else "collection",
            acknowledged_reasons=acknowledged_reasons,
        )

    with transaction.atomic():
        contact = Contact.objects.create(
            contract_id=contract.pk,
            at=at,
            channel=channel,
            direction=direction,
            outcome=outcome,
            agent=agent,
            next_action_date=next_action_date,
            notes=notes,
            acknowledged_reasons=list(warning),
        )
        if gated:
            contact_attempt_record(
                contract_id=contract.pk,
                channel=channel,
                direction=direction,
                at=at,
                conversation=channel == Channel.CALL and outcome in CONVERSATION_OUTCOMES,
                at_customer_request=requested,
                source="agent",
                acknowledged_reasons=warning,
            )
        promised = None
        if lines:
            made = Promise.objects.create(
                contract_id=contract.pk,
                contact=contact,
                made_date=as_of,
                currency=contract.currency,
                total_minor=sum(amount for _, amount in lines),
            )
            PromisePayment.objects.bulk_create(
                PromisePayment(promise=made, due_date=due_date, amount_minor=amount)
                for due_date, amount in lines
            )
            promised = promise_lines([made])[0]
        recorded = contact_line(contact, promised)
        audit_record(
            actor=agent,
            action="contact.record",
            object_type="collections.contact",
            object_id=contact.pk,
            at=at,
            after={
                "account_number": contract.account_number,
                **plain(recorded),
                **({"contact_gate": {"refused": list(warning), "acknowledged": True}} if warning else {}),
            },
        )
    return recorded


def _gate_warning(
    *, contract_id: int, channel: str, at: datetime, purpose: str, acknowledged_reasons: Sequence[str]
) -> tuple[str, ...]:
    """The gate's reasons when it refuses and the agent acknowledged them all; () when it allows.

    Raises ContactNotPermitted when it refuses and a reason was not acknowledged."""
    permission = contact_permission(contract_id=contract_id, channel=channel, at=at, purpose=purpose)
    if permission.allowed:
        return ()
    if not set(permission.reasons) <= set(acknowledged_reasons):
        raise ContactNotPermitted(
            "acknowledged_reasons: the contact gate refuses this contact now — "
            + "; ".join(permission.reasons)
            + ". Acknowledge these reasons to record it anyway",
            reasons=permission.reasons,
        )
    return permission.reasons


def _callback_pending(*, contract_id: int, at: datetime) -> bool:
    """Whether the customer asked to be called back in the last seven days and no outbound call
    has been made since."""
    asked = (
        Contact.objects.filter(
            contract_id=contract_id, outcome=Outcome.CALLBACK, at__gte=at - CALLBACK_CONSENT, at__lte=at
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if asked is None:
        return False
    return not Contact.objects.filter(
        contract_id=contract_id, channel=Channel.CALL, direction=Direction.OUTBOUND, at__gt=asked, at__lte=at
    ).exists()


def _choice_check(field: str, value: str, known: list[str]) -> None:
    if value not in known:
        raise InvalidContact(f"{field}: {value!r} is not one of {', '.join(known)}", field=field)


def _date_check(
    value: date, as_of: date, *, field: str, what: str, error: type[CollectionsError] = InvalidContact
) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise error(f"{field}: {value!r} is not a date", field=field)
    if value < as_of:
        raise error(f"{field}: {what} cannot be before {as_of.isoformat()}", field=field)
    if value > as_of + timedelta(days=MAX_DAYS_AHEAD):
        raise error(f"{field}: {what} must be within a year of {as_of.isoformat()}", field=field)


def _promise_check(
    promise: Sequence[PromiseInput] | None, *, outcome: str, currency: str, as_of: date
) -> list[tuple[date, int]]:
    """The promise's payments in date order, in minor units; refuses what cannot be promised."""
    if not promise:
        if outcome == Outcome.PROMISE:
            raise InvalidPromise("promise: a promise to pay needs at least one dated amount", field="promise")
        return []
    if outcome != Outcome.PROMISE:
        raise InvalidContact(
            f"outcome: dated amounts were given, so the outcome is 'promise', not {outcome!r}",
            field="outcome",
        )
    if len(promise) > MAX_PROMISE_PAYMENTS:
        raise InvalidPromise(
            f"promise: at most {MAX_PROMISE_PAYMENTS} dated amounts in one promise", field="promise"
        )
    lines: list[tuple[date, int]] = []
    seen: set[date] = set()
    for index, (due_date, amount) in enumerate(promise):
        where = f"promise.{index}"
        _date_check(due_date, as_of, field=f"{where}.date", what="a promised payment", error=InvalidPromise)
        if due_date in seen:
            raise InvalidPromise(
                f"{where}.date: two payments on {due_date.isoformat()}", field=f"{where}.date"
            )
        seen.add(due_date)
        lines.append((due_date, _minor(amount, currency, field=f"{where}.amount")))
    return sorted(lines)


def _minor(amount: int | str, currency: str, *, field: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int | str):
        raise InvalidPromise(f"{field}: give minor units or a decimal string, not {amount!r}", field=field)
    if isinstance(amount, str):
        try:
            amount = Money.parse(amount, currency, field=field).minor
        except InvalidAmount as error:
            raise InvalidPromise(error.message, field=field) from None
    if amount <= 0:
        raise InvalidPromise(f"{field}: a promised amount must be more than zero", field=field)
    return amount
