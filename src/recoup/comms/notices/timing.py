"""The dates every notice carries, and the refusals its clock gives. Pure: no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Timing:
    """When a notice falls due and what dates it gives the customer.

    - trigger_date: the event the notice answers (the missed installment's due date, the day the
      s.86B conditions were met, the repossession, the disposition);
    - earliest_send_date / latest_send_date: the window the law allows for sending (latest is None
      where the law sets no last day: a right-to-cure notice is a condition of repossessing, not a
      duty with a deadline);
    - deemed_service_date: the day the notice counts as served, where the law attaches a period to
      service rather than to sending (UK default notices);
    - remedy_by_date: the customer's last day to cure, remedy, redeem or reinstate (inclusive);
    - earliest_action_date: the first day the lender may act on it (repossess, dispose, terminate).
    """

    trigger_date: date
    earliest_send_date: date
    latest_send_date: date | None = None
    deemed_service_date: date | None = None
    remedy_by_date: date | None = None
    earliest_action_date: date | None = None
