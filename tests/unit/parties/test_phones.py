import pytest

from recoup.parties.errors import InvalidPhone
from recoup.parties.phones import phone_digits_for_search, phone_display, phone_normalise


@pytest.mark.parametrize(
    ("typed", "country", "e164"),
    [
        ("(212) 555-0123", "US", "+12125550123"),
        ("1-212-555-0123", "US", "+12125550123"),
        ("07911 123456", "GB", "+447911123456"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("+44 20 7946 0018", "US", "+442079460018"),
        ("+1 212 555 0123", "", "+12125550123"),
    ],
)
def test_valid_numbers_are_stored_in_e164(typed, country, e164):
    assert phone_normalise(typed, country=country) == e164


@pytest.mark.parametrize(
    ("typed", "country"),
    [("555-0123", "US"), ("12345", "US"), ("020 7946 001", "GB"), ("not a number", "GB"), ("", "US")],
)
def test_invalid_numbers_are_refused_naming_the_field(typed, country):
    with pytest.raises(InvalidPhone) as error:
        phone_normalise(typed, country=country, field="phones[1].number")

    assert error.value.field == "phones[1].number"


def test_a_national_number_without_a_country_asks_for_the_country_code():
    with pytest.raises(InvalidPhone) as error:
        phone_normalise("212 555 0123", country="")

    assert "country code" in error.value.message


def test_numbers_of_the_customers_country_are_shown_nationally():
    assert phone_display("+12125550123", country="US") == "(212) 555-0123"
    assert phone_display("+447911123456", country="GB") == "07911 123456"


def test_numbers_from_another_country_are_shown_internationally():
    assert phone_display("+447911123456", country="US") == "+44 7911 123456"
    assert phone_display("+12125550123", country="GB") == "+1 212-555-0123"


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("07911 123456", "7911123456"),
        ("0044 7911 123456", "447911123456"),
        ("+1 (212) 555-0123", "12125550123"),
    ],
)
def test_search_digits_drop_trunk_and_international_prefixes(typed, digits):
    assert phone_digits_for_search(typed) == digits
