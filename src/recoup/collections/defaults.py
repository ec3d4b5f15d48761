"""The queues and strategies a new lender starts with, and the demo shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from recoup.collections.models import Queue, Strategy
from recoup.collections.strategies import CONTACT_STOPPING_FLAGS
from recoup.collections.work import queue_save, strategy_save

# code, name, priority (higher is taken from first)
DEFAULT_QUEUES = (
    ("specialist", "Specialist: vulnerable customers and contact restrictions", 40),
    ("late", "Late stage: 90+ days", 30),
    ("promises", "Broken promises", 25),
    ("mid", "Mid stage: 30–89 days", 20),
    ("early", "Early stage: 1–29 days", 10),
)

# code, name, queue, priority, rules, treatment, challenger percent, challenger treatment
DEFAULT_STRATEGIES: tuple[tuple[str, str, str, int, dict[str, Any], str, int, str], ...] = (
    (
        "restricted",
        "Contact restricted: bankruptcy, breathing space, cease communication, deceased",
        "specialist",
        100,
        {"flags_any": list(CONTACT_STOPPING_FLAGS)},
        "escalate",
        0,
        "",
    ),
    ("vulnerable", "Vulnerable customers", "specialist", 90, {"flags_any": ["vulnerability"]}, "call", 0, ""),
    ("late", "90+ days past due", "late", 80, {"min_days_past_due": 90}, "call", 20, "field_visit"),
    (
        "broken_promise",
        "A promise to pay broken",
        "promises",
        70,
        {"min_broken_promises": 1, "min_days_past_due": 1},
        "call",
        0,
        "",
    ),
    (
        "mid",
        "30–89 days past due",
        "mid",
        50,
        {"min_days_past_due": 30, "max_days_past_due": 89},
        "call",
        10,
        "sms",
    ),
    ("early", "1–29 days past due", "early", 20, {"max_days_past_due": 29}, "call", 50, "sms"),
)


def strategies_default_ensure(*, at: datetime) -> dict[str, int]:
    """Create the default queues and strategies that are missing; existing ones are left as they are.

    Returns how many queues and strategies were created.
    """
    created = {"queues": 0, "strategies": 0}
    with transaction.atomic():
        for code, name, priority in DEFAULT_QUEUES:
            if not Queue.objects.filter(code=code).exists():
                queue_save(code=code, name=name, priority=priority, by=None, at=at)
                created["queues"] += 1
        for code, name, queue, priority, rules, treatment, percent, challenger in DEFAULT_STRATEGIES:
            if not Strategy.objects.filter(code=code).exists():
                strategy_save(
                    code=code,
                    name=name,
                    queue_code=queue,
                    rules=rules,
                    priority=priority,
                    treatment=treatment,
                    challenger_percent=percent,
                    challenger_treatment=challenger,
                    by=None,
                    at=at,
                )
                created["strategies"] += 1
    return created
