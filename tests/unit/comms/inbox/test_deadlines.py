"""Response deadlines worked through the calendar: weekends, holidays, complaints and clocks changing."""

from datetime import UTC, date, datetime

from recoup.comms.inbox.deadlines import response_deadline


def test_an_email_on_monday_is_due_on_wednesday():
    deadline = response_deadline(
        received_at=datetime(2024, 6, 10, 15, tzinfo=UTC), jurisdiction="US-TX", complaint=False
    )

    assert deadline.due_date == date(2024, 6, 12)
    # Overdue from midnight in Texas (Central daylight time, UTC-5).
    assert deadline.due_at == datetime(2024, 6, 13, 5, tzinfo=UTC)


def test_friday_and_saturday_emails_are_both_due_on_tuesday():
    friday = response_deadline(
        received_at=datetime(2024, 6, 7, 15, tzinfo=UTC), jurisdiction="US-TX", complaint=False
    )
    saturday = response_deadline(
        received_at=datetime(2024, 6, 8, 15, tzinfo=UTC), jurisdiction="US-TX", complaint=False
    )

    assert friday.due_date == saturday.due_date == date(2024, 6, 11)


def test_the_day_of_receipt_is_the_jurisdictions_own_date():
    # 03:00 UTC on Saturday is still Friday evening in Texas.
    late_friday = response_deadline(
        received_at=datetime(2024, 6, 8, 3, tzinfo=UTC), jurisdiction="US-TX", complaint=False
    )

    assert late_friday.due_date == date(2024, 6, 11)


def test_independence_day_is_skipped_in_texas():
    # Wednesday 3 July 2024: Thursday 4th is a holiday, so Friday 5th and Monday 8th count.
    deadline = response_deadline(
        received_at=datetime(2024, 7, 3, 15, tzinfo=UTC), jurisdiction="US-TX", complaint=False
    )

    assert deadline.due_date == date(2024, 7, 8)


def test_st_andrews_day_is_a_holiday_in_scotland_but_not_in_england():
    # Thursday 28 November 2024; Saint Andrew's Day is Saturday 30th, observed on Monday 2 December.
    received = datetime(2024, 11, 28, 10, tzinfo=UTC)

    scotland = response_deadline(received_at=received, jurisdiction="GB-SCT", complaint=False)
    england = response_deadline(received_at=received, jurisdiction="GB-ENG", complaint=False)

    assert england.due_date == date(2024, 12, 2)
    assert scotland.due_date == date(2024, 12, 3)


def test_a_complaint_is_due_a_business_day_sooner():
    # Friday before the late May bank holiday in England: Monday 27 May 2024 does not count.
    deadline = response_deadline(
        received_at=datetime(2024, 5, 24, 10, tzinfo=UTC), jurisdiction="GB-ENG", complaint=True
    )

    assert deadline.due_date == date(2024, 5, 28)
    assert deadline.business_days == 1
    assert deadline.due_at == datetime(2024, 5, 28, 23, tzinfo=UTC)  # midnight in London, summer time


def test_the_deadline_follows_the_clocks_going_back():
    # Thursday 24 October 2024 in London; due Monday 28th, after the clocks went back on Sunday 27th.
    deadline = response_deadline(
        received_at=datetime(2024, 10, 24, 9, tzinfo=UTC), jurisdiction="GB-ENG", complaint=False
    )

    assert deadline.due_date == date(2024, 10, 28)
    assert deadline.due_at == datetime(2024, 10, 29, 0, tzinfo=UTC)  # GMT again


def test_mail_in_triage_counts_weekends_only():
    deadline = response_deadline(
        received_at=datetime(2024, 7, 3, 15, tzinfo=UTC), jurisdiction="", complaint=False
    )

    assert deadline.due_date == date(2024, 7, 5)
    assert deadline.due_at == datetime(2024, 7, 6, 0, tzinfo=UTC)
