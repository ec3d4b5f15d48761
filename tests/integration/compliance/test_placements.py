"""Placements with outside agencies: recorded and recalled by team leaders and above, audited, one
open of a kind per account; and while a third-party collector holds the account, the contact gate
applies the third-party rule pack and says with whom."""

import threading
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, connections, transaction

from recoup.access.models import AuditEvent
from recoup.compliance.errors import (
    InvalidPlacement,
    PlacementClash,
    PlacementNotAllowed,
    PlacementNotFound,
)
from recoup.compliance.models import Placement, PlacementKind
from recoup.compliance.operations import placement_recall, placement_record
from recoup.compliance.queries import account_placements, contact_permission
from recoup.compliance.rules import PLACEMENT_KINDS
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book, uk_pcp

pytestmark = pytest.mark.django_db

# Monday 16 March 2026, 15:00 UTC: 10:00 in Houston.
AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
US_THIRD_PARTY = (
    "Policy us-federal-third-party: US, placed with a third-party collector: FDCPA and Regulation F "
    "(12 CFR 1006)"
)
US_FIRST_PARTY = "Policy us-federal: US federal default: Regulation F call frequency, first and third party"


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """The races need row locks and connections of their own: PostgreSQL's."""
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("runs only on PostgreSQL")


@pytest.fixture
def leader():
    return user_make("team_leader")


@pytest.fixture
def account() -> Contract:
    """A Texas retail instalment contract whose customer lives in Houston."""
    return Contract.objects.get(pk=book().contract_id)


def place(contract: Contract, by, **changes):
    values = dict(
        account_number=contract.account_number,
        kind="collection_agency",
        agency="Lone Star Recoveries LLC",
        placed_date=date(2026, 3, 2),
        by=by,
        at=AT,
    )
    values.update(changes)
    return placement_record(**values)


def test_the_model_s_kinds_are_the_rules_kinds():
    assert dict(PlacementKind.choices) == PLACEMENT_KINDS


def test_a_placement_with_an_agency_makes_the_gate_apply_the_third_party_pack_and_say_with_whom(
    account, leader
):
    before = contact_permission(contract_id=account.pk, channel="letter", at=AT)

    recorded = place(account, leader)
    after = contact_permission(contract_id=account.pk, channel="letter", at=AT)
    day_before = contact_permission(
        contract_id=account.pk, channel="letter", at=datetime(2026, 3, 1, 15, tzinfo=UTC)
    )

    assert before.reasons[-1] == US_FIRST_PARTY
    assert after.reasons[-1] == (
        f"{US_THIRD_PARTY}; placed with a third party: Lone Star Recoveries LLC (debt collection agency) "
        "since 2026-03-02"
    )
    assert day_before.reasons[-1] == US_FIRST_PARTY
    assert (recorded.kind, recorded.state, recorded.collects) == ("collection_agency", "placed", True)
    assert recorded.placed_by.startswith("team_leader")


def test_a_solicitor_collecting_the_debt_is_a_third_party_collector_too(account, leader):
    place(account, leader, kind="solicitor", agency="Vinson Collections PLLC")

    permission = contact_permission(contract_id=account.pk, channel="letter", at=AT)

    assert permission.reasons[-1] == (
        f"{US_THIRD_PARTY}; placed with a third party: Vinson Collections PLLC (solicitor or collection "
        "attorney) since 2026-03-02"
    )


@pytest.mark.parametrize("kind", ["repossession_agent", "trace_specialist"])
def test_a_repossession_agent_or_trace_specialist_collects_nothing_and_the_lender_s_pack_applies(
    account, leader, kind
):
    place(account, leader, kind=kind, agency="Gulf Coast Field Services")

    permission = contact_permission(contract_id=account.pk, channel="letter", at=AT)
    view = account_placements(account_number=account.account_number, on_date=AT.date())

    assert permission.reasons[-1] == US_FIRST_PARTY
    assert not view.third_party
    assert [(p.kind, p.state, p.collects) for p in view.placements] == [(kind, "placed", False)]


def test_the_placement_starts_on_the_customer_s_day_not_the_utc_day(account, leader):
    place(account, leader, placed_date=date(2026, 3, 16))

    # 02:00 UTC on the 16th is 21:00 on the 15th in Houston.
    evening_before = contact_permission(
        contract_id=account.pk, channel="letter", at=datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
    )
    morning = contact_permission(contract_id=account.pk, channel="letter", at=AT)

    assert evening_before.reasons[-1] == US_FIRST_PARTY
    assert morning.reasons[-1].startswith(US_THIRD_PARTY)


