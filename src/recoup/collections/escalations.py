"""Escalations: a risk on an account brought to the team leaders and the head of credit.

Anyone working accounts raises one by hand; the rules after the close of business raise them in
bulk (collections.escalation_rules). Every active team leader and head of credit gets a notice in
their in-app inbox and, when RECOUP_ESCALATION_EMAILS is on and they have an address, an email.
They acknowledge and close escalations: open → acknowledged → closed, or open → closed.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.collections.errors import (
    EscalationNotAllowed,
    EscalationNotFound,
    EscalationTransitionNotAllowed,
)
from recoup.collections.escalation_queries import NOTIFIED, EscalationView, escalation_view
from recoup.collections.models import Escalation, EscalationKind, EscalationNotice, EscalationStatus
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

log = logging.getLogger(__name__)

MAY_RAISE = (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)
# A vague worry helps nobody: these kinds say nothing without the agent's words.
DETAIL_REQUIRED = frozenset({EscalationKind.SUSPECTED_FRAUD, EscalationKind.OTHER})
DETAIL_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 500
OPEN, ACKNOWLEDGED, CLOSED = EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED, EscalationStatus.CLOSED
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({ACKNOWLEDGED, CLOSED}),
    ACKNOWLEDGED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}
DIGEST_LINES = 50  # an email lists at most this many escalations, then says how many more


def escalation_raise(
    *, account_number: str, kind: str, detail: str, raised_by: User, at: datetime
) -> EscalationView:
    """Raise an escalation by hand and notify every active team leader and head of credit (the
    raiser's own notice, if they are one, is already read). Emails follow when configured.

    Raises EscalationNotAllowed (field "role", "kind" or "detail") and AccountNotFound (field
    "account_number"); nothing is written when it raises.
    """
    if raised_by.role not in MAY_RAISE:
        raise EscalationNotAllowed(
            "role: agents, team leaders and the head of credit raise escalations", field="role"
        )
    if kind not in EscalationKind.values:
        raise EscalationNotAllowed(
            f"kind: {kind!r} is not one of {', '.join(EscalationKind.values)}", field="kind"
        )
    detail = detail.strip()
    if kind in DETAIL_REQUIRED and not detail:
        label = EscalationKind(kind).label.lower()
        raise EscalationNotAllowed(f"detail: say what makes you think of {label}", field="detail")
    if len(detail) > DETAIL_MAX_LENGTH:
        raise EscalationNotAllowed(f"detail: at most {DETAIL_MAX_LENGTH} characters", field="detail")
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    with transaction.atomic():
        escalation = Escalation.objects.create(
            contract=contract,
            kind=kind,
            by_rule=False,
            detail=detail,
            raised_by=raised_by,
            raised_at=at,
            raised_date=at.astimezone(UTC).date(),
            status=OPEN,
        )
        recipients = list(User.objects.filter(is_active=True, role__in=NOTIFIED).values_list("pk", flat=True))
        EscalationNotice.objects.bulk_create(
            EscalationNotice(
                escalation=escalation, recipient_id=pk, read_at=at if pk == raised_by.pk else None
            )
            for pk in recipients
        )
        audit_record(
            actor=raised_by,
            action="escalation.raise",
            object_type="escalation",
            object_id=escalation.pk,
            at=at,
            after={
                **_plain(escalation),
                "account_number": contract.account_number,
                "notified": len(recipients),
            },
        )
    notices_email(at=at, escalation_id=escalation.pk)
    return escalation_view(escalation.pk)


def escalation_acknowledge(*, escalation_id: int, by: User, note: str, at: datetime) -> EscalationView:
    """A team leader or the head of credit takes an open escalation in hand.

    Raises EscalationNotAllowed (field "role" or "note"), EscalationNotFound (field
    "escalation_id") and EscalationTransitionNotAllowed (field "status").
    """
    return _move(escalation_id=escalation_id, to=ACKNOWLEDGED, by=by, note=note, at=at)


def escalation_close(*, escalation_id: int, by: User, note: str, at: datetime) -> EscalationView:
    """A team leader or the head of credit closes an open or acknowledged escalation.

    Raises EscalationNotAllowed (field "role" or "note"), EscalationNotFound (field
    "escalation_id") and EscalationTransitionNotAllowed (field "status").
    """
    return _move(escalation_id=escalation_id, to=CLOSED, by=by, note=note, at=at)


def notice_read(*, notice_id: int, reader: User, at: datetime) -> None:
    """Mark one of the reader's notices read; reading it again changes nothing.

    Raises EscalationNotFound (field "notice_id") when the notice is not the reader's.
    """
    with transaction.atomic():
        notice = EscalationNotice.objects.filter(pk=notice_id, recipient=reader).first()
        if notice is None:
            raise EscalationNotFound(f"notice_id: you have no notice {notice_id}", field="notice_id")
        if notice.read_at is not None:
            return
        EscalationNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=at)
        audit_record(
            actor=reader,
            action="escalation.notice_read",
            object_type="escalation",
            object_id=notice.escalation_id,
            at=at,
            after={"notice_id": notice.pk},
        )


def notices_email(*, at: datetime, escalation_id: int | None = None, rule_date: date | None = None) -> int:
    """When RECOUP_ESCALATION_EMAILS is on, email the notices not yet emailed — of one escalation, or
    of the rules' escalations of `rule_date` — one message per recipient with an address, and set
    their emailed_at. A message the mail server refuses is logged and its notices stay unmailed
    (the in-app inbox has them). Returns how many messages were sent.
    """
    if not settings.RECOUP_ESCALATION_EMAILS:
        return 0
    notices = EscalationNotice.objects.filter(emailed_at__isnull=True).exclude(recipient__email="")
    if escalation_id is not None:
        notices = notices.filter(escalation_id=escalation_id)
    elif rule_date is not None:
        notices = notices.filter(escalation__by_rule=True, escalation__raised_date=rule_date)
    else:
        raise ValueError("name an escalation or the date of the rules' escalations")
    rows = notices.order_by("recipient_id", "-escalation__raised_at").values_list(
        "recipient_id",
        "recipient__email",
        "escalation__contract__account_number",
        "escalation__kind",
        "escalation__detail",
    )
    by_recipient: dict[int, tuple[str, list[str], int]] = {}
    for recipient_id, email, account_number, kind, detail in rows.iterator():
        address, lines, count = by_recipient.get(recipient_id, (email, [], 0))
        if len(lines) < DIGEST_LINES:
            label = EscalationKind(kind).label
            lines.append(f"{account_number}: {label}" + (f" — {detail}" if detail else ""))
        by_recipient[recipient_id] = (address, lines, count + 1)
    sent = 0
    connection = get_connection()
    for recipient_id, (address, lines, count) in by_recipient.items():
        message = EmailMessage(
            subject=_subject(lines, count),
            body=_body(lines, count),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=connection,
        )
        try:
            message.send()
        except OSError:
            log.warning("escalation email to user %s not sent", recipient_id, exc_info=True)
            continue
        notices.filter(recipient_id=recipient_id).update(emailed_at=at)
        sent += 1
    return sent


def _subject(lines: list[str], count: int) -> str:
    if count == 1:
        return f"Recoup escalation: {lines[0].split(' — ')[0]}"
    return f"Recoup: {count} escalations"


def _body(lines: list[str], count: int) -> str:
    more = count - len(lines)
    listing = "\n".join(lines) + (f"\n… and {more} more" if more else "")
    return (
        "Raised for team leaders and the head of credit:\n\n"
        f"{listing}\n\nAcknowledge or close them from the Inbox in Recoup.\n"
    )


def _move(*, escalation_id: int, to: str, by: User, note: str, at: datetime) -> EscalationView:
    if by.role not in NOTIFIED:
        raise EscalationNotAllowed(
            "role: team leaders and the head of credit handle escalations", field="role"
        )
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise EscalationNotAllowed(f"note: at most {NOTE_MAX_LENGTH} characters", field="note")
    with transaction.atomic():
        row = Escalation.objects.filter(pk=escalation_id).first()
        if row is None:
            raise EscalationNotFound(f"escalation_id: no escalation {escalation_id}", field="escalation_id")
        if to not in TRANSITIONS[row.status]:
            raise EscalationTransitionNotAllowed(
                f"status: the escalation is {EscalationStatus(row.status).label.lower()}; "
                f"it cannot be {EscalationStatus(to).label.lower()}",
                field="status",
            )
        before = _plain(row)
        # Conditional on the status read, so two leaders acting at once cannot both move it.
        moved = Escalation.objects.filter(pk=row.pk, status=row.status).update(
            status=to, handled_by=by, handled_at=at, handled_note=note or row.handled_note
        )
        if not moved:
            raise EscalationTransitionNotAllowed(
                "status: someone else changed the escalation just now; look again", field="status"
            )
        EscalationNotice.objects.filter(escalation=row, recipient=by, read_at__isnull=True).update(read_at=at)
        row.refresh_from_db()
        audit_record(
            actor=by,
            action=f"escalation.{'acknowledge' if to == ACKNOWLEDGED else 'close'}",
            object_type="escalation",
            object_id=row.pk,
            at=at,
            before=before,
            after=_plain(row),
        )
    return escalation_view(row.pk)


def _plain(row: Escalation) -> dict[str, object]:
    return {
        "kind": row.kind,
        "by_rule": row.by_rule,
        "detail": row.detail,
        "status": row.status,
        "handled_by": row.handled_by_id,
        "handled_note": row.handled_note,
    }
