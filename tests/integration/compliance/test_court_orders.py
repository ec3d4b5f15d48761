"""Court orders recorded and revoked on an account, and weighed by repossession_permission."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection, connections

from recoup.access.models import AuditEvent
from recoup.compliance.errors import (
    CourtOrderClash,
    CourtOrderNotAllowed,
    CourtOrderNotFound,
    InvalidCourtOrder,
)
from recoup.compliance.models import CourtOrder
from recoup.compliance.operations import court_order_record, court_order_revoke
from recoup.compliance.queries import account_repossession, repossession_permission
from recoup.parties.operations import party_flag_set
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract
from tests.integration.collections.work_builders import user_make
from tests.integration.factories import book, uk_pcp, us_loan

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 16, 15, 0, tzinfo=UTC)
COURT = "U.S. District Court for the Southern District of Texas"
BANKRUPTCY_COURT = "U.S. Bankruptcy Court for the Southern District of Texas"


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """The races need row locks and connections of their own: PostgreSQL's."""
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("runs only on PostgreSQL")


@pytest.fixture
def leader():
    return user_make("team_leader")


@pytest.fixture
def servicemember() -> Contract:
    """A US loan with a deposit at signing (1 January 2024), its customer on active duty since
    1 June 2025: SCRA bars repossession without a court order."""
    contract = Contract.objects.select_related("customer").get(
        pk=book(us_loan(deposit=Decimal("1000"), amount_financed=Decimal("14000"))).contract_id
    )
    party_flag_set(
        party=contract.customer,
        kind="military",
        detail="active duty from 2025-06-01",
        set_date=date(2026, 1, 5),
        at=AT,
        set_by=None,
    )
    return contract


def record(contract: Contract, by, **changes):
    values = dict(
        account_number=contract.account_number,
        kind="scra_repossession",
        court=COURT,
        reference="4:26-cv-00123",
        granted_date=date(2026, 3, 2),
        by=by,
        at=AT,
    )
    values.update(changes)
    return court_order_record(**values).id


def test_an_scra_order_lets_the_vehicle_be_repossessed_from_its_grant(servicemember, leader):
    before = repossession_permission(contract_id=servicemember.pk, on_date=date(2026, 3, 16))

    record(servicemember, leader)
    day_before_grant = repossession_permission(contract_id=servicemember.pk, on_date=date(2026, 3, 1))
    after = repossession_permission(contract_id=servicemember.pk, on_date=date(2026, 3, 16))

    assert not before.allowed
    assert not day_before_grant.allowed
    assert after.allowed
    assert after.reasons == (
        f"Court order 4:26-cv-00123 of {COURT}, granted 2026-03-02: repossession permitted during military "
        "service (since 2025-06-01) under SCRA (50 U.S.C. § 3952)",
    )


def test_relief_from_the_stay_lifts_a_bankruptcy_but_not_until_recorded(leader):
    contract = Contract.objects.select_related("customer").get(pk=book().contract_id)
    party_flag_set(party=contract.customer, kind="bankruptcy", set_date=date(2026, 2, 1), at=AT, set_by=None)

    record(
        contract,
        leader,
        kind="stay_relief",
        court=BANKRUPTCY_COURT,
        reference="26-30001",
        granted_date=date(2026, 3, 10),
        expiry_date=date(2026, 6, 30),
        conditions="repossess and sell the vehicle only",
    )
    in_force = repossession_permission(contract_id=contract.pk, on_date=date(2026, 3, 16))
    expired = repossession_permission(contract_id=contract.pk, on_date=date(2026, 7, 1))

    assert in_force.allowed
    assert in_force.reasons == (
        f"Court order 26-30001 of {BANKRUPTCY_COURT}, granted 2026-03-10 (in force until 2026-06-30): "
        "relief from the automatic stay (11 U.S.C. § 362(d)) of the bankruptcy since 2026-02-01; "
        "conditions: repossess and sell the vehicle only",
    )
    assert not expired.allowed
    assert expired.reasons[0].startswith("Bankruptcy since 2026-02-01: the automatic stay")


