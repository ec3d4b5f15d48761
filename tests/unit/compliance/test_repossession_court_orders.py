"""Court orders weighed by the repossession rule: an SCRA order lifts the SCRA bar, relief from the
stay lifts a bankruptcy's stay, each only while in force; nothing lifts Breathing Space."""

from dataclasses import replace
from datetime import date

import pytest

from recoup.compliance.rules import CourtOrder, Flag, repossession_decide

# The customer signed on 1 January 2024, paid on 1 February 2024, went on active duty on
# 1 June 2025 and filed for bankruptcy on 1 February 2026.
MILITARY = Flag(kind="military", detail="active duty from 2025-06-01", set_date=date(2026, 1, 5))
BANKRUPTCY = Flag(kind="bankruptcy", detail="chapter 7", set_date=date(2026, 2, 1))
BREATHING_SPACE = Flag(
    kind="breathing_space", detail="standard", set_date=date(2026, 2, 1), until_date=date(2026, 4, 1)
)
SCRA_BAR = (
    "SCRA (50 U.S.C. § 3952): the contract (2024-01-01) and a payment (2024-02-01) came before military "
    "service began (2025-06-01): no repossession without a court order"
)
STAY_BAR = (
    "Bankruptcy since 2026-02-01: the automatic stay (11 U.S.C. § 362(a)(3)) stops repossession until "
    "the court lifts it"
)
BREATHING_SPACE_BAR = (
    "Breathing Space from 2026-02-01 until 2026-04-01: no enforcement action (Debt Respite Scheme "
    "Regulations 2020, reg. 7)"
)
SCRA_ORDER = CourtOrder(
    kind="scra_repossession",
    court="U.S. District Court for the Southern District of Texas",
    reference="4:26-cv-00123",
    granted_date=date(2026, 3, 2),
)
SCRA_LIFTED = (
    "Court order 4:26-cv-00123 of U.S. District Court for the Southern District of Texas, granted "
    "2026-03-02: repossession permitted during military service (since 2025-06-01) under SCRA "
    "(50 U.S.C. § 3952)"
)
STAY_RELIEF = CourtOrder(
    kind="stay_relief",
    court="U.S. Bankruptcy Court for the Southern District of Texas",
    reference="26-30001",
    granted_date=date(2026, 3, 10),
)
STAY_LIFTED = (
    "Court order 26-30001 of U.S. Bankruptcy Court for the Southern District of Texas, granted "
    "2026-03-10: relief from the automatic stay (11 U.S.C. § 362(d)) of the bankruptcy since 2026-02-01"
)


def decide(*flags: Flag, on: date, orders=(), us: bool = True):
    return repossession_decide(
        flags=flags,
        origination_date=date(2024, 1, 1),
        first_payment_date=date(2024, 2, 1),
        us=us,
        on_date=on,
        orders=orders,
    )


def test_an_scra_order_lifts_the_scra_bar_from_the_day_it_was_granted():
    on_the_day = decide(MILITARY, on=date(2026, 3, 2), orders=[SCRA_ORDER])

    assert on_the_day.allowed
    assert on_the_day.reasons == (SCRA_LIFTED,)


def test_an_order_granted_the_day_after_does_not_lift_the_bar_the_day_before():
    day_before = decide(MILITARY, on=date(2026, 3, 1), orders=[SCRA_ORDER])

    assert not day_before.allowed
    assert day_before.reasons == (SCRA_BAR,)


def test_a_revoked_order_lifts_nothing_on_any_day():
    revoked = replace(SCRA_ORDER, revoked=True)

    decision = decide(MILITARY, on=date(2026, 6, 1), orders=[revoked])

    assert decision.reasons == (SCRA_BAR,)


def test_an_expired_order_lifts_the_bar_through_its_expiry_date_and_not_after():
    until_april = replace(SCRA_ORDER, expiry_date=date(2026, 4, 30))

    last_day = decide(MILITARY, on=date(2026, 4, 30), orders=[until_april])
    day_after = decide(MILITARY, on=date(2026, 5, 1), orders=[until_april])

    assert last_day.allowed
    assert last_day.reasons == (
        SCRA_LIFTED.replace("granted 2026-03-02:", "granted 2026-03-02 (in force until 2026-04-30):"),
    )
    assert not day_after.allowed
    assert day_after.reasons == (SCRA_BAR,)


def test_relief_from_the_stay_lifts_the_bankruptcy_bar_and_says_its_conditions():
    with_conditions = replace(STAY_RELIEF, conditions="vehicle only, not the estate")

    decision = decide(BANKRUPTCY, on=date(2026, 3, 16), orders=[with_conditions])

    assert decision.allowed
    assert decision.reasons == (f"{STAY_LIFTED}; conditions: vehicle only, not the estate",)


def test_each_order_lifts_only_its_own_bar():
    scra_only = decide(MILITARY, BANKRUPTCY, on=date(2026, 3, 16), orders=[SCRA_ORDER])
    both = decide(MILITARY, BANKRUPTCY, on=date(2026, 3, 16), orders=[SCRA_ORDER, STAY_RELIEF])

    assert not scra_only.allowed
    assert scra_only.reasons == (SCRA_LIFTED, STAY_BAR)
    assert both.allowed
    assert both.reasons == (SCRA_LIFTED, STAY_LIFTED)


def test_no_order_lifts_breathing_space():
    decision = decide(BANKRUPTCY, BREATHING_SPACE, on=date(2026, 3, 16), orders=[STAY_RELIEF, SCRA_ORDER])

    assert not decision.allowed
    assert decision.reasons == (STAY_LIFTED, BREATHING_SPACE_BAR)


def test_relief_granted_in_an_earlier_bankruptcy_does_not_reach_a_later_one():
    earlier = replace(STAY_RELIEF, granted_date=date(2025, 11, 3))

    decision = decide(BANKRUPTCY, on=date(2026, 3, 16), orders=[earlier])

    assert decision.reasons == (STAY_BAR,)


def test_a_uk_bankruptcy_is_not_lifted_by_relief_from_a_us_stay():
    decision = decide(BANKRUPTCY, on=date(2026, 3, 16), orders=[STAY_RELIEF], us=False)

    assert not decision.allowed
    assert decision.reasons == (
        "Bankruptcy since 2026-02-01: the bankruptcy (Insolvency Act 1986 s.285) stops repossession until "
        "the court lifts it",
    )


def test_of_two_orders_in_force_the_latest_granted_is_cited():
    renewed = replace(SCRA_ORDER, reference="4:26-cv-00456", granted_date=date(2026, 3, 9))

    decision = decide(MILITARY, on=date(2026, 3, 16), orders=[SCRA_ORDER, renewed])

    assert decision.reasons == (
        SCRA_LIFTED.replace("4:26-cv-00123", "4:26-cv-00456").replace("2026-03-02", "2026-03-09"),
    )


def test_an_order_where_nothing_bars_repossession_changes_nothing():
    decision = decide(on=date(2026, 3, 16), orders=[SCRA_ORDER])

    assert decision.allowed
    assert decision.reasons == ("No flag stops repossession",)


def test_orders_without_a_day_to_weigh_them_on_are_a_programming_error():
    with pytest.raises(ValueError, match="on_date"):
        repossession_decide(
            flags=(),
            origination_date=date(2024, 1, 1),
            first_payment_date=None,
            us=True,
            orders=[SCRA_ORDER],
        )
