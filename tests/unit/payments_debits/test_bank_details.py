"""Routing numbers, sort codes and account numbers checked; account numbers sealed and unsealed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.payments.debits.formats.bank_details import (
    last_four,
    routing_number_check,
    seal,
    sort_code_check,
    uk_account_number_check,
    unseal,
    us_account_number_check,
)
from recoup.payments.debits.formats.errors import BankDetailsInvalid

KEY = bytes(range(32))


@pytest.mark.parametrize("routing", ["021000021", "111000025", "122105278", "011000015", "026009593"])
def test_real_routing_numbers_pass_the_aba_checksum(routing: str) -> None:
    assert routing_number_check(routing) == routing


@pytest.mark.parametrize(
    ("routing", "why"),
    [
        ("021000022", "checksum"),
        ("12345678", "nine digits"),
        ("02100002A", "nine digits"),
        ("", "nine digits"),
    ],
)
def test_a_routing_number_that_is_not_one_is_refused(routing: str, why: str) -> None:
    with pytest.raises(BankDetailsInvalid) as refused:
        routing_number_check(routing)

    assert refused.value.field == "routing_number"
    assert why in refused.value.message


def test_a_sort_code_is_read_with_or_without_dashes() -> None:
    assert sort_code_check("20-30-40") == sort_code_check("20 30 40") == "203040"


def test_a_seven_digit_uk_account_number_gets_its_leading_zero() -> None:
    assert uk_account_number_check("1234567") == "01234567"


def test_a_us_account_number_must_hold_digits() -> None:
    with pytest.raises(BankDetailsInvalid):
        us_account_number_check("ABCD-EFG")


def test_the_last_four_digits_are_shown() -> None:
    assert last_four("000123456789") == "6789"


@given(st.from_regex(r"[0-9A-Z-]{4,17}", fullmatch=True))
def test_a_sealed_account_number_unseals_to_itself_and_shows_nothing_in_clear(number: str) -> None:
    token = seal(number, key=KEY)

    assert unseal(token, key=KEY) == number
    assert number not in token


def test_two_seals_of_one_number_differ() -> None:
    assert seal("000123456789", key=KEY) != seal("000123456789", key=KEY)


def test_a_sealed_value_altered_or_under_another_key_does_not_unseal() -> None:
    token = seal("000123456789", key=KEY)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    with pytest.raises(ValueError, match="does not verify"):
        unseal(altered, key=KEY)
    with pytest.raises(ValueError, match="does not verify"):
        unseal(token, key=bytes(32))
