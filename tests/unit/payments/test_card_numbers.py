"""Card numbers as a processor reads them: Luhn, brand by IIN, and finding one written in text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.payments.cards import brand_of, luhn_valid, pan_runs


@pytest.mark.parametrize(
    "number",
    ["4242424242424242", "5555555555554444", "2223003122003222", "378282246310005", "6011111111111117"],
)
def test_the_documented_test_cards_pass_the_luhn_check(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "1234567812345678", "", "42424242x4242424"])
def test_a_mistyped_number_fails_the_luhn_check(number):
    assert not luhn_valid(number)


@given(st.text(alphabet="0123456789", min_size=12, max_size=18), st.integers(0, 9))
def test_changing_one_digit_of_a_valid_number_breaks_the_check(body, wrong):
    check = next(d for d in "0123456789" if luhn_valid(body + d))
    position = len(body) // 2
    if body[position] == str(wrong):
        return
    changed = body[:position] + str(wrong) + body[position + 1 :]

    assert not luhn_valid(changed + check)


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        ("4242424242424242", "visa"),
        ("5105105105105100", "mastercard"),
        ("2221000000000009", "mastercard"),
        ("2720990000000007", "mastercard"),
        ("371449635398431", "amex"),
        ("340000000000009", "amex"),
        ("6011000990139424", "discover"),
        ("6221260000000000", "discover"),
        ("6445644564456445", "discover"),
        ("6500000000000002", "discover"),
    ],
)
def test_the_brand_is_read_from_the_iin_range(number, brand):
    assert brand_of(number).code == brand


@pytest.mark.parametrize(
    "number", ["3530111333300000", "2220990000000000", "2721000000000000", "30569309025904"]
)
def test_numbers_outside_the_ranges_taken_have_no_brand(number):
    assert brand_of(number) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("4242424242424242", ["4242424242424242"]),
        ("paid by 4242 4242 4242 4242 on Monday", ["4242424242424242"]),
        ("card 5555-5555-5555-4444", ["5555555555554444"]),
        ("amex 3782 822463 10005, thanks", ["378282246310005"]),
        ("card 4242 4242 4242 4242 10 dollars", ["4242424242424242"]),
        ("call +1 713 555 0142 about 2024-03-01", []),
        ("4242424242424241", []),
        ("account 1000000016, cheque 000123", []),
        ("savepoint s4242424242424242_x1", []),
    ],
)
def test_card_numbers_are_found_in_text(text, found):
    assert [run.digits for run in pan_runs(text)] == found


def test_a_number_glued_to_letters_is_found_when_a_person_typed_it():
    assert pan_runs("ref4111111111111111") == []
    assert [run.digits for run in pan_runs("ref4111111111111111", glued=True)] == ["4111111111111111"]


def test_a_card_number_in_a_longer_run_of_digits_is_found():
    assert [run.digits for run in pan_runs("00000 4242424242424242 99")] == ["4242424242424242"]
