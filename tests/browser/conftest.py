"""A real Chromium against a live server holding a small demo book."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from recoup.ledger.append_only import journal_triggers_lifted
from recoup.portfolio import queries
from recoup.portfolio.demo import demo_load
from recoup.portfolio.models import Contract
from recoup.portfolio.operations import schedule_modify
from recoup.portfolio.queries import AccountSummary

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AS_OF = date(2024, 6, 14)


@pytest.fixture(scope="session", autouse=True)
def _urls_loaded() -> None:
    """Import every view before the first page is asked for: the API's and the batch modules'
    imports take seconds on a busy machine, which the first navigation would otherwise wait out."""
    get_resolver().url_patterns  # noqa: B018 - loading them is the point


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="en-US")
    context.set_default_timeout(5_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow on purpose; the demo users' passwords guard nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _flush_past_the_journal_triggers() -> None:
    """Empty the database the way the test teardown will, with the journal's triggers lifted."""
    with journal_triggers_lifted():
        call_command("flush", verbosity=0, interactive=False)


@pytest.fixture
def demo_book(transactional_db: None) -> Iterator[AccountSummary]:
    """Four demo accounts; the first US account has had its schedule deferred, so it has two versions."""
    demo_load(accounts=4, seed=2, as_of=AS_OF)
    account = queries.account_list(country="US", limit=1)[0]
    schedule = queries.schedule_version_view(account.account_number, 1)
    next_number = next(i.number for i in schedule.installments if not i.is_due)
    schedule_modify(
        contract=Contract.objects.get(account_number=account.account_number),
        kind="deferral",
        from_installment=next_number,
        periods=1,
        effective_date=AS_OF,
        at=datetime(2024, 6, 14, 12, tzinfo=UTC),
    )
    yield queries.account_list(country="US", limit=1)[0]
    _flush_past_the_journal_triggers()


@pytest.fixture
def signed_in_page(context: BrowserContext, live_server: LiveServer, demo_book: AccountSummary) -> Page:
    """A page whose browser already holds a session for the demo agent."""
    client = Client()
    client.login(username="agent", password="recoup-demo")
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context.new_page()
