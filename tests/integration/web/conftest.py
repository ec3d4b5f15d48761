from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from recoup.access.models import User
from recoup.access.operations import user_create
from recoup.portfolio import queries
from recoup.portfolio.demo import demo_load
from recoup.portfolio.queries import AccountSummary

PASSWORD = "a-long-enough-password"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; these tests sign in often and hash nothing worth guarding."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Sign-in throttling counts in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(db: None) -> User:
    return user_create(username="sam", password=PASSWORD, role="agent", first_name="Sam", last_name="Okafor")


@pytest.fixture
def signed_in(client: Client, agent: User) -> Client:
    client.force_login(agent)
    return client


AS_OF = date(2024, 6, 14)


@pytest.fixture
def book(db: None) -> None:
    """A small demo book: two US and two UK accounts, some with co-borrowers."""
    demo_load(accounts=4, seed=2, as_of=AS_OF)


@pytest.fixture
def us_account(book: None) -> AccountSummary:
    return queries.account_list(country="US", limit=1)[0]


@pytest.fixture
def uk_account(book: None) -> AccountSummary:
    return queries.account_list(country="GB", limit=1)[0]
