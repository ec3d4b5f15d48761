"""The payments of a test book's days, the same in every run of it."""

from __future__ import annotations

import random
from datetime import date, datetime

from recoup.portfolio.operations import payment_apply


def payments_of(day: date, accounts: list[str], *, at: datetime) -> None:
    """About one customer in sixteen pays on `day`, the same customers the same amounts in every run."""
    rng = random.Random(day.toordinal())
    for account in accounts:
        if rng.random() < 0.06:
            amount = rng.choice(["150.00", "320.55", "499.99", "75.10"])
            payment_apply(
                account_number=account,
                amount=amount,
                received_date=day,
                reference=f"pay {day}",
                idempotency_key=f"test-pay:{account}:{day}",
                at=at,
            )