def test_from_the_day_of_the_recall_the_account_is_the_lender_s_again_and_stays_on_record(account, leader):
    placed = place(account, leader)
    head = user_make("head_of_credit")

    recalled = placement_recall(
        account_number=account.account_number,
        kind="collection_agency",
        reason="Agency contract ended",
        recalled_date=date(2026, 3, 10),
        by=head,
        at=AT,
    )
    on_the_9th = contact_permission(
        contract_id=account.pk, channel="letter", at=datetime(2026, 3, 9, 15, tzinfo=UTC)
    )
    on_the_10th = contact_permission(
        contract_id=account.pk, channel="letter", at=datetime(2026, 3, 10, 15, tzinfo=UTC)
    )
    view = account_placements(account_number=account.account_number, on_date=AT.date())

    assert (recalled.id, recalled.state, recalled.recalled_date) == (placed.id, "recalled", date(2026, 3, 10))
    assert recalled.recalled_by.startswith("head_of_credit")
    assert on_the_9th.reasons[-1].startswith(US_THIRD_PARTY)
    assert on_the_10th.reasons[-1] == US_FIRST_PARTY
    assert [(p.id, p.state_label, p.recall_reason) for p in view.placements] == [
        (placed.id, "Recalled", "Agency contract ended")
    ]
    assert list(
        AuditEvent.objects.filter(object_type="placement", object_id=str(placed.id))
        .order_by("pk")
        .values_list("action", "actor_id")
    ) == [("compliance.placement_recorded", leader.pk), ("compliance.placement_recalled", head.pk)]


def test_a_uk_account_placed_with_an_agency_keeps_the_uk_pack_and_the_reason_says_so(leader):
    contract = Contract.objects.get(pk=book(uk_pcp()).contract_id)
    place(contract, leader, agency="Northern Debt Recovery Ltd")

    permission = contact_permission(contract_id=contract.pk, channel="letter", at=AT)

    assert permission.reasons[-1].startswith("Policy uk-conc: ")
    assert permission.reasons[-1].endswith(
        "; placed with a third party: Northern Debt Recovery Ltd (debt collection agency) since 2026-03-02"
    )


def test_one_open_placement_of_a_kind_at_a_time_but_other_kinds_alongside(account, leader):
    place(account, leader)
    place(account, leader, kind="trace_specialist", agency="Finders Inc")

    with pytest.raises(PlacementClash) as twice:
        place(account, leader, agency="Another Agency")

    assert twice.value.field == "kind"
    assert "already placed with Lone Star Recoveries LLC (debt collection agency) since 2026-03-02" in (
        twice.value.message
    )
    assert Placement.objects.filter(contract=account).count() == 2


def test_the_database_refuses_a_second_open_placement_of_a_kind_too(account, leader):
    place(account, leader)
    row = Placement.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            contract=account,
            kind=row.kind,
            agency="Behind the operation's back",
            placed_date=row.placed_date,
            placed_by=leader,
            placed_at=AT,
        )


def test_after_a_recall_the_account_may_be_placed_again_but_not_back_over_the_recalled_time(account, leader):
    place(account, leader, placed_date=date(2026, 2, 2))
    placement_recall(
        account_number=account.account_number,
        kind="collection_agency",
        reason="Poor results",
        recalled_date=date(2026, 3, 1),
        by=leader,
        at=AT,
    )

    with pytest.raises(InvalidPlacement) as overlapping:
        place(account, leader, placed_date=date(2026, 2, 28))
    again = place(account, leader, agency="Second Agency", placed_date=date(2026, 3, 1))

    assert overlapping.value.field == "placed_date"
    assert "before 2026-03-01, when the last placement with a debt collection agency was recalled" in (
        overlapping.value.message
    )
    assert again.agency == "Second Agency"
    assert (
        contact_permission(contract_id=account.pk, channel="letter", at=AT)
        .reasons[-1]
        .endswith("Second Agency (debt collection agency) since 2026-03-01")
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "bailiff"}, "kind", "'bailiff' is not one of collection_agency, solicitor"),
        ({"agency": "  "}, "agency", "agency: required"),
        ({"agency": "x" * 201}, "agency", "at most 200 characters"),
        ({"placed_date": date(2026, 3, 17)}, "placed_date", "2026-03-17 is after today (2026-03-16)"),
        ({"at": datetime(2026, 3, 16, 15, 0)}, "at", "needs a time zone"),
    ],
)
def test_a_bad_placement_is_refused_naming_its_field_and_nothing_is_written(
    account, leader, changes, field, words
):
    with pytest.raises(InvalidPlacement) as refused:
        place(account, leader, **changes)

    assert refused.value.field == field
    assert words in refused.value.message
    assert not Placement.objects.exists()
    assert not AuditEvent.objects.filter(object_type="placement").exists()


