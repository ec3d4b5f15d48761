"""US notices' clocks as an operations manual would state them."""

from datetime import date

import pytest

from recoup.comms.notices.errors import NoticeNotAllowed, UnknownNoticeKind
from recoup.comms.notices.us_rules import (
    deficiency_calculate,
    deficiency_explanation_timing,
    disposition_timing,
    intent_to_repossess_timing,
    right_to_cure_arises,
    right_to_cure_timing,
)


def test_kansas_installment_due_april_10_gives_a_notice_from_april_20_and_cure_until_may_10():
    # The Kansas Comment's own example (K.S.A. 16a-5-110 Comment 1), in 2024 when May 10 is a Friday.
    assert not right_to_cure_arises(
        jurisdiction="US-KS", default_date=date(2024, 4, 10), as_of=date(2024, 4, 19)
    )
    assert right_to_cure_arises(jurisdiction="US-KS", default_date=date(2024, 4, 10), as_of=date(2024, 4, 20))

    timing = right_to_cure_timing(
        jurisdiction="US-KS", default_date=date(2024, 4, 10), send_date=date(2024, 4, 20)
    )

    assert timing.earliest_send_date == date(2024, 4, 20)
    assert timing.remedy_by_date == date(2024, 5, 10)
    assert timing.earliest_action_date == date(2024, 5, 11)
    assert timing.latest_send_date is None


def test_kansas_cure_period_ending_on_a_sunday_runs_to_the_monday():
    timing = right_to_cure_timing(
        jurisdiction="US-KS", default_date=date(2026, 4, 10), send_date=date(2026, 4, 20)
    )

    assert timing.remedy_by_date == date(2026, 5, 11)  # May 10, 2026 is a Sunday


def test_kansas_cure_period_ending_on_thanksgiving_runs_to_the_friday():
    timing = right_to_cure_timing(
        jurisdiction="US-KS", default_date=date(2026, 10, 25), send_date=date(2026, 11, 6)
    )

    assert timing.remedy_by_date == date(2026, 11, 27)


def test_a_kansas_notice_nine_days_after_the_missed_payment_is_refused():
    with pytest.raises(NoticeNotAllowed, match="from 2026-04-20") as refused:
        right_to_cure_timing(
            jurisdiction="US-KS", default_date=date(2026, 4, 10), send_date=date(2026, 4, 19)
        )

    assert refused.value.field == "send_date"


def test_massachusetts_gives_21_days_and_patriots_day_adds_one():
    timing = right_to_cure_timing(
        jurisdiction="US-MA", default_date=date(2026, 3, 10), send_date=date(2026, 3, 30)
    )

    assert timing.earliest_send_date == date(2026, 3, 20)
    assert timing.remedy_by_date == date(2026, 4, 21)  # 21 days is April 20, Patriots' Day


def test_texas_gives_no_statutory_right_to_cure():
    assert not right_to_cure_arises(
        jurisdiction="US-TX", default_date=date(2026, 1, 1), as_of=date(2026, 3, 1)
    )
    with pytest.raises(UnknownNoticeKind):
        right_to_cure_timing(jurisdiction="US-TX", default_date=date(2026, 1, 1), send_date=date(2026, 3, 1))


def test_intent_to_repossess_in_kansas_waits_for_the_cure_period_to_run_out():
    with pytest.raises(NoticeNotAllowed, match="may cure until 2026-05-11"):
        intent_to_repossess_timing(
            jurisdiction="US-KS", as_of=date(2026, 5, 11), cure_by_date=date(2026, 5, 11)
        )
    with pytest.raises(NoticeNotAllowed, match="right to cure must be given first"):
        intent_to_repossess_timing(jurisdiction="US-KS", as_of=date(2026, 5, 12), cure_by_date=None)

    timing = intent_to_repossess_timing(
        jurisdiction="US-KS", as_of=date(2026, 5, 12), cure_by_date=date(2026, 5, 11)
    )

    assert timing.earliest_action_date == date(2026, 5, 12)


def test_intent_to_repossess_in_texas_may_go_at_any_time():
    timing = intent_to_repossess_timing(jurisdiction="US-TX", as_of=date(2026, 5, 12), cure_by_date=None)

    assert timing.earliest_send_date == date(2026, 5, 12)


