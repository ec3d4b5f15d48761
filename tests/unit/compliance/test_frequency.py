"""Call frequency, worked the way a compliance manual states it: Regulation F's presumptions by the
customer's calendar days, across weekends and daylight-saving changes (US 2026-03-08 and 2026-11-01,
UK 2026-03-29 and 2026-10-25)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from recoup.compliance.frequency import Call, Policy, frequency_reasons
from recoup.compliance.rules import local_date

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
REG_F = Policy(code="us-federal", name="US federal", label="Regulation F (12 CFR 1006.14(b)(2))")
UK = Policy(
    code="uk",
    name="UK",
    label="CONC 7.3 and 7.9 (fair, not excessive contact)",
    window_attempts_max=10,
    daily_attempts_max=3,
    conversation_quiet_days=1,
)


def ny(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def uk(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def reasons(at, calls, *, policy=REG_F, zone="America/New_York", drivers=()):
    return frequency_reasons(
        at=at, calls=calls, policy=policy, drivers=drivers, day_of=lambda moment: local_date(moment, zone)
    )


def one_call_a_day_at_ten(first_day, days, tz=NEW_YORK, **kind):
    return [
        Call(at=datetime(2026, first_day.month, first_day.day + n, 10, tzinfo=tz), **kind)
        for n in range(days)
    ]


def test_an_eighth_call_within_seven_days_is_refused_across_the_weekend_and_spring_forward():
    # Tuesday 3 March to Monday 9 March, one attempt a day; clocks go forward on Sunday 8 March.
    calls = one_call_a_day_at_ten(date(2026, 3, 3), 7)

    refused = reasons(ny(2026, 3, 9, 15), calls)

    assert refused == [
        "Regulation F (12 CFR 1006.14(b)(2)): 7 call attempts in the 7 days to 2026-03-09, the most allowed; "
        "no call before 2026-03-10"
    ]


def test_the_next_morning_is_allowed_though_fewer_than_168_hours_have_passed_since_the_first_attempt():
    calls = one_call_a_day_at_ten(date(2026, 3, 3), 7)
    at = ny(2026, 3, 10, 8)  # 12:00 UTC: 6 days 21 hours after 3 March 10:00 EST

    assert (at - calls[0].at).total_seconds() < 7 * 24 * 3600
    assert reasons(at, calls) == []


def test_six_attempts_in_seven_days_leave_room_for_a_seventh():
    calls = one_call_a_day_at_ten(date(2026, 3, 3), 6)

    assert reasons(ny(2026, 3, 9, 9), calls) == []


def test_a_conversation_s_day_counts_as_day_one_of_seven():
    # Monday 2 March at 20:30 EST is already 3 March in UTC: the customer's day is what counts.
    spoke = Call(at=ny(2026, 3, 2, 20, 30), conversation=True)

    same_evening = reasons(ny(2026, 3, 2, 20, 45), [spoke])
    day_seven = reasons(ny(2026, 3, 8, 20, 0), [spoke])
    day_eight = reasons(ny(2026, 3, 9, 8, 0), [spoke])

    expected = (
        "Regulation F (12 CFR 1006.14(b)(2)): a telephone conversation on 2026-03-02 (day 1 of 7); "
        "no call before 2026-03-09"
    )
    assert same_evening == [expected]
    assert day_seven == [expected]
    assert day_eight == []


def test_after_a_conversation_before_the_clocks_go_back_the_eighth_day_is_free_by_the_calendar():
    spoke = Call(at=ny(2026, 10, 26, 20, 45), conversation=True)  # 00:45 UTC on 27 October

    sunday_evening = reasons(ny(2026, 11, 1, 20, 0), [spoke])  # day 7, the day the clocks go back
    monday_morning = reasons(ny(2026, 11, 2, 8, 0), [spoke])  # before 168 hours, but day 8

    assert len(sunday_evening) == 1
    assert "no call before 2026-11-02" in sunday_evening[0]
    assert monday_morning == []


def test_calls_placed_at_the_customer_s_request_do_not_count():
    calls = [
        *one_call_a_day_at_ten(date(2026, 3, 3), 5),
        *one_call_a_day_at_ten(date(2026, 3, 8), 2, at_customer_request=True),
    ]

    assert reasons(ny(2026, 3, 9, 15), calls) == []


def test_a_conversation_on_a_call_the_customer_asked_for_does_not_start_the_seven_days():
    calls = [Call(at=ny(2026, 3, 4, 11), conversation=True, at_customer_request=True)]

    assert reasons(ny(2026, 3, 5, 11), calls) == []


def test_inbound_calls_are_never_attempts():
    calls = one_call_a_day_at_ten(date(2026, 3, 3), 7, direction="inbound")

    assert reasons(ny(2026, 3, 9, 15), calls) == []


def test_a_conversation_on_an_inbound_call_still_starts_the_seven_days():
    calls = [Call(at=ny(2026, 3, 4, 11), direction="inbound", conversation=True)]

    assert reasons(ny(2026, 3, 6, 11), calls) == [
        "Regulation F (12 CFR 1006.14(b)(2)): a telephone conversation on 2026-03-04 (day 1 of 7); "
        "no call before 2026-03-11"
    ]


def test_the_uk_pack_allows_three_attempts_a_day_on_the_day_british_summer_time_begins():
    calls = [Call(at=uk(2026, 3, 29, hour)) for hour in (9, 12, 15)]

    refused = reasons(uk(2026, 3, 29, 18), calls, policy=UK, zone="Europe/London")
    next_morning = reasons(uk(2026, 3, 30, 8), calls, policy=UK, zone="Europe/London")

    assert refused == [
        "CONC 7.3 and 7.9 (fair, not excessive contact): 3 call attempts on 2026-03-29, the most in a day; "
        "no call before 2026-03-30"
    ]
    assert next_morning == []


def test_the_uk_pack_rests_only_the_day_of_a_conversation_when_the_clocks_go_back():
    spoke = Call(at=uk(2026, 10, 25, 20, 30), conversation=True)

    assert reasons(uk(2026, 10, 25, 20, 50), [spoke], policy=UK, zone="Europe/London") == [
        "CONC 7.3 and 7.9 (fair, not excessive contact): a telephone conversation on 2026-10-25 "
        "(day 1 of 1); no call before 2026-10-26"
    ]
    assert reasons(uk(2026, 10, 26, 8), [spoke], policy=UK, zone="Europe/London") == []


def test_the_uk_pack_counts_ten_attempts_in_seven_days_across_a_weekend():
    calls = [Call(at=uk(2026, 10, day, hour)) for day in (22, 23, 24, 25, 26) for hour in (9, 14)]

    refused = reasons(uk(2026, 10, 27, 9), calls, policy=UK, zone="Europe/London")

    assert refused == [
        "CONC 7.3 and 7.9 (fair, not excessive contact): 10 call attempts in the 7 days to 2026-10-27, "
        "the most allowed; no call before 2026-10-29"
    ]


def test_a_customer_vulnerable_through_health_gets_three_calls_a_week_and_one_a_day():
    calls = [Call(at=ny(2026, 3, day, 10)) for day in (2, 4, 6)]

    week = reasons(ny(2026, 3, 7, 10), calls, drivers={"health"})
    same_day = reasons(ny(2026, 3, 6, 16), [calls[0], calls[2]], drivers={"life_events"})

    assert week == [
        "Vulnerability (health) treatment (FCA FG21/1): 3 call attempts in the 7 days to 2026-03-07, "
        "the most for this customer; no call before 2026-03-09"
    ]
    assert same_day == [
        "Vulnerability (life_events) treatment (FCA FG21/1): 1 call attempt on 2026-03-06, "
        "the most a day for this customer; no call before 2026-03-07"
    ]


def test_calls_after_the_moment_asked_about_are_not_counted():
    calls = one_call_a_day_at_ten(date(2026, 3, 3), 7)

    assert reasons(datetime(2026, 3, 3, 12, tzinfo=UTC), calls) == []
