"""The calculator for reduced-payment plans and settlements, through Django's test client."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from recoup.access.models import Role
from recoup.access.operations import user_create
from recoup.collections.models import ApprovalRequest, Arrangement, ArrangementPayment
from recoup.kernel import clock
from tests.integration.factories import book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(role: str) -> Client:
    user_create(username=role, password="a-long-password-1", role=role)
    client = Client()
    assert client.login(username=role, password="a-long-password-1")
    return client


@pytest.fixture
def account() -> str:
    """$18,000 at no interest: $300.00 a month, the first due in 20 days."""
    today = clock.today()
    return book(
        origination_date=today,
        first_due_date=today + timedelta(days=20),
        apr=Decimal("0"),
        amount_financed=Decimal("18000"),
        cash_price=Decimal("18000"),
    ).account_number


def _day(days: int) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def test_the_calculator_shows_a_plans_payments_beside_the_scheduled_ones_and_that_it_goes_for_approval(
    account,
) -> None:
    agent = _client(Role.AGENT)
    terms = {"kind": "reduced_payment", "amount": "150.00", "periods": "3", "first_date": _day(20)}

    page = agent.get(f"/accounts/{account}/arrangements/", terms).content.decode()

    assert 'id="quote-payments"' in page
    assert page.count("$150.00") == 3
    assert page.count("$300.00") == 3
    assert 'id="quote-reduction">50.00%' in page
    assert "Beyond your authority (largest payment reduction (%))" in page
    assert not Arrangement.objects.exists()


def test_a_plan_within_authority_is_made_from_the_quote_and_listed_with_its_payments(account) -> None:
    agent = _client(Role.AGENT)
    terms = {"kind": "reduced_payment", "amount": "240.00", "periods": "2", "first_date": _day(20)}

    made = agent.post(f"/accounts/{account}/arrangements/", terms, follow=True).content.decode()

    assert "Arrangement in effect: 2 payments to" in made
    assert Arrangement.objects.get().status == "active"
    assert ArrangementPayment.objects.count() == 2
    assert 'id="arrangement-list"' in made
    assert made.count("$240.00, paid $0.00") == 2


def test_a_settlement_of_two_lines_is_quoted_with_its_discount_and_sent_for_approval(account) -> None:
    agent = _client(Role.AGENT)
    terms = {
        "kind": "settlement",
        "payment_0_amount": "9000.00",
        "payment_0_date": _day(10),
        "payment_1_amount": "3600.00",
        "payment_1_date": _day(40),
    }

    quote = agent.get(f"/accounts/{account}/arrangements/", terms).content.decode()
    sent = agent.post(f"/accounts/{account}/arrangements/", terms, follow=True).content.decode()

    assert 'id="quote-discount">30.00%' in quote
    assert 'name="payment_1_amount" value="3600.00"' in quote
    assert "sent for approval" in sent
    assert ApprovalRequest.objects.get().asks["settlement_discount_percent"] == "30.00"
    assert "(30.00% off)" in sent


def test_a_settlement_line_in_the_past_is_refused_beside_its_date(account) -> None:
    agent = _client(Role.AGENT)
    terms = {
        "kind": "settlement",
        "payment_0_amount": "9000.00",
        "payment_0_date": _day(10),
        "payment_2_amount": "100.00",
        "payment_2_date": _day(-1),
    }

    response = agent.get(f"/accounts/{account}/arrangements/", terms)

    assert response.status_code == 400
    assert response.context["form"].errors["payment_2_date"] == [f"{_day(-1)} is in the past."]
