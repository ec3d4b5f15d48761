"""Placements weighed by the contact gate: only a debt collection agency or a solicitor collects the
debt, from the day placed up to the day recalled; the policy's reason then says with whom."""

from datetime import UTC, date, datetime

from recoup.compliance.frequency import Policy
from recoup.compliance.rules import Customer, Placement, collecting_placements, contact_decide

AGENCY = Placement(kind="collection_agency", agency="Lone Star Recoveries LLC", placed_date=date(2026, 3, 2))
SOLICITOR = Placement(kind="solicitor", agency="Vinson Collections PLLC", placed_date=date(2026, 3, 9))
REPOSSESSION = Placement(
    kind="repossession_agent", agency="Gulf Coast Recovery", placed_date=date(2026, 3, 2)
)
TRACE = Placement(kind="trace_specialist", agency="Finders Inc", placed_date=date(2026, 3, 2))
THIRD_PARTY = Policy(code="us-federal-third-party", name="US, placed with a third-party collector", label="R")


def test_a_placement_is_in_force_from_the_day_placed_up_to_but_not_on_the_day_recalled():
    recalled = Placement(
        kind="collection_agency", agency="A", placed_date=date(2026, 3, 2), recalled_date=date(2026, 3, 10)
    )

    assert [recalled.in_force_on(date(2026, 3, day)) for day in (1, 2, 9, 10, 11)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert AGENCY.in_force_on(date(2030, 12, 31))


def test_placed_and_recalled_the_same_day_is_never_in_force():
    same_day = Placement(
        kind="solicitor", agency="A", placed_date=date(2026, 3, 2), recalled_date=date(2026, 3, 2)
    )

    assert not same_day.in_force_on(date(2026, 3, 2))


def test_only_a_debt_collection_agency_or_a_solicitor_collects():
    placements = [REPOSSESSION, TRACE, SOLICITOR, AGENCY]

    assert collecting_placements(placements, date(2026, 3, 16)) == (AGENCY, SOLICITOR)
    assert collecting_placements(placements, date(2026, 3, 5)) == (AGENCY,)
    assert collecting_placements([REPOSSESSION, TRACE], date(2026, 3, 16)) == ()


def test_the_policy_s_reason_names_every_third_party_collector_holding_the_account():
    permission = contact_decide(
        channel="letter",
        at=datetime(2026, 3, 16, 15, tzinfo=UTC),
        purpose="collection",
        customer=Customer(country="US", time_zones=("America/Chicago",)),
        calls=(),
        policy=THIRD_PARTY,
        placed=(AGENCY, SOLICITOR),
    )

    assert permission.allowed
    assert permission.reasons == (
        "Policy us-federal-third-party: US, placed with a third-party collector; placed with a third "
        "party: Lone Star Recoveries LLC (debt collection agency) since 2026-03-02 and Vinson Collections "
        "PLLC (solicitor or collection attorney) since 2026-03-09",
    )


def test_a_refusal_keeps_the_placement_in_the_last_reason_so_that_the_refusals_come_first():
    permission = contact_decide(
        channel="letter",
        at=datetime(2026, 3, 16, 15, tzinfo=UTC),
        purpose="collection",
        customer=Customer(country="US", time_zones=("America/Chicago",), has_address=False),
        calls=(),
        policy=THIRD_PARTY,
        placed=(AGENCY,),
    )

    assert not permission.allowed
    assert permission.reasons[0] == "No current address to write to"
    assert permission.reasons[1].startswith("Policy us-federal-third-party: ")
    assert permission.reasons[1].endswith(
        "Lone Star Recoveries LLC (debt collection agency) since 2026-03-02"
    )
