from datetime import date, datetime

import pytest

from recoup.access.models import AuditEvent
from recoup.kernel.errors import DomainError
from recoup.parties.models import Address, Email, Party, Phone
from recoup.parties.operations import AddressInput, PhoneInput, customer_create

from .conftest import AT, uk_customer, us_customer

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Party.objects.count(),
        Address.objects.count(),
        Phone.objects.count(),
        Email.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_us_customer_is_stored_with_e164_phones_zones_and_search_name(agent):
    party = us_customer(created_by=agent)

    address = party.addresses.get()
    assert address.time_zones == "America/Chicago America/Denver"
    assert address.uk_nation == ""
    assert address.is_primary
    assert list(party.phones.values_list("e164", "digits_reversed")) == [("+19155550147", "74105555191")]
    assert list(party.emails.values_list("address", "is_primary")) == [("maria.gonzalez@example.com", True)]
    assert party.search_name == "maria gonzalez"
    assert party.created_at == AT


def test_a_uk_customer_gets_the_nation_from_the_postcode_and_national_numbers_read_as_uk(agent):
    party = uk_customer(created_by=agent)

    address = party.addresses.get()
    assert (address.postal_code, address.uk_nation, address.time_zones) == (
        "CF10 1EP",
        "WLS",
        "Europe/London",
    )
    assert sorted(party.phones.values_list("e164", flat=True)) == ["+442920180000", "+447911123456"]
    assert party.search_name == "sian llewellyn"


def test_a_nation_given_for_a_uk_address_is_kept():
    party = uk_customer(
        addresses=(
            AddressInput(
                line1="1 Bridge St", city="Chester", postal_code="CH4 8AA", country="GB", uk_nation="wls"
            ),
        )
    )

    assert party.addresses.get().uk_nation == "WLS"


def test_a_business_is_named_by_its_business_name():
    party = customer_create(
        kind="business",
        business_name="Lone Star Haulage LLC",
        addresses=(
            AddressInput(line1="9 Depot Rd", city="Austin", region="tx", postal_code="78701", country="US"),
        ),
        at=AT,
    )

    assert party.search_name == "lone star haulage llc"
    assert party.addresses.get().region == "TX"


def test_creating_a_customer_leaves_an_audit_row_by_its_creator(agent):
    party = us_customer(created_by=agent)

    event = AuditEvent.objects.get(object_type="party", object_id=str(party.pk))
    assert (event.action, event.actor, event.at) == ("party.create", agent, AT)
    assert event.after["phones"] == [{"e164": "+19155550147", "kind": "mobile", "is_primary": True}]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "robot"}, "kind"),
        ({"family_name": "  "}, "family_name"),
        ({"given_name": "x" * 101}, "given_name"),
        ({"kind": "business", "business_name": ""}, "business_name"),
        ({"date_of_birth": date(2026, 4, 2)}, "date_of_birth"),
        ({"date_of_birth": date(1850, 1, 1)}, "date_of_birth"),
        ({"preferred_language": "English"}, "preferred_language"),
        (
            {
                "addresses": (
                    AddressInput(
                        line1="1 Main St", city="Austin", region="TX", postal_code="7870", country="US"
                    ),
                )
            },
            "addresses[0].postal_code",
        ),
        (
            {
                "addresses": (
                    AddressInput(
                        line1="1 Main St", city="Austin", region="TX", postal_code="78701", country="US"
                    ),
                    AddressInput(
                        line1="2 Main St", city="Austin", region="XX", postal_code="78701", country="US"
                    ),
                )
            },
            "addresses[1].region",
        ),
        (
            {
                "addresses": (
                    AddressInput(line1="", city="Austin", region="TX", postal_code="78701", country="US"),
                )
            },
            "addresses[0].line1",
        ),
        (
            {"addresses": (AddressInput(line1="1 Rue", city="Paris", postal_code="75001", country="FR"),)},
            "addresses[0].country",
        ),
        (
            {
                "addresses": (
                    AddressInput(
                        line1="1 Main St", city="Austin", region="TX", postal_code="78701", country="US"
                    ),
                    AddressInput(
                        line1="2 Elm St", city="Austin", region="TX", postal_code="78702", country="US"
                    ),
                )
            },
            "addresses[1].is_primary",
        ),
        (
            {
                "addresses": (
                    AddressInput(
                        line1="1 High St", city="Leeds", postal_code="LS1 1AA", country="GB", uk_nation="XYZ"
                    ),
                )
            },
            "addresses[0].uk_nation",
        ),
        (
            {
                "addresses": (
                    AddressInput(
                        line1="1 Main St",
                        city="Austin",
                        region="TX",
                        postal_code="78701",
                        country="US",
                        purpose="holiday",
                    ),
                )
            },
            "addresses[0].purpose",
        ),
        ({"phones": (PhoneInput(number="(915) 555-0147"), PhoneInput(number="555-01"))}, "phones[1].number"),
        (
            {"phones": (PhoneInput(number="(915) 555-0147"), PhoneInput(number="915 555 0147"))},
            "phones[1].number",
        ),
        ({"phones": (PhoneInput(number="(915) 555-0147", kind="pager"),)}, "phones[0].kind"),
        (
            {
                "phones": (
                    PhoneInput(number="(915) 555-0147", is_primary=True),
                    PhoneInput(number="(915) 555-0148", is_primary=True),
                )
            },
            "phones[1].is_primary",
        ),
        ({"addresses": (), "phones": (PhoneInput(number="915 555 0147"),)}, "phones[0].number"),
        ({"emails": ("maria@example",)}, "emails[0]"),
        ({"emails": ("a@example.com", "A@Example.com")}, "emails[1]"),
    ],
)
def test_every_refusal_names_its_field_and_writes_nothing(overrides, field):
    before = _counts()

    with pytest.raises(DomainError) as error:
        us_customer(**overrides)

    assert error.value.field == field
    assert error.value.message.startswith(f"{field}:")
    assert _counts() == before


def test_a_naive_moment_is_refused():
    with pytest.raises(DomainError) as error:
        us_customer(at=datetime(2026, 3, 31, 12, 0))

    assert error.value.field == "at"


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    before = _counts()

    def audit_fails(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("recoup.parties.operations.audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        us_customer()

    assert _counts() == before
