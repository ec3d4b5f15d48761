from datetime import UTC, date, datetime

import pytest

from recoup.access.models import AuditEvent
from recoup.parties.errors import InvalidAddress, InvalidPhone, InvalidPostalCode, PhoneAlreadyRecorded
from recoup.parties.models import Address, Phone
from recoup.parties.operations import AddressInput, address_add, phone_add
from recoup.parties.queries import party_ids_matching, party_view

from .conftest import uk_customer, us_customer

pytestmark = pytest.mark.django_db

AT = datetime(2026, 5, 1, 14, 0, tzinfo=UTC)


def test_a_national_number_is_read_as_the_customers_country(agent):
    party = uk_customer()

    phone = phone_add(party=party, number="07700 100200", kind="mobile", at=AT, added_by=agent)

    assert phone.e164 == "+447700100200"
    assert party_ids_matching("07700 100200") == [party.pk]


def test_a_new_primary_phone_takes_over_from_the_old_one(agent):
    party = us_customer()

    phone_add(party=party, number="(915) 555-0180", is_primary=True, at=AT, added_by=agent)

    assert list(party.phones.filter(is_primary=True).values_list("e164", flat=True)) == ["+19155550180"]
    assert party.phones.count() == 2


def test_a_phone_already_recorded_is_refused(agent):
    party = us_customer()

    with pytest.raises(PhoneAlreadyRecorded) as error:
        phone_add(party=party, number="+1 915 555 0147", at=AT, added_by=agent)

    assert error.value.field == "number"


def test_an_invalid_phone_names_the_number_and_writes_nothing(agent):
    party = us_customer()
    before = (Phone.objects.count(), AuditEvent.objects.count())

    with pytest.raises(InvalidPhone) as error:
        phone_add(party=party, number="555", at=AT, added_by=agent)

    assert error.value.field == "number"
    assert (Phone.objects.count(), AuditEvent.objects.count()) == before


def test_a_new_primary_address_leaves_the_old_one_as_history(agent):
    party = us_customer()

    address_add(
        party=party,
        address=AddressInput(
            line1="77 Ocean Dr", city="Miami", region="FL", postal_code="33139", country="US"
        ),
        from_date=date(2026, 5, 1),
        at=AT,
        added_by=agent,
    )

    view = party_view(party.pk)
    current, former = view.addresses
    assert (current.city, current.current, current.valid_from_date) == ("Miami", True, date(2026, 5, 1))
    assert (former.city, former.current, former.valid_to_date) == ("El Paso", False, date(2026, 4, 30))
    assert view.time_zones == ("America/Chicago", "America/New_York")
    assert view.current_addresses == (current,)
    event = AuditEvent.objects.filter(action="party.address_add").get()
    assert event.before["city"] == "El Paso"


def test_an_address_that_is_not_primary_is_added_alongside(agent):
    party = us_customer()

    address_add(
        party=party,
        address=AddressInput(
            line1="5 Yard Rd",
            city="Denver",
            region="CO",
            postal_code="80202",
            country="US",
            purpose="garaging",
            is_primary=False,
        ),
        from_date=date(2026, 5, 1),
        at=AT,
        added_by=agent,
    )

    assert Address.objects.filter(party=party, valid_to_date__isnull=True).count() == 2


def test_a_move_dated_before_the_current_address_began_is_refused(agent):
    party = us_customer()
    first_move = AddressInput(
        line1="77 Ocean Dr", city="Miami", region="FL", postal_code="33139", country="US"
    )
    address_add(party=party, address=first_move, from_date=date(2026, 5, 1), at=AT, added_by=agent)

    with pytest.raises(InvalidAddress) as error:
        address_add(
            party=party,
            address=AddressInput(
                line1="1 Elm St", city="Tampa", region="FL", postal_code="33602", country="US"
            ),
            from_date=date(2026, 4, 1),
            at=AT,
            added_by=agent,
        )

    assert error.value.field == "from_date"
    assert party_view(party.pk).addresses[0].city == "Miami"


def test_an_invalid_address_names_the_bare_field(agent):
    party = us_customer()

    with pytest.raises(InvalidPostalCode) as error:
        address_add(
            party=party,
            address=AddressInput(
                line1="1 Elm St", city="Tampa", region="FL", postal_code="ABC", country="US"
            ),
            from_date=date(2026, 5, 1),
            at=AT,
            added_by=agent,
        )

    assert error.value.field == "postal_code"
