"""When an email from a customer must be answered by. Pure: no Django, no clock.

The rule (the lender's service standard; no statute sets one for ordinary collections mail):

- An email is answered by the end of the second business day after the day it was received;
  a complaint (references.COMPLAINT_WORDS) by the end of the first. The shorter deadline is the
  team's prompt acknowledgement, well inside the regulators' outer limits for complaints: the
  FCA's eight weeks for a final response (DISP 1.6.2R) and the CFPB's 15 days for a company
  response to a complaint sent through its portal.
- The day of receipt is the date in the account's jurisdiction (for a US state that spans time
  zones, the zone most of it keeps; England, Scotland, Wales and Northern Ireland keep London
  time), whatever hour it arrived; it never counts itself, so mail on a Saturday and mail on the
  Friday before are both due on Tuesday.
- Business days are Monday to Friday except the public holidays of the jurisdiction from the
  `holidays` package: the federal and state holidays of the US state, or the bank holidays of the
  UK nation (Scotland's St Andrew's Day, Northern Ireland's St Patrick's Day).
- Mail not yet matched to an account (triage) counts weekends only, in UTC, until someone links
  it; linking works the deadline out again for the account's jurisdiction.
- The deadline is the first moment of the day after the due date, in the jurisdiction's time:
  mail is overdue from local midnight, daylight saving or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from recoup.comms.calendars import business_days_after, day_end, local_zone

ANSWER_BUSINESS_DAYS = 2
COMPLAINT_BUSINESS_DAYS = 1


@dataclass(frozen=True)
class Deadline:
    due_date: date  # the last local day to answer on
    due_at: datetime  # overdue from this moment (UTC)
    business_days: int


def jurisdiction_zone(jurisdiction: str) -> str:
    """The zone the account's days are reckoned in; UTC for mail not yet matched to an account."""
    return local_zone(jurisdiction) if jurisdiction else "UTC"


def response_deadline(*, received_at: datetime, jurisdiction: str, complaint: bool) -> Deadline:
    """The deadline to answer an email received at `received_at` about an account in
    `jurisdiction` ("US-TX", "GB-SCT"; "" for mail not yet matched)."""
    zone = ZoneInfo(jurisdiction_zone(jurisdiction))
    received_date = received_at.astimezone(zone).date()
    days = COMPLAINT_BUSINESS_DAYS if complaint else ANSWER_BUSINESS_DAYS
    due_date = business_days_after(received_date, days, jurisdiction)
    due_at = day_end(due_date, str(zone))
    return Deadline(due_date=due_date, due_at=due_at, business_days=days)
