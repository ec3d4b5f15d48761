from datetime import UTC, date, datetime

import pytest

from recoup.parties.errors import PartyNotFound
from recoup.parties.operations import AddressInput, PhoneInput, party_flag_set
from recoup.parties.queries import party_view, party_views

from .conftest import uk_customer, us_customer

pytestmark = pytest.mark.django_db

AT = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def test_a_party_view_shows_addresses_with_zones_and_phones_in_the_customers_format(agent):
    party = us_customer(
        addresses=(
            AddressInput(
                line1="1200 Main St", city="El Paso", region="TX", postal_code="79901", country="US"
            ),
            AddressInput(
                line1="PO Box 4",
                city="Pensacola",
                region="FL",
                postal_code="32501",
                country="US",
                purpose="mailing",
            ),
        ),
        phones=(PhoneInput(number="(915) 555-0147", is_primary=True), PhoneInput(number="+44 7911 123456")),
    )

    view = party_view(party.pk)

    assert (view.name, view.kind, view.date_of_birth, view.country) == (
        "Maria Gonzalez",
        "individual",
        date(1984, 2, 29),
        "US",
    )
    assert [a.lines for a in view.addresses] == [
        ("1200 Main St", "El Paso, TX 79901"),
        ("PO Box 4", "Pensacola, FL 32501"),
    ]
    assert view.time_zones == ("America/Chicago", "America/Denver", "America/New_York")
    assert [(p.display, p.is_primary, p.do_not_call) for p in view.phones] == [
        ("(915) 555-0147", True, False),
        ("+44 7911 123456", False, False),
    ]
    assert view.emails == ("maria.gonzalez@example.com",)


def test_a_uk_address_is_written_the_royal_mail_way():
    view = party_view(uk_customer().pk)

    assert view.addresses[0].lines == ("4 Heol y Frenhines", "Cardiff", "CF10 1EP")
    assert view.addresses[0].uk_nation == "WLS"
    assert [p.display for p in view.phones] == ["07911 123456", "029 2018 0000"]


def test_an_unknown_party_raises_party_not_found():
    with pytest.raises(PartyNotFound):
        party_view(987654)


def test_several_parties_take_a_fixed_number_of_queries_however_many(agent, django_assert_num_queries):
    ids = []
    for n in range(6):
        party = us_customer(family_name=f"Gonzalez{n}", emails=(f"m{n}@example.com",))
        party_flag_set(party=party, kind="dispute", set_date=date(2026, 4, 1), at=AT, set_by=agent)
        ids.append(party.pk)
    party_views(ids[:1])

    with django_assert_num_queries(5):
        few = party_views(ids[:2])
    with django_assert_num_queries(5):
        many = party_views([*ids, 987654])

    assert set(few) == set(ids[:2])
    assert set(many) == set(ids)
    assert all(view.active_flags[0].set_by == "Alex Agent" for view in many.values())


def test_no_ids_need_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert party_views([]) == {}
