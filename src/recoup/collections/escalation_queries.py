"""Reads of escalations: one escalation, an account's, and a person's inbox of notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, When

from recoup.access.models import Role, User
from recoup.collections.errors import EscalationNotAllowed, EscalationNotFound
from recoup.collections.models import Escalation, EscalationKind, EscalationNotice, EscalationStatus
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

# Who is told of every escalation, and who acknowledges and closes them.
NOTIFIED = (Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)
INBOX_LIMIT = 200


@dataclass(frozen=True)
class EscalationView:
    id: int
    account_number: str
    kind: str
    kind_label: str
    by_rule: bool
    detail: str
    raised_by: str  # the username, or "rule" for a rule after the close
    raised_at: datetime
    raised_date: date
    status: str
    status_label: str
    handled_by: str
    handled_at: datetime | None
    handled_note: str


@dataclass(frozen=True)
class InboxItem:
    notice_id: int
    read_at: datetime | None
    emailed_at: datetime | None
    escalation: EscalationView


@dataclass(frozen=True)
class Inbox:
    unread: int
    items: list[InboxItem]  # unread first, then newest first; at most INBOX_LIMIT


_RELATED = ("contract", "raised_by", "handled_by")


def escalation_view(escalation_id: int) -> EscalationView:
    """Raises EscalationNotFound (field "escalation_id")."""
    row = Escalation.objects.select_related(*_RELATED).filter(pk=escalation_id).first()
    if row is None:
        raise EscalationNotFound(f"escalation_id: no escalation {escalation_id}", field="escalation_id")
    return _view(row)


def escalations_of(account_number: str) -> list[EscalationView]:
    """The account's escalations, newest first. Raises AccountNotFound (field "account_number")."""
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    rows = (
        Escalation.objects.filter(contract=contract).select_related(*_RELATED).order_by("-raised_at", "-pk")
    )
    return [_view(row) for row in rows]


def inbox_of(*, reader: User, limit: int = INBOX_LIMIT) -> Inbox:
    """The reader's escalation notices, unread first and newest first, and how many are unread.

    Raises EscalationNotAllowed (field "role") for roles that are not told of escalations.
    """
    if reader.role not in NOTIFIED:
        raise EscalationNotAllowed(
            "role: escalations go to team leaders and the head of credit", field="role"
        )
    notices = (
        EscalationNotice.objects.filter(recipient=reader)
        .select_related(*(f"escalation__{name}" for name in _RELATED))
        .annotate(read=Case(When(read_at__isnull=True, then=0), default=1))
        .order_by("read", "-escalation__raised_at", "-pk")[:limit]
    )
    items = [
        InboxItem(notice_id=n.pk, read_at=n.read_at, emailed_at=n.emailed_at, escalation=_view(n.escalation))
        for n in notices
    ]
    return Inbox(unread=unread_count(reader_id=reader.pk), items=items)


def unread_count(*, reader_id: int) -> int:
    """One COUNT over the partial index of unread notices."""
    return EscalationNotice.objects.filter(recipient_id=reader_id, read_at__isnull=True).count()


def _view(row: Escalation) -> EscalationView:
    return EscalationView(
        id=row.pk,
        account_number=row.contract.account_number,
        kind=row.kind,
        kind_label=str(EscalationKind(row.kind).label),
        by_rule=row.by_rule,
        detail=row.detail,
        raised_by=row.raised_by.username if row.raised_by else "rule",
        raised_at=row.raised_at,
        raised_date=row.raised_date,
        status=row.status,
        status_label=str(EscalationStatus(row.status).label),
        handled_by=row.handled_by.username if row.handled_by else "",
        handled_at=row.handled_at,
        handled_note=row.handled_note,
    )
