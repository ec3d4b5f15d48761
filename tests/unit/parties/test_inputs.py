from datetime import UTC, date, datetime

import pytest

from recoup.parties.errors import InvalidAddress, InvalidParty, UnknownRegion
from recoup.parties.inputs import AddressInput, PhoneInput, address_validated, customer_validated

AT = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)


def test_a_uk_address_gets_its_nation_zone_and_postcode_spacing():
    address = address_validated(
        AddressInput(line1=" 1  Princes St ", city="Edinburgh", postal_code="eh22ew", country="gb")
    )

    assert (address.line1, address.postal_code, address.country, address.uk_nation, address.time_zones) == (
        "1 Princes St",
        "EH2 2EW",
        "GB",
        "SCT",
        "Europe/London",
    )


def test_a_us_address_keeps_every_zone_of_its_state():
    address = address_validated(
        AddressInput(line1="1 Main St", city="Rapid City", region="sd", postal_code="57701", country="US")
    )

    assert (address.region, address.time_zones) == ("SD", "America/Chicago America/Denver")


def test_a_us_address_without_a_state_is_refused_naming_the_region():
    with pytest.raises(UnknownRegion) as error:
        address_validated(AddressInput(line1="1 Main St", city="Austin", postal_code="78701", country="US"))

    assert error.value.field == "region"


def test_a_us_address_cannot_claim_a_uk_nation():
    with pytest.raises(InvalidAddress) as error:
        address_validated(
            AddressInput(
                line1="1 Main St",
                city="Austin",
                region="TX",
                postal_code="78701",
                country="US",
                uk_nation="ENG",
            ),
            prefix="addresses[2]",
        )

    assert error.value.field == "addresses[2].uk_nation"


def test_phones_are_read_as_the_first_addresss_country():
    customer = customer_validated(
        kind="individual",
        given_name="",
        family_name="Okafor",
        business_name="",
        date_of_birth=date(2000, 1, 1),
        preferred_language="en-GB",
        addresses=(AddressInput(line1="2 Mill Ln", city="Leeds", postal_code="LS1 4AP", country="GB"),),
        phones=(PhoneInput(number="0113 496 0000"),),
        emails=(" Okafor@Example.org ",),
        at=AT,
    )

    assert [p.e164 for p in customer.phones] == ["+441134960000"]
    assert customer.emails == ("okafor@example.org",)


def test_a_birthday_today_is_accepted_but_tomorrow_is_refused():
    arguments = {
        "kind": "individual",
        "given_name": "",
        "family_name": "Newborn",
        "business_name": "",
        "preferred_language": "en",
        "addresses": (),
        "phones": (),
        "emails": (),
        "at": AT,
    }

    assert customer_validated(date_of_birth=date(2026, 1, 1), **arguments).date_of_birth == date(2026, 1, 1)
    with pytest.raises(InvalidParty) as error:
        customer_validated(date_of_birth=date(2026, 1, 2), **arguments)
    assert error.value.field == "date_of_birth"
