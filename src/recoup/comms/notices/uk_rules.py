"""UK notices' clocks under the Consumer Credit Act 1974: the notice of sums in arrears (s.86B) and
the default notice (ss.87-88). Pure: no Django, no clock.

Counting: the 14-day and six-month periods of s.86B are calendar periods; a last day to send that
falls on a day that is not a working day moves back to the working day before. Service of a default
notice by first-class post is taken as effected on the second working day after posting (Interpretation
Act 1978 s.7 — the CCA authorises service by post, s.176 and s.189(1) "serve on" meaning "deliver or
send by post to" — with the Practice Direction [1985] 1 All ER 889 reading of "the ordinary course of
post" for first-class mail); working days as s.189(1) defines them, per nation (calendars.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from recoup.comms.calendars import (
    business_day_on_or_after,
    business_day_on_or_before,
    business_days_after,
)
from recoup.comms.notices.errors import NoticeNotAllowed
from recoup.comms.notices.timing import Timing

# s.86B(2)(a): the first notice within the period of 14 days beginning with the day the conditions
# are met (so the trigger day is day 1 and day 14 is the trigger day + 13).
S86B_FIRST_NOTICE_DAYS = 14
# s.86B(2)(b), with s.86D(1)(b): further notices at intervals of not more than six months, i.e.
# within the six months beginning with the day after the last notice was given.
S86B_REPEAT_MONTHS = 6
# How long before the six months run out the nightly issue sends the next notice, so that a missed
# or late close cannot make it late. A policy of ours, not of the Act.
S86B_REPEAT_LEAD_DAYS = 14
# s.86B(1)(c) and (12) (as the Consumer Credit Act 2006's explanatory notes put it): the shortfall is
# measured against the last two payments due, or the last four where payments fall due at intervals
# of one week or less.
WEEKLY_OR_LESS = frozenset({"weekly"})
# s.88(2) (as amended by the Consumer Credit Act 2006 s.14): the date for remedy must not be less
# than 14 days after the date of service.
DEFAULT_REMEDY_DAYS = 14
FIRST_CLASS_POST_WORKING_DAYS = 2


def s86b_payments_measured(frequency: str) -> int:
    """How many of the last payments due the shortfall must reach: two, or four for weekly schedules."""
    return 4 if frequency in WEEKLY_OR_LESS else 2


def s86b_triggered(
    *, installments_due: int, arrears_minor: int, last_installment_minor: int, frequency: str
) -> bool:
    """Whether the conditions of s.86B(1)(a)-(c) hold: at least two payments (four for weekly
    schedules) required so far, less paid than required, and the shortfall no less than the sum of
    the last two (or four) payments required.

    The last payments are taken as equal to the last installment due: exact for level schedules;
    where a different final payment (a PCP's optional final payment, a lease residual) has just
    fallen due, the sum is overstated and the trigger is met later than the Act says — the account's
    earlier, regular payments are not in the arrears state this reads.
    """
    measured = s86b_payments_measured(frequency)
    return (
        installments_due >= measured
        and arrears_minor > 0
        and arrears_minor >= measured * last_installment_minor
    )


def s86b_first_timing(*, trigger_date: date, jurisdiction: str) -> Timing:
    """The first notice of sums in arrears: from the trigger day, within 14 days beginning with it."""
    last = trigger_date + timedelta(days=S86B_FIRST_NOTICE_DAYS - 1)
    return Timing(
        trigger_date=trigger_date,
        earliest_send_date=trigger_date,
        latest_send_date=business_day_on_or_before(last, jurisdiction),
    )


def s86b_next_latest(*, last_sent_date: date, jurisdiction: str) -> date:
    """The last day for the next notice while the duty lasts: six months beginning with the day after
    the last one was given ends on the same day-of-month six months on (clamped at month end)."""
    return business_day_on_or_before(last_sent_date + relativedelta(months=S86B_REPEAT_MONTHS), jurisdiction)


def s86b_repeat_due(*, last_sent_date: date, as_of: date, jurisdiction: str) -> bool:
    """Whether the nightly issue sends the next notice on `as_of` (a fortnight's lead on the last day)."""
    latest = s86b_next_latest(last_sent_date=last_sent_date, jurisdiction=jurisdiction)
    return as_of >= latest - timedelta(days=S86B_REPEAT_LEAD_DAYS)


def s86b_repeat_timing(*, last_sent_date: date, as_of: date, jurisdiction: str) -> Timing:
    return Timing(
        trigger_date=as_of,
        earliest_send_date=as_of,
        latest_send_date=s86b_next_latest(last_sent_date=last_sent_date, jurisdiction=jurisdiction),
    )


def deemed_service_date(*, posted_date: date, jurisdiction: str) -> date:
    """A letter posted first class is served on the second working day after posting."""
    return business_days_after(posted_date, FIRST_CLASS_POST_WORKING_DAYS, jurisdiction)


def default_notice_timing(*, posted_date: date, jurisdiction: str, arrears_minor: int) -> Timing:
    """A default notice (s.87(1), contents s.88) posted on `posted_date`.

    The customer's last day to remedy is 14 days after the day of deemed service, moved to the next
    working day when it is not one; the notice says "on or before" it, so the date before which the
    action is to be taken is the day after — at least 15 days after service, never fewer than the 14
    of s.88(2). The lender may act (s.87(1): terminate, demand earlier payment, recover the goods)
    from the day after.

    Raises NoticeNotAllowed when there is no breach to remedy (nothing in arrears).
    """
    if arrears_minor <= 0:
        raise NoticeNotAllowed("the account is not in arrears: there is no breach to remedy", field="arrears")
    served = deemed_service_date(posted_date=posted_date, jurisdiction=jurisdiction)
    remedy_by = business_day_on_or_after(served + timedelta(days=DEFAULT_REMEDY_DAYS), jurisdiction)
    return Timing(
        trigger_date=posted_date,
        earliest_send_date=posted_date,
        latest_send_date=None,
        deemed_service_date=served,
        remedy_by_date=remedy_by,
        earliest_action_date=remedy_by + timedelta(days=1),
    )
