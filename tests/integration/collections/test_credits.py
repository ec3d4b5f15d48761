"""Credits and fee waivers: posted within the credit limit, otherwise approved by someone else first."""

from datetime import UTC, date, datetime

import pytest

from recoup.access.models import AuditEvent, Role
from recoup.access.operations import user_create
from recoup.collections.approvals import approval_decide, approvals_pending
from recoup.collections.credits import credit_request, credits_of
from recoup.collections.errors import ApprovalNotAllowed, CreditNotAllowed
from recoup.collections.models import Credit
from recoup.kernel.money import Money
from recoup.ledger import journal
from recoup.ledger import operations as ledger
from recoup.ledger.models import AccountCode, JournalEntry
from recoup.portfolio.models import Contract
from tests.integration.factories import book

AS_OF = date(2024, 3, 20)
AT = datetime(2024, 3, 20, 15, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> dict[str, object]:
    return {
        role: user_create(username=role, password="not-used-here-1", role=role)
        for role in (Role.AGENT, Role.TEAM_LEADER, Role.AUDITOR)
    }


@pytest.fixture
def account() -> str:
    """A loan with a $25.00 late fee on its first installment."""
    booked = book()
    contract = Contract.objects.get(account_number=booked.account_number)
    ledger.fee_assess(
        book=ledger.book_get(contract_id=contract.pk),
        amount=Money(2500, "USD"),
        reason_code="late_fee",
        effective_date=date(2024, 2, 16),
        at=AT,
        idempotency_key=f"test:fee:{contract.pk}",
        installment=1,
    )
    return booked.account_number


def _balance(account: str, code: str) -> int:
    contract = Contract.objects.get(account_number=account)
    return journal.balance_minor(ledger.book_get(contract_id=contract.pk), code)


def test_an_agent_waives_a_late_fee_within_their_limit_and_it_posts_at_once(staff, account) -> None:
    given = credit_request(
        account_number=account,
        kind="fee_waiver",
        amount="25.00",
        reason="our_error",
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )

    assert given.status == "posted"
    assert _balance(account, AccountCode.FEES_DUE) == 0
    assert _balance(account, AccountCode.CREDITS) == 2500
    entry = JournalEntry.objects.get(idempotency_key=f"credit:{given.id}")
    assert entry.reason_code == "credit_our_error"


def test_a_waiver_larger_than_the_fees_due_is_refused_and_nothing_is_written(staff, account) -> None:
    audited = AuditEvent.objects.count()

    with pytest.raises(CreditNotAllowed) as refused:
        credit_request(
            account_number=account,
            kind="fee_waiver",
            amount="30.00",
            reason="goodwill",
            requested_by=staff[Role.AGENT],
            as_of=AS_OF,
            at=AT,
        )

    assert refused.value.field == "amount"
    assert "25.00" in refused.value.message
    assert not Credit.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_a_credit_beyond_the_agents_limit_waits_and_a_team_leader_approves_it(staff, account) -> None:
    principal_before = _balance(account, AccountCode.PRINCIPAL)

    asked = credit_request(
        account_number=account,
        kind="credit",
        amount="500.00",
        reason="complaint",
        note="vehicle off road three weeks",
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    assert asked.status == "pending_approval"
    assert asked.exceeded == ("credit_minor",)
    assert _balance(account, AccountCode.CREDITS) == 0
    pending = approvals_pending(reader=staff[Role.TEAM_LEADER])
    assert pending[0].may_decide
    assert "credit of 500.00 USD (complaint redress)" in pending[0].summary

    decided = approval_decide(
        approval_id=pending[0].id,
        decided_by=staff[Role.TEAM_LEADER],
        approve=True,
        note="",
        as_of=AS_OF,
        at=AT,
    )

    assert decided.credit is not None
    assert decided.credit.status == "posted"
    assert _balance(account, AccountCode.CREDITS) == 50_000
    # The fee due is reduced first, by the book's waterfall, then principal not yet due.
    assert _balance(account, AccountCode.FEES_DUE) == 0
    assert _balance(account, AccountCode.PRINCIPAL) == principal_before - 47_500


def test_the_maker_and_roles_without_approval_may_not_decide(staff, account) -> None:
    asked = credit_request(
        account_number=account,
        kind="credit",
        amount="500.00",
        reason="goodwill",
        requested_by=staff[Role.TEAM_LEADER],
        as_of=AS_OF,
        at=AT,
    )
    assert asked.status == "posted"  # within a team leader's limit
    asked = credit_request(
        account_number=account,
        kind="credit",
        amount="150.00",
        reason="goodwill",
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    assert asked.approval_id is not None

    with pytest.raises(ApprovalNotAllowed, match="their own"):
        approval_decide(
            approval_id=asked.approval_id,
            decided_by=staff[Role.AGENT],
            approve=True,
            note="",
            as_of=AS_OF,
            at=AT,
        )
    with pytest.raises(ApprovalNotAllowed, match="team leaders"):
        approval_decide(
            approval_id=asked.approval_id,
            decided_by=staff[Role.AUDITOR],
            approve=True,
            note="",
            as_of=AS_OF,
            at=AT,
        )


def test_a_rejected_credit_posts_nothing(staff, account) -> None:
    asked = credit_request(
        account_number=account,
        kind="credit",
        amount="150.00",
        reason="hardship",
        requested_by=staff[Role.AGENT],
        as_of=AS_OF,
        at=AT,
    )
    assert asked.approval_id is not None

    approval_decide(
        approval_id=asked.approval_id,
        decided_by=staff[Role.TEAM_LEADER],
        approve=False,
        note="no",
        as_of=AS_OF,
        at=AT,
    )

    assert [c.status for c in credits_of(account)] == ["rejected"]
    assert _balance(account, AccountCode.CREDITS) == 0


@pytest.mark.parametrize(
    ("kind", "amount", "reason", "field"),
    [
        ("refund", "10.00", "goodwill", "kind"),
        ("credit", "10.00", "because", "reason"),
        ("credit", "ten", "goodwill", "amount"),
        ("credit", "0.00", "goodwill", "amount"),
        ("credit", "99999999.00", "goodwill", "amount"),
    ],
)
def test_bad_input_is_refused_by_name(staff, account, kind, amount, reason, field) -> None:
    with pytest.raises(Exception) as refused:
        credit_request(
            account_number=account,
            kind=kind,
            amount=amount,
            reason=reason,
            requested_by=staff[Role.TEAM_LEADER],
            as_of=AS_OF,
            at=AT,
        )

    assert getattr(refused.value, "field", None) == field
    assert not Credit.objects.exists()


def test_an_auditor_gives_no_credits(staff, account) -> None:
    with pytest.raises(CreditNotAllowed) as refused:
        credit_request(
            account_number=account,
            kind="credit",
            amount="1.00",
            reason="goodwill",
            requested_by=staff[Role.AUDITOR],
            as_of=AS_OF,
            at=AT,
        )

    assert refused.value.field == "role"
