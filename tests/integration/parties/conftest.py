from datetime import UTC, date, datetime

import pytest
from django.db import connection

from recoup.access.models import User
from recoup.parties.models import Party
from recoup.parties.operations import AddressInput, PhoneInput, customer_create

AT = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def agent(db):
    return User.objects.create(username="agent", first_name="Alex", last_name="Agent", role="agent")


@pytest.fixture
def team_leader(db):
    return User.objects.create(username="lead", role="team_leader")


def us_customer(**overrides) -> Party:
    arguments = {
        "kind": "individual",
        "given_name": "Maria",
        "family_name": "Gonzalez",
        "date_of_birth": date(1984, 2, 29),
        "addresses": (
            AddressInput(
                line1="1200 Main St", city="El Paso", region="TX", postal_code="79901", country="US"
            ),
        ),
        "phones": (PhoneInput(number="(915) 555-0147", is_primary=True),),
        "emails": ("Maria.Gonzalez@Example.com",),
        "at": AT,
    }
    return customer_create(**(arguments | overrides))


def uk_customer(**overrides) -> Party:
    arguments = {
        "kind": "individual",
        "given_name": "Siân",
        "family_name": "Llewellyn",
        "addresses": (
            AddressInput(line1="4 Heol y Frenhines", city="Cardiff", postal_code="cf10 1ep", country="GB"),
        ),
        "phones": (
            PhoneInput(number="07911 123456", is_primary=True),
            PhoneInput(number="029 2018 0000", kind="home"),
        ),
        "emails": ("sian@example.co.uk",),
        "at": AT,
    }
    return customer_create(**(arguments | overrides))
