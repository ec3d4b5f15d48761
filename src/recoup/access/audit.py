"""Searching the audit trail: who did what, when, to what, with the state before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from recoup.access.models import AuditEvent, Role, User
from recoup.kernel.errors import DomainError

MAY_SEARCH = (Role.AUDITOR, Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR)
PAGE_SIZE = 50


class AuditSearchNotAllowed(DomainError):
    """A search of the audit trail by a role that may not, or with impossible criteria."""


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class AuditPage:
    lines: tuple[AuditLine, ...]
    page: int
    has_next: bool


def audit_search(
    *,
    reader: User,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    from_date: date | None = None,
    to_date: date | None = None,
    page: int = 1,
) -> AuditPage:
    """Audit rows matching every criterion given, newest first, PAGE_SIZE a page.

    `action` matches a prefix ("approval." finds approvals of every kind); dates are inclusive, in
    the server's time zone. Raises AuditSearchNotAllowed (field "reader", "to_date" or "page").
    """
    if reader.role not in MAY_SEARCH:
        raise AuditSearchNotAllowed(
            "reader: auditors, the head of credit and administrators search the audit trail", field="reader"
        )
    if from_date and to_date and to_date < from_date:
        raise AuditSearchNotAllowed("to_date: is before from_date", field="to_date")
    if page < 1:
        raise AuditSearchNotAllowed("page: pages start at 1", field="page")
    rows = AuditEvent.objects.select_related("actor").order_by("-at", "-pk")
    if actor:
        rows = rows.filter(actor__username=actor.strip())
    if action:
        rows = rows.filter(action__startswith=action.strip())
    if object_type:
        rows = rows.filter(object_type=object_type.strip())
    if object_id:
        rows = rows.filter(object_id=object_id.strip())
    zone = timezone.get_current_timezone()
    if from_date:
        rows = rows.filter(at__gte=datetime.combine(from_date, time.min, tzinfo=zone))
    if to_date:
        rows = rows.filter(at__lt=datetime.combine(to_date + timedelta(days=1), time.min, tzinfo=zone))
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    return AuditPage(
        lines=tuple(
            AuditLine(
                id=r.pk,
                at=r.at,
                actor=r.actor.username if r.actor else "system",
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                before=r.before,
                after=r.after,
            )
            for r in found[:PAGE_SIZE]
        ),
        page=page,
        has_next=len(found) > PAGE_SIZE,
    )
