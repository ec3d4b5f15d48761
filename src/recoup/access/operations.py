"""Writes for users and the audit trail."""

from datetime import datetime
from typing import Any

from recoup.access.models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str | int,
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row; called inside the caller's transaction so both land or neither does."""
    return AuditEvent.objects.create(
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )


def user_create(
    *, username: str, password: str, role: str, first_name: str = "", last_name: str = ""
) -> User:
    return User.objects.create_user(
        username=username, password=password, role=role, first_name=first_name, last_name=last_name
    )
