"""Calling hours, as the collections context reads them: the rule itself belongs to the contact gate
(recoup.compliance.calling_hours), which every contact passes through; Get next and the strategies
use the same window to skip customers in SQL before the gate is asked."""

from recoup.compliance.calling_hours import (
    JURISDICTION_ZONE_SETS,
    WINDOW_CLOSES,
    WINDOW_OPENS,
    ZONE_SETS,
    callable_time_zones,
    local_time_callable,
    zone_set_callable,
)

__all__ = [
    "JURISDICTION_ZONE_SETS",
    "WINDOW_CLOSES",
    "WINDOW_OPENS",
    "ZONE_SETS",
    "callable_time_zones",
    "local_time_callable",
    "zone_set_callable",
]
