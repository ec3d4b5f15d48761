"""Settlements for less than the balance: the discount measured against the approval matrix; paid on
time, the rest of the balance is credited through the ledger; a missed payment credits nothing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.collections.approvals import approval_decide
from recoup.collections.arrangements import (
    ArrangementTerms,
    ArrangementView,
    arrangement_quote,
    arrangement_request,
    arrangement_view,
    arrangements_evaluate,
)
from recoup.collections.errors import ApprovalNotAllowed, ArrangementNotAllowed
from recoup.collections.models import Arrangement
from recoup.ledger.models import JournalEntry
from recoup.ledger.queries import receivable_total
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import payment_apply
from tests.integration.factories import book

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 1, 15)  # before the loan's first installment: the balance is the $18,000 lent
AT = datetime(2024, 1, 15, 15, tzinfo=UTC)
BY, THEN = date(2024, 1, 31), date(2024, 2, 29)


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
    return book(
        apr=Decimal("0"), amount_financed=Decimal("18000"), cash_price=Decimal("18000")
    ).account_number


def settle(*payments: tuple[date, str]) -> ArrangementTerms:
    return ArrangementTerms(kind="settlement", payments=tuple(payments))


def pay(account_number: str, amount: str, received_date: date) -> None:
    payment_apply(
        account_number=account_number,
        amount=amount,
        received_date=received_date,
        reference="card",
        idempotency_key=f"test:{account_number}:{received_date}:{amount}",
        at=night(received_date),
    )


def balance(account_number: str) -> str:
    return str(receivable_total(Contract.objects.get(account_number=account_number).pk))


def approved_by_the_head_of_credit(staff, asked: ArrangementView) -> ArrangementView:
    assert asked.approval_id is not None
    decided = approval_decide(
        approval_id=asked.approval_id,
        decided_by=staff[Role.HEAD_OF_CREDIT],
        approve=True,
        note="",
        as_of=AS_OF,
        at=AT,
    )
    assert decided.arrangement is not None
    return decided.arrangement


def test_a_settlement_at_70_percent_is_a_30_percent_discount_beyond_a_team_leader_for_the_head_of_credit(
    staff, account
) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=settle((BY, "12600.00")),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    assert asked.status == "pending_approval"
    assert (str(asked.balance), str(asked.agreed), asked.discount_percent) == (
        "18000.00",
        "12600.00",
        Decimal("30.00"),
    )
    assert asked.exceeded == ("settlement_discount_percent",)
    assert asked.approval_id is not None
    with pytest.raises(ApprovalNotAllowed) as leader_refused:
        approval_decide(
            approval_id=asked.approval_id,
            decided_by=staff[Role.TEAM_LEADER],
            approve=True,
            note="",
            as_of=AS_OF,
            at=AT,
        )
    assert leader_refused.value.field == "decided_by"

    approved = approved_by_the_head_of_credit(staff, asked)

    assert approved.status == "active"
    assert [(p.due_date, str(p.amount)) for p in approved.payments] == [(BY, "12600.00")]


def test_a_settlement_at_70_percent_paid_on_time_completes_and_the_rest_of_the_balance_is_credited(
    staff, account
) -> None:
    asked = arrangement_request(
        account_number=account,
        terms=settle((BY, "12600.00")),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    approved_by_the_head_of_credit(staff, asked)
    pay(account, "12600.00", date(2024, 1, 30))
    assert balance(account) == "5400.00"

    counts = arrangements_evaluate(as_of=BY, at=night(BY))
    again = arrangements_evaluate(as_of=BY, at=night(BY))

    view = arrangement_view(asked.id)
    assert (view.status, view.decided_date) == ("completed", BY)
    assert balance(account) == "0.00"
    credit = JournalEntry.objects.get(reason_code="credit_settlement")
    assert (credit.idempotency_key, credit.effective_date) == (f"settlement:{asked.id}", BY)
    assert (counts["payments_kept"], counts["arrangements_completed"], counts["settlements_credited"]) == (
        1,
        1,
        1,
    )
    assert not any(again.values())


def test_a_missed_settlement_payment_breaks_it_and_credits_nothing(staff, account) -> None:
    made = arrangement_request(
        account_number=account,
        terms=settle((BY, "9000.00"), (THEN, "8000.00")),
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    assert made.status == "active"  # a 5.56% discount is within the agent's 10%
    pay(account, "9000.00", BY)

    arrangements_evaluate(as_of=BY, at=night(BY))
    broke = arrangements_evaluate(as_of=THEN, at=night(THEN))

    view = arrangement_view(made.id)
    assert (view.status, view.decided_date) == ("broken", THEN)
    assert [p.status for p in view.payments] == ["kept", "broken"]
    assert (broke["arrangements_broken"], broke["settlements_credited"]) == (1, 0)
    assert not JournalEntry.objects.filter(reason_code="credit_settlement").exists()
    assert balance(account) == "9000.00"


def test_the_discount_is_rounded_up_so_a_request_just_over_a_limit_is_never_shown_within_it(
    staff, account
) -> None:
    quote = arrangement_quote(
        account_number=account, terms=settle((BY, "16199.99")), asked_by=staff[Role.AGENT], as_of=AS_OF
    )

    assert quote.discount_percent == Decimal("10.01")  # 1800.01 of 18000.00 is 10.00006%
    assert quote.exceeded == ("settlement_discount_percent",)
    assert not Arrangement.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (settle((BY, "18000.00")), "payments"),
        (settle(), "payments"),
        (settle((date(2024, 1, 14), "9000.00")), "payments.0.date"),
        (settle((BY, "9000.00"), (BY, "100.00")), "payments.1.date"),
        (settle((BY, "9000.00"), (THEN, "-5")), "payments.1.amount"),
    ],
)
def test_a_settlement_for_the_whole_balance_or_with_a_bad_line_is_refused_naming_it(
    staff, account, terms, field
) -> None:
    with pytest.raises(ArrangementNotAllowed) as refused:
        arrangement_request(
            account_number=account, terms=terms, requested_by=staff[Role.AGENT], as_of=AS_OF, at=AT
        )

    assert refused.value.field == field
    assert not Arrangement.objects.exists()
