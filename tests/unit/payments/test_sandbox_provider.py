"""The sandbox provider behaves as a card processor's sandbox: it checks a card and gives a token,
tells the brand and last four of a token, declines its documented test cards and refunds charges."""

from datetime import date

import pytest

from recoup.payments.providers import DECLINED, SUCCEEDED, TEST_CARDS, CardRefused, SandboxProvider

TODAY = date(2026, 11, 22)


@pytest.fixture
def sandbox():
    return SandboxProvider(secret=b"test-secret")


def tokenize(sandbox, number="4242 4242 4242 4242", **changes):
    fields = {"exp_month": "11", "exp_year": "26", "cvc": "123", "holder_name": "Maria  Garcia"} | changes
    return sandbox.tokenize(number=number, today=TODAY, **fields)


def test_a_card_becomes_a_token_with_its_brand_last_four_and_expiry(sandbox):
    card = tokenize(sandbox)

    assert (card.brand, card.last4, card.exp_month, card.exp_year, card.holder_name) == (
        "visa",
        "4242",
        11,
        2026,
        "Maria Garcia",
    )
    assert card.token.startswith("tok_sandbox_")
    assert "4242424242424242" not in card.token
    assert sandbox.card_details(token=card.token) == card


def test_the_same_card_tokenized_twice_gets_two_tokens(sandbox):
    assert tokenize(sandbox).token != tokenize(sandbox).token


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "4242424242424241"}, "number"),
        ({"number": "42424242"}, "number"),
        ({"number": "3530111333300000"}, "number"),
        ({"number": "4242424242424242", "exp_month": "0"}, "exp_month"),
        ({"exp_year": "2026", "exp_month": "10"}, "exp_year"),
        ({"exp_year": "twenty"}, "exp_year"),
        ({"cvc": "1234"}, "cvc"),
        ({"number": "378282246310005", "cvc": "123"}, "cvc"),
        ({"holder_name": ""}, "holder_name"),
    ],
)
def test_a_card_the_sandbox_cannot_take_is_refused_naming_the_field(sandbox, changes, field):
    with pytest.raises(CardRefused) as refused:
        tokenize(sandbox, **changes)

    assert refused.value.field == field


def test_a_card_expiring_this_month_is_still_taken(sandbox):
    assert tokenize(sandbox, exp_month="11", exp_year="2026").exp_year == 2026


def test_a_token_from_another_sandbox_or_altered_is_refused(sandbox):
    token = tokenize(sandbox).token

    with pytest.raises(CardRefused):
        SandboxProvider(secret=b"another").card_details(token=token)
    with pytest.raises(CardRefused):
        sandbox.card_details(token=token.replace("tok_sandbox_", "tok_sandbox_x"))


@pytest.mark.parametrize(("number", "code"), [(n, c) for n, c in TEST_CARDS.items() if c])
def test_the_documented_test_cards_decline_with_their_codes(sandbox, number, code):
    token = tokenize(sandbox, number, cvc="1234" if number.startswith("3") else "123").token

    charge = sandbox.charge(
        token=token, amount_minor=1000, currency="USD", idempotency_key="k", description="d"
    )

    assert (charge.status, charge.decline_code) == (DECLINED, code)
    assert charge.decline_message


def test_the_same_idempotency_key_answers_with_the_same_charge(sandbox):
    token = tokenize(sandbox).token

    first = sandbox.charge(
        token=token, amount_minor=1000, currency="USD", idempotency_key="k1", description="d"
    )
    again = sandbox.charge(
        token=token, amount_minor=1000, currency="USD", idempotency_key="k1", description="d"
    )
    other = sandbox.charge(
        token=token, amount_minor=1000, currency="USD", idempotency_key="k2", description="d"
    )

    assert first.status == SUCCEEDED
    assert again.reference == first.reference
    assert other.reference != first.reference


def test_a_refund_is_at_most_the_amount_charged_in_its_currency(sandbox):
    token = tokenize(sandbox).token
    charge = sandbox.charge(
        token=token, amount_minor=1000, currency="USD", idempotency_key="k", description="d"
    )

    refund = sandbox.refund(
        charge_reference=charge.reference, amount_minor=400, currency="USD", idempotency_key="r"
    )

    assert (refund.amount_minor, refund.charge_reference) == (400, charge.reference)
    with pytest.raises(CardRefused) as too_much:
        sandbox.refund(
            charge_reference=charge.reference, amount_minor=1001, currency="USD", idempotency_key="r2"
        )
    assert too_much.value.field == "amount"
    with pytest.raises(CardRefused) as wrong_currency:
        sandbox.refund(
            charge_reference=charge.reference, amount_minor=10, currency="GBP", idempotency_key="r3"
        )
    assert wrong_currency.value.field == "currency"
