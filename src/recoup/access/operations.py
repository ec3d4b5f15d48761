"""Writes for users and the audit trail."""

import hashlib
import secrets
from datetime import datetime
from typing import Any

from recoup.access.models import ApiToken, AuditEvent, User


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, user: User, name: str, at: datetime) -> tuple[str, ApiToken]:
    """Issue a bearer token; the token itself is returned once and never stored."""
    token = "rcp_" + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name, key_hash=_token_hash(token), prefix=token[:8], created_at=at
    )
    audit_record(
        actor=user,
        action="api_token.issue",
        object_type="api_token",
        object_id=record.pk,
        at=at,
        after={"name": name, "prefix": record.prefix},
    )
    return token, record


def api_token_user(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return record.user if record else None