def test_the_placed_date_is_today_when_not_given(account, leader):
    recorded = place(account, leader, placed_date=None)

    assert recorded.placed_date == date(2026, 3, 16)


def test_a_placement_on_an_unknown_account_is_refused(leader):
    with pytest.raises(AccountNotFound) as refused:
        placement_record(account_number="NO-SUCH", kind="solicitor", agency="A", by=leader, at=AT)

    assert refused.value.field == "account_number"


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_only_team_leaders_and_above_place_or_recall(account, leader, role):
    placed = place(account, leader)

    with pytest.raises(PlacementNotAllowed) as placing:
        place(account, user_make(role), kind="solicitor")
    with pytest.raises(PlacementNotAllowed) as recalling:
        placement_recall(
            account_number=account.account_number,
            placement_id=placed.id,
            reason="No",
            by=user_make(role),
            at=AT,
        )

    assert (placing.value.field, recalling.value.field) == ("by", "by")
    assert Placement.objects.get().recalled_date is None


def test_a_recall_needs_a_reason_a_placement_of_the_account_and_a_sensible_day(account, leader):
    placed = place(account, leader)
    other = book(uk_pcp())
    recall = dict(account_number=account.account_number, by=leader, at=AT)

    refusals = {}
    for name, call in {
        "no_reason": lambda: placement_recall(placement_id=placed.id, reason=" ", **recall),
        "neither": lambda: placement_recall(reason="Why", **recall),
        "unknown_kind": lambda: placement_recall(kind="bailiff", reason="Why", **recall),
        "not_placed": lambda: placement_recall(kind="solicitor", reason="Why", **recall),
        "elsewhere": lambda: placement_recall(
            account_number=other.account_number, placement_id=placed.id, reason="Why", by=leader, at=AT
        ),
        "before": lambda: placement_recall(
            placement_id=placed.id, reason="Why", recalled_date=date(2026, 3, 1), **recall
        ),
        "future": lambda: placement_recall(
            placement_id=placed.id, reason="Why", recalled_date=date(2026, 3, 17), **recall
        ),
    }.items():
        with pytest.raises((InvalidPlacement, PlacementNotFound)) as refused:
            call()
        refusals[name] = (type(refused.value).__name__, refused.value.field)

    assert refusals == {
        "no_reason": ("InvalidPlacement", "reason"),
        "neither": ("InvalidPlacement", "kind"),
        "unknown_kind": ("InvalidPlacement", "kind"),
        "not_placed": ("PlacementNotFound", "kind"),
        "elsewhere": ("PlacementNotFound", "placement_id"),
        "before": ("InvalidPlacement", "recalled_date"),
        "future": ("InvalidPlacement", "recalled_date"),
    }
    assert Placement.objects.get().recalled_date is None


def test_a_recalled_placement_cannot_be_recalled_again(account, leader):
    placed = place(account, leader)
    recall = dict(account_number=account.account_number, placement_id=placed.id, by=leader, at=AT)
    placement_recall(reason="Ended", **recall)

    with pytest.raises(InvalidPlacement) as refused:
        placement_recall(reason="Again", **recall)

    assert refused.value.field == "placement_id"
    assert "already recalled on 2026-03-16" in refused.value.message
    assert AuditEvent.objects.filter(action="compliance.placement_recalled").count() == 1


def _race(act, users):
    """Run `act(user)` for each user at once, on connections of their own; the outcomes."""
    start = threading.Barrier(len(users))
    outcomes: list[str] = []

    def run(user):
        try:
            start.wait()
            act(user)
            outcomes.append("done")
        except (InvalidPlacement, PlacementClash, PlacementNotFound) as refused:
            outcomes.append(refused.field)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_recalling_the_same_placement_at_once_leave_one_recall_and_one_refusal(account):
    leader, head = user_make("team_leader"), user_make("head_of_credit")
    place(account, leader)

    outcomes = _race(
        lambda user: placement_recall(
            account_number=account.account_number,
            kind="collection_agency",
            reason=f"Recalled by {user.username}",
            by=user,
            at=AT,
        ),
        [leader, head],
    )

    assert outcomes == ["done", "kind"]
    assert AuditEvent.objects.filter(action="compliance.placement_recalled").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_placing_the_account_at_once_leave_one_placement_and_one_refusal(account):
    outcomes = _race(lambda user: place(account, user), [user_make("team_leader"), user_make("team_leader")])

    assert outcomes == ["done", "kind"]
    assert Placement.objects.filter(contract=account).count() == 1
