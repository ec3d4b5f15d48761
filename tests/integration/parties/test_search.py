import pytest
from django.db import connection

from recoup.parties.models import Email, Party, Phone
from recoup.parties.operations import PhoneInput
from recoup.parties.queries import party_ids_matching

from .conftest import uk_customer, us_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria():
    return us_customer().pk


@pytest.fixture
def sian():
    return uk_customer().pk


@pytest.fixture
def mario():
    return us_customer(
        given_name="Mario",
        family_name="Gonzales",
        phones=(PhoneInput(number="(212) 555-0199"),),
        emails=("mario@example.com",),
    ).pk


@pytest.mark.parametrize("text", ["gonzalez", "MARIA", "maria gonz", "gonzalez maria", "  Maria   Gonzalez "])
def test_a_name_is_found_whatever_the_case_order_or_spacing(text, maria, mario):
    assert party_ids_matching(text) == [maria]


def test_a_name_is_found_without_its_accents(sian):
    assert party_ids_matching("sian") == [sian]
    assert party_ids_matching("Siân") == [sian]


def test_a_partial_name_finds_everyone_it_fits_in_name_order(maria, mario):
    assert party_ids_matching("gonzal") == [maria, mario]


@pytest.mark.parametrize(
    "text", ["(915) 555-0147", "915-555-0147", "+1 915 555 0147", "1 915 555 0147", "555 0147"]
)
def test_a_us_phone_is_found_by_the_end_of_its_number(text, maria, mario):
    assert party_ids_matching(text) == [maria]


@pytest.mark.parametrize(
    "text", ["07911 123456", "+44 7911 123456", "0044 7911 123456", "911123456", "029 2018 0000"]
)
def test_a_uk_phone_is_found_in_national_or_international_form(text, sian, maria):
    assert party_ids_matching(text) == [sian]


def test_too_few_digits_are_not_taken_for_a_phone(maria):
    assert party_ids_matching("0147") == []


def test_an_email_is_found_whatever_its_case(maria, mario):
    assert party_ids_matching("MARIA.GONZALEZ@example.com") == [maria]
    assert party_ids_matching("nobody@example.com") == []


def test_the_limit_caps_the_results(maria, mario):
    assert len(party_ids_matching("gonz", limit=1)) == 1


def test_empty_text_finds_nobody(maria):
    assert party_ids_matching("   ") == []


def test_a_phone_ending_in_nines_is_still_found_by_its_last_digits(db):
    party = us_customer(phones=(PhoneInput(number="(212) 555-9999"),))

    assert party_ids_matching("555 9999") == [party.pk]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        return queryset.explain()


def test_phone_and_email_searches_are_served_by_indexes(maria):
    phones = Phone.objects.filter(digits_reversed__gte="7410555", digits_reversed__lt="7410556")
    emails = Email.objects.filter(address="maria.gonzalez@example.com")

    assert "phone_digits_reversed_idx" in _plan(phones)
    assert "parties_email_address" in _plan(emails)


@pytest.mark.postgres_only
def test_name_search_is_served_by_the_trigram_index_on_postgresql(maria):
    names = Party.objects.filter(search_name__contains="gonz")

    assert "party_search_name_trgm" in _plan(names)
