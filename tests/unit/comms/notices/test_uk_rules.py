"""UK notices' clocks under the Consumer Credit Act 1974, as an operations manual would state them."""

from datetime import date

import pytest

from recoup.comms.notices.errors import NoticeNotAllowed
from recoup.comms.notices.uk_rules import (
    deemed_service_date,
    default_notice_timing,
    s86b_first_timing,
    s86b_next_latest,
    s86b_repeat_due,
    s86b_triggered,
)


def test_two_monthly_payments_short_triggers_a_notice_of_sums_in_arrears():
    assert s86b_triggered(
        installments_due=3, arrears_minor=60_000, last_installment_minor=30_000, frequency="monthly"
    )


def test_one_and_a_half_payments_short_does_not():
    assert not s86b_triggered(
        installments_due=3, arrears_minor=45_000, last_installment_minor=30_000, frequency="monthly"
    )


def test_a_shortfall_before_two_payments_have_fallen_due_does_not():
    assert not s86b_triggered(
        installments_due=1, arrears_minor=60_000, last_installment_minor=30_000, frequency="monthly"
    )


def test_a_weekly_schedule_is_measured_against_its_last_four_payments():
    assert not s86b_triggered(
        installments_due=6, arrears_minor=30_000, last_installment_minor=10_000, frequency="weekly"
    )
    assert s86b_triggered(
        installments_due=6, arrears_minor=40_000, last_installment_minor=10_000, frequency="weekly"
    )


def test_the_first_notice_goes_within_14_days_and_boxing_day_observed_brings_it_forward():
    # Triggered Tuesday 15 December 2026: day 14 is Monday 28 December, Boxing Day observed; the
    # last working day before it is Christmas Eve.
    timing = s86b_first_timing(trigger_date=date(2026, 12, 15), jurisdiction="GB-ENG")

    assert timing.earliest_send_date == date(2026, 12, 15)
    assert timing.latest_send_date == date(2026, 12, 24)


def test_the_first_notice_on_an_ordinary_fortnight_is_due_by_day_14():
    timing = s86b_first_timing(trigger_date=date(2026, 6, 2), jurisdiction="GB-ENG")

    assert timing.latest_send_date == date(2026, 6, 15)


def test_further_notices_follow_within_six_months_clamped_to_month_end_and_a_working_day():
    # Last given 31 August 2026: six months beginning 1 September end on 28 February 2027, a Sunday.
    assert s86b_next_latest(last_sent_date=date(2026, 8, 31), jurisdiction="GB-ENG") == date(2027, 2, 26)
    assert s86b_next_latest(last_sent_date=date(2026, 1, 15), jurisdiction="GB-ENG") == date(2026, 7, 15)


def test_the_nightly_issue_sends_the_next_notice_a_fortnight_before_six_months_run_out():
    assert not s86b_repeat_due(
        last_sent_date=date(2026, 1, 15), as_of=date(2026, 6, 30), jurisdiction="GB-ENG"
    )
    assert s86b_repeat_due(last_sent_date=date(2026, 1, 15), as_of=date(2026, 7, 1), jurisdiction="GB-ENG")


def test_a_default_notice_posted_on_christmas_eve_is_served_on_the_30th():
    # Posted Thursday 24 December 2026: Christmas Day, the weekend and Boxing Day observed on Monday
    # 28th are not working days; Tuesday 29th is the first, Wednesday 30th the second.
    timing = default_notice_timing(
        posted_date=date(2026, 12, 24), jurisdiction="GB-ENG", arrears_minor=60_000
    )

    assert timing.deemed_service_date == date(2026, 12, 30)
    assert timing.remedy_by_date == date(2027, 1, 13)
    assert timing.earliest_action_date == date(2027, 1, 14)


def test_in_scotland_the_new_year_holidays_delay_service_further():
    # Posted Wednesday 30 December 2026: Thursday 31st is the first working day; 1 January, the
    # weekend and 4 January (the 2nd observed) are not, so service is on Tuesday 5 January.
    assert deemed_service_date(posted_date=date(2026, 12, 30), jurisdiction="GB-SCT") == date(2027, 1, 5)
    assert deemed_service_date(posted_date=date(2026, 12, 30), jurisdiction="GB-ENG") == date(2027, 1, 4)


def test_a_remedy_day_on_a_bank_holiday_moves_to_the_next_working_day():
    # Posted Tuesday 17 March 2026 in Northern Ireland (Saint Patrick's Day is itself a holiday
    # there): served Thursday 19th; 14 days on is Thursday 2 April, a working day.
    timing = default_notice_timing(posted_date=date(2026, 3, 17), jurisdiction="GB-NIR", arrears_minor=1)
    # Posted Monday 23 March 2026 in England: served Wednesday 25th; 14 days on is Wednesday 8 April.
    easter = default_notice_timing(posted_date=date(2026, 3, 20), jurisdiction="GB-ENG", arrears_minor=1)

    assert timing.deemed_service_date == date(2026, 3, 19)
    assert timing.remedy_by_date == date(2026, 4, 2)
    # Posted Friday 20 March: served Tuesday 24th; 14 days on is Easter Tuesday 7 April (Easter
    # Monday the 6th is the holiday), a working day in England.
    assert easter.deemed_service_date == date(2026, 3, 24)
    assert easter.remedy_by_date == date(2026, 4, 7)


def test_a_default_notice_with_nothing_in_arrears_is_refused():
    with pytest.raises(NoticeNotAllowed) as refused:
        default_notice_timing(posted_date=date(2026, 3, 20), jurisdiction="GB-ENG", arrears_minor=0)

    assert refused.value.field == "arrears"