def test_a_revoked_order_stays_on_record_lifts_nothing_and_is_audited(servicemember, leader):
    order_id = record(servicemember, leader)
    head = user_make("head_of_credit")

    court_order_revoke(
        account_number=servicemember.account_number,
        court_order_id=order_id,
        reason="Recorded on the wrong account",
        by=head,
        at=AT,
    )
    view = account_repossession(account_number=servicemember.account_number, on_date=date(2026, 3, 16))

    assert not view.permission.allowed
    assert view.permission.reasons[0].startswith("SCRA (50 U.S.C. § 3952)")
    assert [(o.id, o.state, o.revoked_reason) for o in view.orders] == [
        (order_id, "revoked", "Recorded on the wrong account")
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="court_order", object_id=str(order_id))
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("compliance.court_order_recorded", leader.pk),
        ("compliance.court_order_revoked", head.pk),
    ]


def test_a_revoked_order_cannot_be_revoked_again(servicemember, leader):
    order_id = record(servicemember, leader)
    revoke = dict(account_number=servicemember.account_number, court_order_id=order_id, by=leader, at=AT)
    court_order_revoke(reason="Wrong reference", **revoke)

    with pytest.raises(InvalidCourtOrder) as refused:
        court_order_revoke(reason="Again", **revoke)

    assert refused.value.field == "court_order_id"
    assert "already revoked on 2026-03-16" in refused.value.message
    assert AuditEvent.objects.filter(action="compliance.court_order_revoked").count() == 1


def test_once_revoked_the_corrected_order_may_be_recorded_again(servicemember, leader):
    order_id = record(servicemember, leader)
    with pytest.raises(CourtOrderClash) as twice:
        record(servicemember, leader)
    court_order_revoke(
        account_number=servicemember.account_number,
        court_order_id=order_id,
        reason="Granted date mistyped",
        by=leader,
        at=AT,
    )

    record(servicemember, leader, granted_date=date(2026, 3, 3))

    assert twice.value.field == "reference"
    assert CourtOrder.objects.filter(contract=servicemember).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "injunction"}, "kind", "'injunction' is not one of scra_repossession, stay_relief"),
        ({"court": "  "}, "court", "court: required"),
        ({"reference": ""}, "reference", "reference: required"),
        ({"granted_date": date(2026, 3, 17)}, "granted_date", "2026-03-17 is after today (2026-03-16)"),
        ({"expiry_date": date(2026, 3, 1)}, "expiry_date", "before the order was granted (2026-03-02)"),
        ({"conditions": "x" * 1001}, "conditions", "at most 1000 characters"),
        ({"at": datetime(2026, 3, 16, 15, 0)}, "at", "needs a time zone"),
    ],
)
def test_a_bad_order_is_refused_naming_its_field_and_nothing_is_written(
    servicemember, leader, changes, field, words
):
    with pytest.raises(InvalidCourtOrder) as refused:
        record(servicemember, leader, **changes)

    assert refused.value.field == field
    assert words in refused.value.message
    assert not CourtOrder.objects.exists()
    assert not AuditEvent.objects.filter(object_type="court_order").exists()


def test_an_order_on_an_unknown_account_is_refused(leader):
    with pytest.raises(AccountNotFound) as refused:
        court_order_record(
            account_number="NO-SUCH",
            kind="stay_relief",
            court=BANKRUPTCY_COURT,
            reference="26-30001",
            granted_date=date(2026, 3, 2),
            by=leader,
            at=AT,
        )

    assert refused.value.field == "account_number"


@pytest.mark.parametrize("kind", ["scra_repossession", "stay_relief"])
def test_us_orders_are_refused_on_a_uk_account(leader, kind):
    contract = Contract.objects.get(pk=book(uk_pcp()).contract_id)

    with pytest.raises(InvalidCourtOrder) as refused:
        record(contract, leader, kind=kind)

    assert refused.value.field == "kind"
    assert f"is US law; account {contract.account_number} is a GB account" in refused.value.message
    assert not CourtOrder.objects.exists()


