"""The collections work after a close of business, in the order each part needs the last one."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import date, datetime

from recoup.collections.arrangements import arrangements_evaluate
from recoup.collections.escalation_rules import escalations_apply
from recoup.collections.promise_evaluation import promises_evaluate
from recoup.collections.strategy_batch import strategies_apply


def collections_after_close(
    *, as_of: date, dates: Sequence[date], at: datetime
) -> dict[str, dict[str, int | float]]:
    """Settle the promises and arrangements that fell due by the last date closed, raise the rules'
    escalations for every date closed now (`dates`: a catch-up night misses none of their
    roll-forwards), then
    place the accounts in queues. Promises and arrangements go first so that the escalation rules
    and the strategies see them broken. Returns each part's counts and seconds."""
    done: dict[str, dict[str, int | float]] = {}

    def timed(name: str, part: Callable[..., dict[str, int]], *on: date) -> None:
        started = time.perf_counter()
        totals: dict[str, int | float] = {}
        for business_date in on:
            for key, value in part(as_of=business_date, at=at).items():
                totals[key] = totals.get(key, 0) + value
        done[name] = {**totals, "seconds": round(time.perf_counter() - started, 3)}

    timed("promises", promises_evaluate, as_of)
    timed("arrangements", arrangements_evaluate, as_of)
    timed("escalations", escalations_apply, *sorted(dates))
    timed("strategies", strategies_apply, as_of)
    return done
