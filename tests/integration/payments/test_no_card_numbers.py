"""No card number anywhere: after card payments through the web and the API — taken, declined,
refused, with every SQL statement and DEBUG line logged — no text column of any table and no log
line holds a Luhn-valid run of 13 to 19 digits. And the scan finds one when it is there."""

import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from recoup.access.models import User
from recoup.access.operations import api_token_issue, audit_record
from recoup.payments.models import Payment
from tests.integration.payments.card_scan import card_numbers_in_logs, card_numbers_in_tables
from tests.integration.payments.helpers import AT, DECLINING, VISA

pytestmark = pytest.mark.django_db

CARDS = [VISA, "5555555555554444", "378282246310005", "6011111111111117", *DECLINING]
UNTAKEN = "3530111333300000"  # a JCB test number: Luhn-valid, a brand the sandbox does not take


@pytest.fixture
def sql_logged():
    """Every query with its parameters goes to the django.db.backends logger, as under DEBUG."""
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = forced


def _tokenize(number: str) -> dict:
    cvc = "1234" if number.startswith("37") else "123"
    fields = {
        "number": number,
        "exp_month": "12",
        "exp_year": "2030",
        "cvc": cvc,
        "holder_name": "Maria Garcia",
    }
    return Client().post(reverse("web:card_sandbox_tokens"), fields).json()


def _card_flows(contract, agent) -> None:
    number = contract.account_number
    web = Client()
    web.force_login(agent)
    for index, card in enumerate(CARDS):
        token = _tokenize(card)["token"]
        web.post(
            reverse("web:card_payment_new", args=[number]),
            {"token": token, "amount": "12.34", "attempt": f"web-{index}"},
            HTTP_HX_REQUEST="true",
        )
    # Numbers a person might send where no number belongs: each is refused, and forgotten.
    assert "error" in _tokenize(UNTAKEN)
    web.post(
        reverse("web:payment_new", args=[number]),
        {
            "channel": "other",
            "amount": "1.00",
            "received_date": "2024-03-01",
            "reference": f"card {VISA}",
            "attempt": "ref",
        },
    )
    web.post(
        reverse("web:card_payment_new", args=[number]),
        {"token": VISA, "amount": "1.00", "attempt": "pan-as-token"},
    )

    api_user = User.objects.create_user(username="ivr", password="not-used-here", role="agent")
    bearer, _ = api_token_issue(user=api_user, name="ivr", at=AT)
    api = Client(headers={"Authorization": f"Bearer {bearer}"})
    url = f"/api/v1/accounts/{number}/card-payments"
    for index, card in enumerate(CARDS):
        body = {"token": _tokenize(card)["token"], "amount": "5.00"}
        for _ in range(2):  # the second replays the first answer
            api.post(url, body, content_type="application/json", headers={"Idempotency-Key": f"api-{index}"})
    api.post(
        url,
        {"number": VISA, "cvc": "123", "amount": "5.00"},
        content_type="application/json",
        headers={"Idempotency-Key": "pan"},
    )
    api.post(
        url,
        {"token": VISA, "amount": "5.00"},
        content_type="application/json",
        headers={"Idempotency-Key": "pan-token"},
    )
    api.post(
        f"/api/v1/accounts/{number}/payments",
        {"amount": "5.00", "received_date": "2024-03-01", "reference": VISA},
        content_type="application/json",
        headers={"Idempotency-Key": "pan-reference"},
    )


def test_no_table_and_no_log_line_holds_a_card_number(
    contract, agent, outbox, caplog, sql_logged, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own configuration stops it at INFO

    with django_capture_on_commit_callbacks(execute=True):
        _card_flows(contract, agent)

    assert Payment.objects.filter(status="succeeded").count() == 2 * (len(CARDS) - len(DECLINING))
    assert Payment.objects.filter(status="declined").count() == 2 * len(DECLINING)
    assert any(r.name == "django.db.backends" for r in caplog.records), "the SQL was not logged"
    assert any("tokenized a visa card ending 4242" in r.getMessage() for r in caplog.records)
    found = card_numbers_in_tables() + card_numbers_in_logs(caplog.records)
    assert not found, "card numbers found: " + "; ".join(map(str, found))
    for sent in outbox.glob("*.eml"):
        assert not re.search(r"4242424242424242|5555555555554444", sent.read_text()), sent.name


def test_the_scan_finds_a_card_number_planted_in_a_table(contract, agent):
    Payment.objects.create(
        contract_id=contract.contract_id,
        channel="cash",
        amount_minor=100,
        currency="USD",
        status="succeeded",
        ledger_receipt_id=999,
        request_key="planted",
        reference="paid with 4242-4242-4242-4242",
        received_date=AT.date(),
        taken_by=agent,
        taken_at=AT,
    )

    found = card_numbers_in_tables()

    assert [str(f) for f in found] == ["payments_payment.reference: a card number ending 4242"]


def test_the_scan_finds_a_card_number_in_a_json_column_and_in_a_log_line(contract, agent, caplog):
    audit_record(
        actor=agent,
        action="test.plant",
        object_type="contract",
        object_id=1,
        at=AT,
        after={"note": "5555 5555 5555 4444"},
    )
    caplog.set_level(logging.DEBUG)
    logging.getLogger("recoup.planted").debug("card %s declined", "378282246310005")

    in_tables = [str(f) for f in card_numbers_in_tables()]
    in_logs = [str(f) for f in card_numbers_in_logs(caplog.records)]

    assert in_tables == ["access_auditevent.after: a card number ending 4444"]
    assert in_logs == ["log recoup.planted: a card number ending 0005"]
