"""Arrangements within authority take effect at once; beyond it they wait for someone else's approval."""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, transaction

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.collections.approvals import approval_decide
from recoup.collections.arrangements import (
    ArrangementTerms,
    ArrangementView,
    arrangement_quote,
    arrangement_request,
    arrangements_of,
)
from recoup.collections.errors import ApprovalNotAllowed, ArrangementNotAllowed
from recoup.collections.models import ApprovalRequest, ApprovalStatus, Arrangement
from recoup.portfolio import queries
from tests.integration.factories import book

AS_OF = date(2024, 1, 15)  # the loan's first installment falls due on 1 February 2024
AT = datetime(2024, 1, 15, 15, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> dict[str, object]:
    return {
        role: user_create(username=role, password="not-used-here-1", role=role)
        for role in (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT, Role.AUDITOR)
    }


@pytest.fixture
def account() -> str:
    return book().account_number


def _approval_of(arranged: ArrangementView) -> int:
    assert arranged.approval_id is not None
    return arranged.approval_id


def _first_due(account: str) -> date:
    current = max(v.version for v in queries.schedule_version_view(account, 1).versions)
    return queries.schedule_version_view(account, current).installments[0].due_date


def test_a_one_month_deferral_within_the_agents_authority_moves_the_schedule_at_once(staff, account) -> None:
    arranged = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=1),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )

    assert arranged.status == "active"
    assert arranged.schedule_version == 2
    assert arranged.months == 1
    assert _first_due(account) == date(2024, 3, 1)
    assert not ApprovalRequest.objects.exists()


def test_the_calculator_shows_the_moved_installments_and_writes_nothing(staff, account) -> None:
    quote = arrangement_quote(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=2),
        asked_by=staff[Role.AGENT],
        as_of=AS_OF,
    )

    first = quote.changes[0]
    assert (first.number, first.due_date_before, first.due_date_after) == (
        1,
        date(2024, 2, 1),
        date(2024, 4, 1),
    )
    assert quote.months == 2
    assert quote.within_authority
    assert not Arrangement.objects.exists()
    assert _first_due(account) == date(2024, 2, 1)


def test_a_nine_month_deferral_goes_to_a_team_leader_who_approves_it_and_the_schedule_changes(
    staff, account
) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=9),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    assert asked.status == "pending_approval"
    assert asked.exceeded == ("arrangement_months",)
    assert _first_due(account) == date(2024, 2, 1)

    decided = approval_decide(
        approval_id=_approval_of(asked),
        decided_by=staff[Role.TEAM_LEADER],
        approve=True,
        note="ok",
        as_of=AS_OF,
        at=AT,
    )

    assert decided.arrangement is not None
    assert decided.arrangement.status == "active"
    assert _first_due(account) == date(2024, 11, 1)
    actions = list(
        AuditEvent.objects.filter(object_type__in=("arrangement", "approval_request"))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["arrangement.request", "approval.request", "approval.approve", "arrangement.apply"]


def test_nobody_approves_their_own_request(staff, account) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=18),
        requested_by=staff[Role.TEAM_LEADER],
        as_of=AS_OF,
        at=AT,
    )

    with pytest.raises(ApprovalNotAllowed) as refused:
        approval_decide(
            approval_id=_approval_of(asked),
            decided_by=staff[Role.TEAM_LEADER],
            approve=True,
            note="",
            as_of=AS_OF,
            at=AT,
        )

    assert refused.value.field == "decided_by"
    assert ApprovalRequest.objects.get().status == ApprovalStatus.PENDING


def test_an_approver_without_enough_authority_is_refused_and_the_head_of_credit_approves(
    staff, account
) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=15),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    with pytest.raises(ApprovalNotAllowed, match="beyond your authority"):
        approval_decide(
            approval_id=_approval_of(asked),
            decided_by=staff[Role.TEAM_LEADER],
            approve=True,
            note="",
            as_of=AS_OF,
            at=AT,
        )

    decided = approval_decide(
        approval_id=_approval_of(asked),
        decided_by=staff[Role.HEAD_OF_CREDIT],
        approve=True,
        note="",
        as_of=AS_OF,
        at=AT,
    )

    assert decided.arrangement is not None
    assert decided.arrangement.status == "active"


def test_a_rejected_request_leaves_the_schedule_as_it_was(staff, account) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=9),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )

    decided = approval_decide(
        approval_id=_approval_of(asked),
        decided_by=staff[Role.TEAM_LEADER],
        approve=False,
        note="ask for proof of income",
        as_of=AS_OF,
        at=AT,
    )

    assert decided.status == "rejected"
    assert _first_due(account) == date(2024, 2, 1)
    with pytest.raises(ApprovalNotAllowed) as again:
        approval_decide(
            approval_id=_approval_of(asked),
            decided_by=staff[Role.HEAD_OF_CREDIT],
            approve=True,
            note="",
            as_of=AS_OF,
            at=AT,
        )
    assert again.value.field == "approval_id"


def test_one_request_at_a_time_waits_on_an_account(staff, account) -> None:
    terms = ArrangementTerms(kind="deferral", periods=9)
    arrangement_request(
        account_number=account, terms=terms, requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
    )

    with pytest.raises(ArrangementNotAllowed, match="already awaiting approval"):
        arrangement_request(
            account_number=account, terms=terms, requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
        )


def test_an_extension_is_measured_by_how_far_the_last_payment_moves(staff, account) -> None:
    quote = arrangement_quote(
        account_number=account,
        terms=ArrangementTerms(kind="extension", periods=12),
        asked_by=staff[Role.AGENT],
        as_of=AS_OF,
    )

    assert quote.months == 12
    assert quote.exceeded == ("arrangement_months",)
    assert quote.changes[-1].due_date_before is None
    assert quote.reduction_percent > 0  # twelve more payments: each one smaller


def test_a_due_date_change_moves_the_next_installment(staff, account) -> None:
    arranged = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="due_date_change", new_due_date=date(2024, 2, 15)),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )

    assert arranged.status == "active"
    assert _first_due(account) == date(2024, 2, 15)
    assert [a.id for a in arrangements_of(account)] == [arranged.id]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (ArrangementTerms(kind="holiday", periods=1), "kind"),
        (ArrangementTerms(kind="deferral", periods=0), "periods"),
        (ArrangementTerms(kind="due_date_change"), "new_first_due_date"),
        (ArrangementTerms(kind="deferral", periods=1, from_installment=999), "from_installment"),
    ],
)
def test_bad_terms_are_refused_by_name_and_nothing_is_written(staff, account, terms, field) -> None:
    audited = AuditEvent.objects.count()

    with pytest.raises(Exception) as refused:
        arrangement_request(
            account_number=account, terms=terms, requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
        )

    assert getattr(refused.value, "field", None) == field
    assert not Arrangement.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_an_auditor_makes_no_arrangements(staff, account) -> None:
    with pytest.raises(ArrangementNotAllowed) as refused:
        arrangement_request(
            account_number=account,
            terms=ArrangementTerms(kind="deferral", periods=1),
            requested_by=staff[Role.AUDITOR],
            as_of=AS_OF,
            at=AT,
        )

    assert refused.value.field == "role"


def test_the_database_refuses_a_request_decided_by_its_maker(staff, account) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=ArrangementTerms(kind="deferral", periods=9),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.filter(pk=_approval_of(asked)).update(
            status=ApprovalStatus.APPROVED, decided_by=staff[Role.AGENT], decided_at=AT
        )
