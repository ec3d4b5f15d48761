"""The top bar's "Inbox (N unread)" for the team leaders and the head of credit."""

from __future__ import annotations

from typing import Any

from django import template

from recoup.collections.escalation_queries import NOTIFIED, unread_count

register = template.Library()


@register.simple_tag
def inbox_unread(user: Any) -> int | None:
    """`{% inbox_unread user as unread %}`: their unread escalation notices (one indexed COUNT), or
    None for those who get no escalations."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", None) not in NOTIFIED:
        return None
    return unread_count(reader_id=user.pk)
