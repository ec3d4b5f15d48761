"""The queues and strategies as a document: read them out, and set them from one, all or nothing.

The document is what `recoup strategies show --json` prints and `recoup strategies load` reads:

    {"queues": [{"code": "late", "name": "Late stage", "priority": 30}],
     "strategies": [{"code": "late", "name": "90+ days", "queue": "late", "priority": 80,
                     "rules": {"min_days_past_due": 90}, "treatment": "call",
                     "challenger_percent": 20, "challenger_treatment": "field_visit", "active": true}]}

Queues and strategies the document does not name are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import transaction

from recoup.access.models import User
from recoup.collections.errors import InvalidStrategy
from recoup.collections.models import Queue, Strategy
from recoup.collections.work import queue_save, strategy_save
from recoup.kernel.errors import DomainError

QUEUE_KEYS = {"code", "name", "priority"}
STRATEGY_KEYS = {
    "code",
    "name",
    "queue",
    "priority",
    "rules",
    "treatment",
    "challenger_percent",
    "challenger_treatment",
    "active",
}


def strategies_document() -> dict[str, list[dict[str, Any]]]:
    """Every queue (highest priority first) and strategy (in the order they are tried)."""
    return {
        "queues": [
            {"code": q.code, "name": q.name, "priority": q.priority, "paused": q.paused}
            for q in Queue.objects.order_by("-priority", "code")
        ],
        "strategies": [
            {
                "code": s.code,
                "name": s.name,
                "queue": s.queue.code,
                "priority": s.priority,
                "rules": s.rules,
                "treatment": s.treatment,
                "challenger_percent": s.challenger_percent,
                "challenger_treatment": s.challenger_treatment,
                "active": s.active,
            }
            for s in Strategy.objects.select_related("queue").order_by("-priority", "code")
        ],
    }


def strategies_configure(*, document: Any, by: User, at: datetime) -> dict[str, int]:
    """Create or change the queues and strategies the document names, in one transaction.

    Raises InvalidStrategy naming the place at fault ("strategies[2].rules.buckets",
    "queues[0].priority"), QueueNotFound, WorkNotPermitted; nothing is saved when it raises.
    """
    if not isinstance(document, dict) or set(document) - {"queues", "strategies"}:
        raise InvalidStrategy(
            'document: give an object with "queues" and "strategies" lists', field="document"
        )
    queues = _list(document, "queues")
    strategies = _list(document, "strategies")
    with transaction.atomic():
        for index, entry in enumerate(queues):
            where = f"queues[{index}]"
            _keys(entry, QUEUE_KEYS, {"code", "name"}, where)
            with _refusals_placed(where):
                queue_save(
                    code=_text(entry, "code", where),
                    name=_text(entry, "name", where),
                    priority=_whole(entry, "priority", where, 0),
                    by=by,
                    at=at,
                )
        for index, entry in enumerate(strategies):
            where = f"strategies[{index}]"
            _keys(entry, STRATEGY_KEYS, {"code", "name", "queue", "rules"}, where)
            with _refusals_placed(where):
                strategy_save(
                    code=_text(entry, "code", where),
                    name=_text(entry, "name", where),
                    queue_code=_text(entry, "queue", where),
                    rules=entry["rules"],
                    priority=_whole(entry, "priority", where, 0),
                    treatment=str(entry.get("treatment", "call")),
                    challenger_percent=_whole(entry, "challenger_percent", where, 0),
                    challenger_treatment=str(entry.get("challenger_treatment", "")),
                    active=bool(entry.get("active", True)),
                    by=by,
                    at=at,
                )
    return {"queues": len(queues), "strategies": len(strategies)}


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise InvalidStrategy(f"{key}: must be a list", field=key)
    return value


def _keys(entry: Any, allowed: set[str], required: set[str], where: str) -> None:
    if not isinstance(entry, dict):
        raise InvalidStrategy(f"{where}: must be an object", field=where)
    for key in entry:
        if key not in allowed:
            settings = ", ".join(sorted(allowed))
            raise InvalidStrategy(
                f"{where}.{key}: not a setting; the settings are {settings}", field=f"{where}.{key}"
            )
    for key in sorted(required - set(entry)):
        raise InvalidStrategy(f"{where}.{key}: is required", field=f"{where}.{key}")


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise InvalidStrategy(f"{where}.{key}: must be non-empty text", field=f"{where}.{key}")
    return value.strip()


def _whole(entry: dict[str, Any], key: str, where: str, default: int) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidStrategy(f"{where}.{key}: must be a whole number", field=f"{where}.{key}")
    return value


@contextmanager
def _refusals_placed(where: str) -> Iterator[None]:
    """Put the entry's place in front of the field that a refusal inside names."""
    try:
        yield
    except DomainError as error:
        if error.field and error.field.startswith(where):
            raise
        field = f"{where}.{error.field}" if error.field else where
        message = error.message.removeprefix(f"{error.field}: ") if error.field else error.message
        raise type(error)(f"{field}: {message}", field=field) from None
