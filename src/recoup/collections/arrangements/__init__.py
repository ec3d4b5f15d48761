"""Payment arrangements: deferrals, extensions, due-date changes, reduced-payment plans and
settlements for less than the balance.

`requests` quotes, makes, applies and reads them back (within the agent's authority at once, else
through an approval request); `schedule_changes` and `plans` hold what is particular to each kind;
`evaluation` decides after each close of business whether the active ones were kept.
"""

from recoup.collections.arrangements.evaluation import arrangements_evaluate
from recoup.collections.arrangements.requests import (
    arrangement_apply,
    arrangement_quote,
    arrangement_reject,
    arrangement_request,
    arrangement_view,
    arrangements_of,
)
from recoup.collections.arrangements.shapes import (
    MAY_ARRANGE,
    PLAN_KINDS,
    SCHEDULE_KINDS,
    ArrangementPaymentView,
    ArrangementQuote,
    ArrangementTerms,
    ArrangementView,
    InstallmentChange,
    PlannedPayment,
)

__all__ = [
    "MAY_ARRANGE",
    "PLAN_KINDS",
    "SCHEDULE_KINDS",
    "ArrangementPaymentView",
    "ArrangementQuote",
    "ArrangementTerms",
    "ArrangementView",
    "InstallmentChange",
    "PlannedPayment",
    "arrangement_apply",
    "arrangement_quote",
    "arrangement_reject",
    "arrangement_request",
    "arrangement_view",
    "arrangements_evaluate",
    "arrangements_of",
]
