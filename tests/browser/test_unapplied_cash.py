"""An agent works the unapplied-cash queue: a payment from a payer the matching could not place is
applied to the account the agent finds (a mistyped account number is named first), a transfer
between the lender's own accounts is set aside with a reason, and the day then reconciles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from recoup.ledger.queries import receipts
from recoup.payments.statements.operations import statement_file_import
from recoup.portfolio.models import Contract
from recoup.portfolio.queries import AccountSummary
from tests.browser.conftest import AS_OF
from tests.integration.payments.statements_builders import credit, file_bytes, statement_file

pytestmark = pytest.mark.django_db(transaction=True)

AT = datetime(2024, 6, 14, 9, tzinfo=UTC)


def test_an_agent_applies_one_line_sets_another_aside_and_the_day_reconciles(
    signed_in_page: Page, live_server: LiveServer, demo_book: AccountSummary
):
    account = demo_book.account_number
    parsed = statement_file(
        credit(
            25000,
            payer_name="J SOMEBODY",
            remittance="car payment",
            bank_reference="FPS-1",
            booking_date=AS_OF,
        ),
        credit(900000, payer_name="RECOUP RESERVE", bank_reference="TRF-9", booking_date=AS_OF),
        statement_id="STMT-2024-06-14",
        statement_date=AS_OF,
    )
    statement_file_import(parsed=parsed, data=file_bytes(parsed), file_name="bank-0614.xml", at=AT)
    contract = Contract.objects.get(account_number=account)
    before = len(receipts(contract.pk))
    page = signed_in_page

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Unapplied cash").click()
    expect(page.get_by_role("heading", name="Unapplied cash")).to_be_visible()
    rows = page.locator("#unapplied-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("J SOMEBODY")
    rows.first.get_by_role("link", name="Work line").click()

    expect(page.get_by_role("heading", name="Payment of $250.00")).to_be_visible()
    page.get_by_label("Account number").fill("1999999999")
    page.get_by_role("button", name="Apply $250.00").press("Enter")
    expect(page.locator("#id_account_number_error")).to_contain_text("No account '1999999999'")
    expect(page.get_by_label("Account number")).to_be_focused()
    page.get_by_label("Account number").fill(account)
    page.get_by_role("button", name="Apply $250.00").click()

    expect(page.get_by_role("status")).to_contain_text(f"to account {account}")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name="Work line").click()
    page.get_by_label("Why this is not customer money").fill("Transfer from our reserve account")
    page.get_by_role("button", name="Set aside").click()

    expect(page.get_by_role("status")).to_contain_text("not customer money")
    expect(page.locator("#unapplied-empty")).to_be_visible()
    page.get_by_role("link", name="Cash reconciliation").click()
    page.get_by_label("Statement date").fill(AS_OF.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Reconciled")).to_be_visible()
    expect(page.locator("main")).to_contain_text("0 differences")
    assert len(receipts(contract.pk)) == before + 1
