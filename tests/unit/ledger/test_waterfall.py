"""The allocation waterfall, as an operations manual would state it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.ledger.errors import InvalidPolicy, NonPositiveAmount
from recoup.ledger.waterfall import COMPONENTS, AllocationLine, DueItem, WaterfallPolicy, allocate

FEES_INTEREST_PRINCIPAL = ("fees", "interest", "principal")
BY_INSTALLMENT = WaterfallPolicy(FEES_INTEREST_PRINCIPAL, by_installment=True, overpayment="principal")
HOLD_OVERPAYMENT = WaterfallPolicy(FEES_INTEREST_PRINCIPAL, by_installment=True, overpayment="unapplied")
BY_COMPONENT = WaterfallPolicy(FEES_INTEREST_PRINCIPAL, by_installment=False, overpayment="principal")

# Two installments in arrears: the first with a 25.00 late fee.
TWO_MISSED = [
    DueItem(1, "fees", 2500),
    DueItem(1, "interest", 10000),
    DueItem(1, "principal", 40000),
    DueItem(2, "interest", 9800),
    DueItem(2, "principal", 40200),
]


def test_a_partial_payment_pays_fees_then_interest_then_part_of_the_oldest_principal():
    allocation = allocate(
        amount_minor=20000, due_items=TWO_MISSED, policy=BY_INSTALLMENT, principal_not_due_minor=0
    )

    assert allocation.lines == (
        AllocationLine("fees", 1, 2500),
        AllocationLine("interest", 1, 10000),
        AllocationLine("principal", 1, 7500),
    )
    assert allocation.to_principal == 0
    assert allocation.to_unapplied == 0


def test_an_overpayment_reduces_principal_not_yet_due_when_the_policy_says_principal():
    allocation = allocate(
        amount_minor=112500, due_items=TWO_MISSED, policy=BY_INSTALLMENT, principal_not_due_minor=800000
    )

    assert sum(line.amount_minor for line in allocation.lines) == 102500
    assert allocation.to_principal == 10000
    assert allocation.to_unapplied == 0


def test_an_overpayment_is_held_unapplied_when_the_policy_says_unapplied():
    allocation = allocate(
        amount_minor=112500, due_items=TWO_MISSED, policy=HOLD_OVERPAYMENT, principal_not_due_minor=800000
    )

    assert allocation.to_principal == 0
    assert allocation.to_unapplied == 10000


def test_an_overpayment_beyond_the_whole_principal_is_held_unapplied():
    allocation = allocate(
        amount_minor=112500, due_items=TWO_MISSED, policy=BY_INSTALLMENT, principal_not_due_minor=4000
    )

    assert allocation.to_principal == 4000
    assert allocation.to_unapplied == 6000


def test_component_by_component_pays_every_installments_fees_then_interest_before_any_principal():
    allocation = allocate(
        amount_minor=30000, due_items=TWO_MISSED, policy=BY_COMPONENT, principal_not_due_minor=0
    )

    assert allocation.lines == (
        AllocationLine("fees", 1, 2500),
        AllocationLine("interest", 1, 10000),
        AllocationLine("interest", 2, 9800),
        AllocationLine("principal", 1, 7700),
    )


def test_a_different_order_is_followed_as_written():
    principal_first = WaterfallPolicy(
        ("principal", "interest", "fees"), by_installment=True, overpayment="principal"
    )

    allocation = allocate(
        amount_minor=45000, due_items=TWO_MISSED, policy=principal_first, principal_not_due_minor=0
    )

    assert allocation.lines == (AllocationLine("principal", 1, 40000), AllocationLine("interest", 1, 5000))


def test_charges_tied_to_no_installment_come_after_every_installment():
    due = [DueItem(None, "fees", 3500), DueItem(2, "principal", 1000), DueItem(1, "principal", 1000)]

    allocation = allocate(amount_minor=3000, due_items=due, policy=BY_INSTALLMENT, principal_not_due_minor=0)

    assert allocation.lines == (
        AllocationLine("principal", 1, 1000),
        AllocationLine("principal", 2, 1000),
        AllocationLine("fees", None, 1000),
    )


def test_items_with_nothing_outstanding_are_passed_over():
    due = [DueItem(1, "fees", 0), DueItem(1, "interest", -500), DueItem(1, "principal", 700)]

    allocation = allocate(amount_minor=700, due_items=due, policy=BY_INSTALLMENT, principal_not_due_minor=0)

    assert allocation.lines == (AllocationLine("principal", 1, 700),)


def test_a_payment_on_a_contract_with_nothing_due_prepays_principal():
    allocation = allocate(
        amount_minor=5000, due_items=[], policy=BY_INSTALLMENT, principal_not_due_minor=900000
    )

    assert allocation.lines == ()
    assert allocation.to_principal == 5000


@pytest.mark.parametrize("amount_minor", [0, -1])
def test_a_payment_of_nothing_or_less_is_refused_naming_the_amount(amount_minor):
    with pytest.raises(NonPositiveAmount) as error:
        allocate(amount_minor=amount_minor, due_items=[], policy=BY_INSTALLMENT, principal_not_due_minor=0)

    assert error.value.field == "amount"


def test_negative_principal_not_yet_due_is_refused():
    with pytest.raises(NonPositiveAmount) as error:
        allocate(amount_minor=1, due_items=[], policy=BY_INSTALLMENT, principal_not_due_minor=-1)

    assert error.value.field == "principal_not_due"


def test_an_unknown_component_is_refused():
    with pytest.raises(InvalidPolicy) as error:
        allocate(
            amount_minor=1,
            due_items=[DueItem(1, "insurance", 5)],
            policy=BY_INSTALLMENT,
            principal_not_due_minor=0,
        )

    assert error.value.field == "due_items"


@pytest.mark.parametrize(
    "order",
    [("fees", "interest"), ("fees", "fees", "principal"), ("fees", "interest", "principal", "insurance")],
)
def test_a_policy_must_name_every_component_once(order):
    with pytest.raises(InvalidPolicy) as error:
        WaterfallPolicy(order, by_installment=True, overpayment="principal")

    assert error.value.field == "order"


def test_a_policy_knows_only_principal_or_unapplied_for_overpayments():
    with pytest.raises(InvalidPolicy) as error:
        WaterfallPolicy(FEES_INTEREST_PRINCIPAL, by_installment=True, overpayment="refund")

    assert error.value.field == "overpayment"


def test_a_policy_reads_and_writes_the_stored_order_text():
    policy = WaterfallPolicy.from_text(
        "interest fees principal", by_installment=False, overpayment="unapplied"
    )

    assert policy.order == ("interest", "fees", "principal")
    assert policy.order_text == "interest fees principal"


due_items = st.lists(
    st.builds(
        DueItem,
        installment=st.one_of(st.none(), st.integers(1, 12)),
        component=st.sampled_from(COMPONENTS),
        outstanding_minor=st.integers(-1000, 100_000),
    ),
    max_size=15,
)
policies = st.builds(
    WaterfallPolicy,
    order=st.permutations(COMPONENTS).map(tuple),
    by_installment=st.booleans(),
    overpayment=st.sampled_from(["principal", "unapplied"]),
)


@given(
    amount=st.integers(1, 10**9),
    due=due_items,
    policy=policies,
    principal_not_due=st.integers(0, 10**7),
)
def test_the_parts_of_an_allocation_always_sum_to_the_payment(amount, due, policy, principal_not_due):
    allocation = allocate(
        amount_minor=amount, due_items=due, policy=policy, principal_not_due_minor=principal_not_due
    )

    assert allocation.total_minor == amount
    assert all(line.amount_minor > 0 for line in allocation.lines)
    assert 0 <= allocation.to_principal <= principal_not_due
    assert allocation.to_unapplied >= 0


@given(amount=st.integers(1, 10**9), due=due_items, policy=policies, principal_not_due=st.integers(0, 10**7))
def test_money_is_held_unapplied_only_once_everything_due_is_paid(amount, due, policy, principal_not_due):
    allocation = allocate(
        amount_minor=amount, due_items=due, policy=policy, principal_not_due_minor=principal_not_due
    )

    total_due = sum(item.outstanding_minor for item in due if item.outstanding_minor > 0)
    paid = sum(line.amount_minor for line in allocation.lines)
    assert paid == min(amount, total_due)
    if allocation.to_unapplied and policy.overpayment == "principal":
        assert allocation.to_principal == principal_not_due
