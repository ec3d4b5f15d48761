"""Reduced-payment plans: the customer pays less than the scheduled payment for a few months while
the schedule stays as it is; within authority at once, beyond it on someone else's approval; kept
or broken month by month after the close of business."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.collections.approvals import approval_decide, approvals_pending
from recoup.collections.arrangements import (
    ArrangementTerms,
    arrangement_quote,
    arrangement_request,
    arrangement_view,
    arrangements_evaluate,
)
from recoup.collections.errors import ArrangementNotAllowed
from recoup.collections.models import Arrangement, ArrangementPayment
from recoup.portfolio.models import ScheduleVersion
from recoup.portfolio.operations import payment_apply
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 1, 15)  # the loan's first $300.00 installment falls due on 1 February 2024
AT = datetime(2024, 1, 15, 15, tzinfo=UTC)
FEB, MAR, APR = date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)


def night(as_of: date) -> datetime:
    return datetime(as_of.year, as_of.month, as_of.day, 23, 0, tzinfo=UTC) + timedelta(hours=1)


@pytest.fixture
def staff() -> dict[str, object]:
    return {
        role: user_create(username=role, password="not-used-here-1", role=role)
        for role in (Role.AGENT, Role.TEAM_LEADER, Role.HEAD_OF_CREDIT)
    }


@pytest.fixture
def account() -> str:
    """$18,000 over 60 months at no interest: $300.00 a month from 1 February 2024."""
    return book(
        apr=Decimal("0"), amount_financed=Decimal("18000"), cash_price=Decimal("18000")
    ).account_number


def plan(amount: str, periods: int = 3, first_date: date = FEB) -> ArrangementTerms:
    return ArrangementTerms(kind="reduced_payment", amount=amount, periods=periods, first_date=first_date)


def pay(account_number: str, amount: str, received_date: date) -> None:
    payment_apply(
        account_number=account_number,
        amount=amount,
        received_date=received_date,
        reference="card",
        idempotency_key=f"test:{account_number}:{received_date}:{amount}",
        at=night(received_date),
    )


def test_a_300_payment_reduced_to_150_for_3_months_is_a_50_percent_reduction_and_goes_to_a_team_leader(
    staff, account
) -> None:
    asked = arrangement_request(
        account_number=account, terms=plan("150.00"), requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
    )
    assert (asked.status, asked.months, asked.reduction_percent) == ("pending_approval", 3, Decimal("50.00"))
    assert asked.exceeded == ("payment_reduction_percent",)
    pending = approvals_pending(reader=staff[Role.TEAM_LEADER])
    assert pending[0].may_decide
    assert pending[0].summary == "reduced payment, 3 months of 150.00 USD"

    decided = approval_decide(
        approval_id=pending[0].id,
        decided_by=staff[Role.TEAM_LEADER],
        approve=True,
        note="",
        as_of=AS_OF,
        at=AT,
    )

    assert decided.arrangement is not None
    assert decided.arrangement.status == "active"
    assert [(p.due_date, str(p.amount), p.status) for p in decided.arrangement.payments] == [
        (FEB, "150.00", "open"),
        (MAR, "150.00", "open"),
        (APR, "150.00", "open"),
    ]
    assert decided.arrangement.schedule_version is None
    assert ScheduleVersion.objects.count() == 1  # the schedule is not changed: arrears keep counting


def test_a_20_percent_reduction_within_the_agents_authority_is_active_at_once(staff, account) -> None:
    made = arrangement_request(
        account_number=account, terms=plan("240.00"), requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
    )

    assert made.status == "active"
    assert made.approval_id is None
    assert str(made.agreed) == "720.00"
    assert ArrangementPayment.objects.filter(arrangement_id=made.id).count() == 3


def test_the_calculator_sets_the_plans_dated_amounts_beside_the_scheduled_payments_and_writes_nothing(
    staff, account
) -> None:
    quote = arrangement_quote(
        account_number=account, terms=plan("150.00"), asked_by=staff[Role.AGENT], as_of=AS_OF
    )

    assert [(p.number, p.due_date, str(p.amount), str(p.scheduled)) for p in quote.payments] == [
        (1, FEB, "150.00", "300.00"),
        (2, MAR, "150.00", "300.00"),
        (3, APR, "150.00", "300.00"),
    ]
    assert quote.end_date == APR
    assert quote.asks == {"arrangement_months": "3", "payment_reduction_percent": "50.00"}
    assert not quote.within_authority
    assert not Arrangement.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (plan("300.00"), "amount"),
        (plan("0"), "amount"),
        (plan("1.234"), "amount"),
        (plan("150.00", first_date=date(2024, 1, 14)), "first_date"),
        (ArrangementTerms(kind="reduced_payment", amount="150.00", first_date=FEB), "periods"),
        (ArrangementTerms(kind="reduced_payment", amount="150.00", periods=3), "first_date"),
    ],
)
def test_a_plan_that_is_not_a_reduction_or_has_a_bad_date_is_refused_naming_the_term(
    staff, account, terms, field
) -> None:
    with pytest.raises(ArrangementNotAllowed) as refused:
        arrangement_request(
            account_number=account, terms=terms, requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
        )

    assert refused.value.field == field
    assert not Arrangement.objects.exists()


def test_a_second_plan_while_one_is_active_is_refused(staff, account) -> None:
    arrangement_request(
        account_number=account, terms=plan("240.00"), requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
    )

    with pytest.raises(ArrangementNotAllowed) as refused:
        arrangement_request(
            account_number=account, terms=plan("250.00"), requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
        )

    assert refused.value.field == "kind"


def test_a_plan_paid_every_month_is_completed_with_its_last_payment(staff, account) -> None:
    made = arrangement_request(
        account_number=account, terms=plan("240.00"), requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
    )
    for day in (FEB, MAR, date(2024, 3, 30)):
        pay(account, "240.00", day)

    first = arrangements_evaluate(as_of=FEB, at=night(FEB))
    arrangements_evaluate(as_of=MAR, at=night(MAR))
    last = arrangements_evaluate(as_of=APR, at=night(APR))

    view = arrangement_view(made.id)
    assert (view.status, view.decided_date) == ("completed", APR)
    assert [p.status for p in view.payments] == ["kept", "kept", "kept"]
    assert (first["payments_kept"], first["arrangements_completed"]) == (1, 0)
    assert (last["payments_kept"], last["arrangements_completed"], last["settlements_credited"]) == (1, 1, 0)


def test_a_missed_month_breaks_the_plan_and_the_evaluation_does_not_decide_it_twice(staff, account) -> None:
    made = arrangement_request(
        account_number=account, terms=plan("240.00"), requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
    )
    pay(account, "240.00", FEB)
    pay(account, "100.00", date(2024, 2, 20))

    arrangements_evaluate(as_of=FEB, at=night(FEB))
    broke = arrangements_evaluate(as_of=MAR, at=night(MAR))
    again = arrangements_evaluate(as_of=MAR, at=night(MAR))

    view = arrangement_view(made.id)
    assert (view.status, view.decided_date) == ("broken", MAR)
    assert [(str(p.paid), p.status) for p in view.payments] == [
        ("240.00", "kept"),
        ("100.00", "partly_kept"),
        ("0.00", "open"),
    ]
    assert (broke["payments_partly_kept"], broke["arrangements_broken"]) == (1, 1)
    assert not any(again.values())