@pytest.mark.parametrize("role", ["agent", "remarketing", "auditor"])
def test_only_team_leaders_and_above_record_or_revoke_orders(servicemember, leader, role):
    order_id = record(servicemember, leader)

    with pytest.raises(CourtOrderNotAllowed) as recording:
        record(servicemember, user_make(role), reference="other")
    with pytest.raises(CourtOrderNotAllowed) as revoking:
        court_order_revoke(
            account_number=servicemember.account_number,
            court_order_id=order_id,
            reason="No",
            by=user_make(role),
            at=AT,
        )

    assert (recording.value.field, revoking.value.field) == ("by", "by")
    assert CourtOrder.objects.get().revoked_at is None


def test_revoking_needs_a_reason_and_an_order_of_the_account(servicemember, leader):
    order_id = record(servicemember, leader)
    other = book(uk_pcp())

    with pytest.raises(InvalidCourtOrder) as no_reason:
        court_order_revoke(
            account_number=servicemember.account_number, court_order_id=order_id, reason=" ", by=leader, at=AT
        )
    with pytest.raises(CourtOrderNotFound) as elsewhere:
        court_order_revoke(
            account_number=other.account_number, court_order_id=order_id, reason="Wrong", by=leader, at=AT
        )

    with pytest.raises(AccountNotFound) as no_account:
        court_order_revoke(
            account_number="NO-SUCH", court_order_id=order_id, reason="Wrong", by=leader, at=AT
        )

    assert no_reason.value.field == "reason"
    assert elsewhere.value.field == "court_order_id"
    assert no_account.value.field == "account_number"
    assert CourtOrder.objects.get().revoked_at is None


def test_the_panel_read_gives_each_order_its_state_on_the_day(servicemember, leader):
    expired = record(
        servicemember, leader, reference="A-1", granted_date=date(2026, 1, 10), expiry_date=date(2026, 2, 28)
    )
    current = record(servicemember, leader, reference="A-2")

    on_grant_eve = account_repossession(account_number=servicemember.account_number, on_date=date(2026, 3, 1))
    today = account_repossession(account_number=servicemember.account_number, on_date=date(2026, 3, 16))

    assert [(o.id, o.state) for o in on_grant_eve.orders] == [(current, "not_yet"), (expired, "expired")]
    assert [(o.id, o.state_label) for o in today.orders] == [(current, "In force"), (expired, "Expired")]
    assert today.permission.allowed
    assert today.country == "US"


def _race(act, users):
    """Run `act(user)` for each user at once, on connections of their own; the outcomes."""
    start = threading.Barrier(len(users))
    outcomes: list[str] = []

    def run(user):
        try:
            start.wait()
            act(user)
            outcomes.append("done")
        except (InvalidCourtOrder, CourtOrderClash) as refused:
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
def test_two_people_revoking_the_same_order_at_once_leave_one_revocation_and_one_refusal(servicemember):
    leader, head = user_make("team_leader"), user_make("head_of_credit")
    order_id = record(servicemember, leader)

    outcomes = _race(
        lambda user: court_order_revoke(
            account_number=servicemember.account_number,
            court_order_id=order_id,
            reason=f"Mistaken, says {user.username}",
            by=user,
            at=AT,
        ),
        [leader, head],
    )

    assert outcomes == ["court_order_id", "done"]
    assert AuditEvent.objects.filter(action="compliance.court_order_revoked").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_order_at_once_leave_one_order_and_one_refusal(servicemember):
    outcomes = _race(
        lambda user: record(servicemember, user), [user_make("team_leader"), user_make("team_leader")]
    )

    assert outcomes == ["done", "reference"]
    assert CourtOrder.objects.filter(contract=servicemember).count() == 1