def test_a_private_sale_in_texas_may_follow_the_notice_by_ten_days():
    timing = disposition_timing(
        jurisdiction="US-TX",
        repossessed_date=date(2026, 3, 2),
        send_date=date(2026, 3, 3),
        method="private",
        disposition_date=date(2026, 3, 13),
    )

    assert timing.latest_send_date == date(2026, 3, 3)
    assert timing.earliest_action_date == date(2026, 3, 13)
    with pytest.raises(NoticeNotAllowed, match="at least 10 days") as refused:
        disposition_timing(
            jurisdiction="US-TX",
            repossessed_date=date(2026, 3, 2),
            send_date=date(2026, 3, 4),
            method="private",
            disposition_date=date(2026, 3, 13),
        )
    assert refused.value.field == "earliest_private_sale_date"


def test_the_last_day_to_send_before_a_public_sale_moves_back_over_a_weekend():
    timing = disposition_timing(
        jurisdiction="US-TX",
        repossessed_date=date(2026, 3, 2),
        send_date=date(2026, 3, 2),
        method="public",
        disposition_date=date(2026, 3, 18),  # ten days before is Sunday March 8
    )

    assert timing.latest_send_date == date(2026, 3, 6)


def test_california_needs_15_days_and_gives_redemption_until_then():
    timing = disposition_timing(
        jurisdiction="US-CA",
        repossessed_date=date(2026, 3, 2),
        send_date=date(2026, 3, 2),
        method="private",
        disposition_date=date(2026, 3, 17),
    )

    assert timing.remedy_by_date == date(2026, 3, 17)
    with pytest.raises(NoticeNotAllowed, match="at least 15 days"):
        disposition_timing(
            jurisdiction="US-CA",
            repossessed_date=date(2026, 3, 2),
            send_date=date(2026, 3, 3),
            method="private",
            disposition_date=date(2026, 3, 17),
        )


def test_california_mailed_out_of_state_needs_20_days():
    with pytest.raises(NoticeNotAllowed, match="at least 20 days"):
        disposition_timing(
            jurisdiction="US-CA",
            repossessed_date=date(2026, 3, 2),
            send_date=date(2026, 3, 2),
            method="private",
            disposition_date=date(2026, 3, 17),
            mailed_out_of_state=True,
        )


def test_california_notice_more_than_60_days_after_repossession_is_refused():
    with pytest.raises(NoticeNotAllowed, match="within 60 days") as refused:
        disposition_timing(
            jurisdiction="US-CA",
            repossessed_date=date(2026, 1, 2),
            send_date=date(2026, 3, 4),
            method="private",
            disposition_date=date(2026, 4, 1),
        )

    assert refused.value.field == "send_date"


def test_an_unknown_disposition_method_is_refused_naming_method():
    with pytest.raises(UnknownNoticeKind) as refused:
        disposition_timing(
            jurisdiction="US-TX",
            repossessed_date=date(2026, 3, 2),
            send_date=date(2026, 3, 2),
            method="auction",
            disposition_date=date(2026, 3, 30),
        )

    assert refused.value.field == "method"


def test_the_deficiency_explanation_goes_within_14_days_of_a_request_or_with_the_first_demand():
    on_request = deficiency_explanation_timing(
        disposed_date=date(2026, 5, 20), request_received_date=date(2026, 6, 1)
    )
    with_demand = deficiency_explanation_timing(
        disposed_date=date(2026, 5, 20),
        request_received_date=date(2026, 6, 1),
        first_demand_date=date(2026, 6, 10),
    )

    assert on_request.latest_send_date == date(2026, 6, 15)
    assert with_demand.latest_send_date == date(2026, 6, 10)


def test_a_deficiency_is_the_obligation_less_proceeds_plus_expenses_less_credits():
    # Owed $15,000.00; the car sold for $9,000.00; $750.00 to repossess and sell; $250.00 of unearned
    # interest rebated: the customer owes $6,500.00.
    calculation = deficiency_calculate(
        aggregate_obligation_minor=1_500_000,
        proceeds_minor=900_000,
        expenses_minor=75_000,
        credits_minor=25_000,
    )

    assert calculation.after_proceeds_minor == 600_000
    assert calculation.deficiency_minor == 650_000
    assert calculation.surplus_minor == 0


def test_a_sale_for_more_than_is_owed_leaves_a_surplus():
    calculation = deficiency_calculate(
        aggregate_obligation_minor=500_000, proceeds_minor=700_000, expenses_minor=50_000, credits_minor=0
    )

    assert calculation.deficiency_minor == -150_000
    assert calculation.surplus_minor == 150_000
