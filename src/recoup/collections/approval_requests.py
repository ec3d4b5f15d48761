"""Making an approval request for a change beyond its maker's authority (decided in collections.approvals)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.collections.models import ApprovalRequest, Arrangement, Credit
from recoup.portfolio.models import Contract


def approval_request_make(
    *,
    contract: Contract,
    subject: Arrangement | Credit,
    currency: str,
    asks: dict[str, str],
    exceeded: Iterable[str],
    requested_by: User,
    at: datetime,
) -> ApprovalRequest:
    """Record the request (inside the caller's transaction) and audit it."""
    approval = ApprovalRequest.objects.create(
        contract=contract,
        arrangement=subject if isinstance(subject, Arrangement) else None,
        credit=subject if isinstance(subject, Credit) else None,
        currency=currency,
        asks=asks,
        exceeded=list(exceeded),
        requested_by=requested_by,
        requested_at=at,
    )
    audit_record(
        actor=requested_by,
        action="approval.request",
        object_type="approval_request",
        object_id=approval.pk,
        at=at,
        after={
            "subject": f"{type(subject).__name__.lower()} {subject.pk}",
            "asks": approval.asks,
            "exceeded": approval.exceeded,
        },
    )
    return approval
