import pytest

from recoup.portfolio.vin import (
    InvalidRegistration,
    InvalidVin,
    registration_normalise,
    vin_check_digit,
    vin_validate,
    vin_with_check_digit,
)


@pytest.mark.parametrize("vin", ["1HGCM82633A004352", "1M8GDM9AXKP042788", "11111111111111111"])
def test_real_north_american_vins_pass_their_check_digit(vin):
    assert vin_validate(vin) == vin


def test_a_vin_is_upper_cased_and_stripped():
    assert vin_validate("  1hgcm82633a004352\n") == "1HGCM82633A004352"


def test_a_check_digit_of_ten_is_written_x():
    assert vin_check_digit("1M8GDM9A0KP042788") == "X"


def test_a_wrong_check_digit_is_refused_saying_what_it_should_be():
    with pytest.raises(InvalidVin) as error:
        vin_validate("1HGCM82643A004352")

    assert error.value.field == "vin"
    assert "check digit" in error.value.message
    assert "'3'" in error.value.message


def test_one_mistyped_character_is_caught_by_the_check_digit():
    with pytest.raises(InvalidVin):
        vin_validate("1HGCM82633A004353")


@pytest.mark.parametrize("letter", ["I", "O", "Q"])
def test_letters_that_look_like_digits_are_refused(letter):
    with pytest.raises(InvalidVin) as error:
        vin_validate(f"1HGCM8263{letter}A004352", field="vehicle.vin")

    assert error.value.field == "vehicle.vin"
    assert "I, O or Q" in error.value.message


@pytest.mark.parametrize("vin", ["1HGCM82633A00435", "1HGCM82633A0043521", ""])
def test_a_vin_of_the_wrong_length_is_refused(vin):
    with pytest.raises(InvalidVin) as error:
        vin_validate(vin)

    assert error.value.field == "vin"


def test_punctuation_is_refused():
    with pytest.raises(InvalidVin) as error:
        vin_validate("1HGCM8263-A004352")

    assert "'-'" in error.value.message


@pytest.mark.parametrize("vin", ["WVWZZZ1JZXW000001", "SALLAAA146A123456", "JT2AE09W6P0038539"])
def test_vins_made_outside_north_america_skip_the_check_digit(vin):
    assert vin_validate(vin) == vin


def test_vins_made_outside_north_america_still_refuse_i_o_and_q():
    with pytest.raises(InvalidVin):
        vin_validate("WVWZZZ1JZXW00000O")


def test_sixteen_characters_become_a_valid_vin_with_the_check_digit_inserted():
    vin = vin_with_check_digit("1HGCM8263A004352")

    assert vin == "1HGCM82633A004352"
    assert vin_validate(vin) == vin


def test_seventeen_characters_get_their_ninth_replaced_by_the_check_digit():
    assert vin_with_check_digit("1M8GDM9A0KP042788") == "1M8GDM9AXKP042788"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ab12 cde", "AB12CDE"),  # current
        ("A123 BCD", "A123BCD"),  # prefix
        ("ABC 123D", "ABC123D"),  # suffix
        ("1234 AB", "1234AB"),  # dateless
        ("ABZ 1234", "ABZ1234"),  # Northern Ireland
    ],
)
def test_uk_registrations_are_stored_upper_case_without_spaces(typed, stored):
    assert registration_normalise(typed, country="GB") == stored


@pytest.mark.parametrize("typed", ["AB12 CD3", "ABCD 123", "12AB 34C", ""])
def test_implausible_uk_registrations_are_refused_naming_the_field(typed):
    with pytest.raises(InvalidRegistration) as error:
        registration_normalise(typed, country="GB", field="vehicle.registration")

    assert error.value.field == "vehicle.registration"


def test_us_plates_keep_up_to_eight_letters_and_digits():
    assert registration_normalise("7abc-123", country="US") == "7ABC123"
    assert registration_normalise("A", country="US") == "A"


@pytest.mark.parametrize("typed", ["ABCDE12345", "AB*123", ""])
def test_us_plates_longer_than_eight_or_with_symbols_are_refused(typed):
    with pytest.raises(InvalidRegistration) as error:
        registration_normalise(typed, country="US")

    assert error.value.field == "registration"
