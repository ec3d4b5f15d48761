"""Browser: an agent takes a card payment on the account page. The card's number goes from the page
to the sandbox provider's endpoint only; Recoup's form receives the token; a declined card is shown
with its reason and the card taken next is listed with its brand and last four."""

import re

import pytest
from playwright.sync_api import Page, Request, expect
from pytest_django.live_server_helper import LiveServer

from recoup.compliance.calling_hours import callable_time_zones
from recoup.kernel import clock
from recoup.parties.models import Address
from recoup.payments.models import Payment
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary

pytestmark = pytest.mark.django_db(transaction=True)

VISA = "4242424242424242"
INSUFFICIENT_FUNDS = "4000000000009995"


@pytest.fixture(autouse=True)
def _receipts_in_files(settings, tmp_path, demo_book: AccountSummary) -> None:
    """Receipts are written to files; the customer lives where it is daytime now, so the receipt may
    go by email."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RECOUP_COMMS_OUTBOX = str(tmp_path / "outbox")
    settings.RECOUP_COMMS_PROVIDER = "file"
    contract = Contract.objects.get(account_number=demo_book.account_number)
    zone = sorted(callable_time_zones(at=clock.now()))[0]
    Address.objects.filter(party_id=contract.customer_id).update(time_zones=zone)


def _fill_card(panel, number: str) -> None:
    panel.get_by_label("Card number").fill(number)
    panel.get_by_label("Expiry month").fill("09")
    panel.get_by_label("Expiry year").fill(str(clock.today().year + 3))
    panel.get_by_label("Security code").fill("123")
    panel.get_by_label("Name on the card").fill("Maria Garcia")


def test_an_agent_takes_a_card_payment_and_recoup_sees_only_the_token(
    signed_in_page: Page, live_server: LiveServer, demo_book: AccountSummary
):
    page = signed_in_page
    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/accounts/{demo_book.account_number}/")
    page.get_by_role("tab", name="Payments").click()
    panel = page.get_by_role("tabpanel", name="Payments")
    expect(panel.get_by_text("No payments taken yet.")).to_be_visible()

    panel.get_by_label("Amount").first.fill("50.00")
    _fill_card(panel, INSUFFICIENT_FUNDS)
    panel.get_by_role("button", name="Charge the card").click()

    expect(panel.get_by_role("alert")).to_contain_text(
        "Visa ending 9995 was declined: The card has insufficient funds. Nothing was taken."
    )
    expect(panel.locator("#payment-list")).to_contain_text("Declined")

    form = panel.locator("#card-payment-form")
    form.get_by_label("Amount").fill("50.00")
    _fill_card(form, VISA)
    form.get_by_role("button", name="Charge the card").click()

    expect(panel.get_by_role("status")).to_contain_text("$50.00 taken by Visa ending 4242")
    expect(panel.locator("#payment-list tbody tr").first).to_contain_text("Visa ending 4242")
    expect(panel.locator("#payment-list tbody tr").first).to_contain_text("$50.00")
    expect(form.get_by_label("Card number")).to_have_value("")
    assert [p.status for p in Payment.objects.order_by("pk")] == ["declined", "succeeded"]

    to_provider = [p for p in posts if p.url.endswith("/sandbox-provider/v1/tokens")]
    to_recoup = [p for p in posts if re.search(r"/payments/card/$", p.url)]
    assert len(to_provider) == len(to_recoup) == 2
    assert VISA in (to_provider[1].post_data or "")
    for request in to_recoup:
        sent = request.post_data or ""
        assert "tok_sandbox_" in sent
        assert VISA not in sent
        assert INSUFFICIENT_FUNDS not in sent
        assert "cvc" not in sent


def test_the_provider_names_a_mistyped_card_number_and_nothing_reaches_recoup(
    signed_in_page: Page, live_server: LiveServer, demo_book: AccountSummary
):
    page = signed_in_page
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{live_server.url}/accounts/{demo_book.account_number}/#payments")
    panel = page.get_by_role("tabpanel", name="Payments")
    form = panel.locator("#card-payment-form")

    form.get_by_label("Amount").fill("10.00")
    _fill_card(form, "4242424242424241")
    form.get_by_role("button", name="Charge the card").click()

    expect(form.locator("#card-number-error")).to_have_text("this is not a valid card number")
    expect(form.get_by_label("Card number")).to_be_focused()
    assert not any(url.endswith("/payments/card/") for url in posts)
    assert not Payment.objects.exists()
