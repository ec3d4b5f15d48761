import pytest

from recoup.parties.errors import InvalidPostalCode, UnknownRegion, UnsupportedCountry
from recoup.parties.timezones import (
    US_STATE_ZONES,
    postal_code_normalise,
    uk_nation_for_postcode,
    zones_for_address,
)


def test_texas_keeps_central_and_mountain_time():
    assert zones_for_address(country="US", region="TX", postal_code="79901") == (
        "America/Chicago",
        "America/Denver",
    )


def test_florida_keeps_eastern_and_central_time():
    assert zones_for_address(country="US", region="FL", postal_code="32501") == (
        "America/New_York",
        "America/Chicago",
    )


@pytest.mark.parametrize(
    ("state", "zones"),
    [
        ("NY", ("America/New_York",)),
        ("AZ", ("America/Phoenix",)),
        ("HI", ("Pacific/Honolulu",)),
        ("AK", ("America/Anchorage", "America/Adak")),
        ("IN", ("America/Indiana/Indianapolis", "America/Chicago")),
        ("ID", ("America/Boise", "America/Los_Angeles")),
        ("NV", ("America/Los_Angeles", "America/Denver")),
        ("DC", ("America/New_York",)),
        ("PR", ("America/Puerto_Rico",)),
    ],
)
def test_each_state_keeps_every_zone_it_spans(state, zones):
    assert zones_for_address(country="US", region=state, postal_code="") == zones


def test_state_codes_are_read_in_any_case():
    assert zones_for_address(country="US", region=" ca ", postal_code="90210") == ("America/Los_Angeles",)


def test_every_zone_is_known_to_the_tz_database():
    from zoneinfo import ZoneInfo

    for zones in US_STATE_ZONES.values():
        for zone in zones:
            ZoneInfo(zone)


def test_all_fifty_states_and_dc_are_known():
    assert len(set(US_STATE_ZONES) - {"PR", "VI", "GU", "MP", "AS"}) == 51


def test_an_unknown_state_is_refused_naming_the_region():
    with pytest.raises(UnknownRegion) as error:
        zones_for_address(country="US", region="ZZ", postal_code="12345")

    assert error.value.field == "region"


def test_uk_addresses_are_in_london_time():
    assert zones_for_address(country="GB", region="", postal_code="EH1 1YZ") == ("Europe/London",)


def test_a_country_not_served_is_refused():
    with pytest.raises(UnsupportedCountry) as error:
        zones_for_address(country="FR", region="", postal_code="75001")

    assert error.value.field == "country"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12345", "12345"), ("12345-6789", "12345-6789"), ("123456789", "12345-6789"), (" 02134 ", "02134")],
)
def test_us_zip_codes_are_five_digits_or_zip_plus_four(typed, stored):
    assert postal_code_normalise(country="US", postal_code=typed, field="postal_code") == stored


@pytest.mark.parametrize("typed", ["1234", "12345-67", "ABCDE", ""])
def test_malformed_zip_codes_are_refused_naming_the_field(typed):
    with pytest.raises(InvalidPostalCode) as error:
        postal_code_normalise(country="US", postal_code=typed, field="addresses[0].postal_code")

    assert error.value.field == "addresses[0].postal_code"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("CR2  6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("EC1A 1BB", "EC1A 1BB"),
    ],
)
def test_uk_postcodes_are_upper_case_with_one_space_before_the_inward_code(typed, stored):
    assert postal_code_normalise(country="GB", postal_code=typed, field="postal_code") == stored


@pytest.mark.parametrize("typed", ["SW1A 1CA", "1AA 1AA", "SW1A", "W1A 1AAA"])
def test_malformed_uk_postcodes_are_refused(typed):
    with pytest.raises(InvalidPostalCode):
        postal_code_normalise(country="GB", postal_code=typed, field="postal_code")


@pytest.mark.parametrize(
    ("postcode", "nation"),
    [
        ("SW1A 1AA", "ENG"),
        ("EH1 1YZ", "SCT"),
        ("G2 1DY", "SCT"),
        ("ZE1 0AA", "SCT"),
        ("CF10 1EP", "WLS"),
        ("LL55 4UL", "WLS"),
        ("BT1 5GS", "NIR"),
        ("GU1 1AA", "ENG"),  # G is Scottish; GU is Guildford
        ("SY23 1DE", "WLS"),  # Aberystwyth
        ("SY1 1AA", "ENG"),  # Shrewsbury
        ("CH5 1AA", "WLS"),  # Deeside
        ("CH41 1AA", "ENG"),  # Birkenhead
        ("TD15 1AA", "ENG"),  # Berwick-upon-Tweed
        ("TD1 1AA", "SCT"),  # Galashiels
    ],
)
def test_the_uk_nation_comes_from_the_postcode_area(postcode, nation):
    assert uk_nation_for_postcode(postcode) == nation
