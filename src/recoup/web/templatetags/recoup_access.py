"""Who may do what in the workbench: the views refuse by it, and the templates offer links by it."""

from __future__ import annotations

from typing import Any

from django import template

from recoup.access.models import Role

register = template.Library()

CONTRACT_BOOKERS = frozenset({Role.ADMINISTRATOR.value, Role.HEAD_OF_CREDIT.value, Role.TEAM_LEADER.value})


@register.filter
def may_book_contracts(user: Any) -> bool:
    """`{% if user|may_book_contracts %}`: administrators, the head of credit and team leaders."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in CONTRACT_BOOKERS
