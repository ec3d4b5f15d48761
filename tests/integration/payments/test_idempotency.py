"""Idempotency keys on the API's money-moving POSTs: the first answer is kept and replayed; the same
key with another body is refused naming the header; two requests racing with one key post once."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from recoup.access.models import User
from recoup.access.operations import api_token_issue
from recoup.ledger.models import JournalEntry, Receipt
from recoup.payments.models import IdempotentRequest, Payment
from tests.integration.factories import book
from tests.integration.payments.helpers import DECLINING, VISA, card_token

pytestmark = pytest.mark.django_db


def client_for(role="agent", username="dialer"):
    user = User.objects.create_user(username=username, password="not-used-here", role=role)
    token, _ = api_token_issue(user=user, name=username, at=datetime(2024, 1, 1, tzinfo=UTC))
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def api(outbox):
    return client_for()


def post(client, url, body, key):
    return client.post(url, body, content_type="application/json", headers={"Idempotency-Key": key})


def test_a_card_payment_sent_twice_replays_the_first_answer(api, contract, provider):
    url = f"/api/v1/accounts/{contract.account_number}/card-payments"
    body = {"token": card_token(provider), "amount": "304.15"}

    first = post(api, url, body, "card-1")
    again = post(api, url, body, "card-1")

    assert first.status_code == 201, first.content
    assert first.json()["method"] == "Visa ending 4242"
    assert first.json()["balance"] == "14695.85"
    assert (again.status_code, again.content) == (201, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Payment.objects.count() == Receipt.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_naming_the_header(api, contract, provider):
    url = f"/api/v1/accounts/{contract.account_number}/card-payments"
    token = card_token(provider)
    post(api, url, {"token": token, "amount": "304.15"}, "card-2")

    response = post(api, url, {"token": token, "amount": "30.00"}, "card-2")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["field"] == "Idempotency-Key"
    assert Payment.objects.count() == 1


def test_the_same_key_on_another_endpoint_is_refused(api, contract, provider):
    number = contract.account_number
    post(
        api,
        f"/api/v1/accounts/{number}/card-payments",
        {"token": card_token(provider), "amount": "1.00"},
        "k",
    )

    response = post(
        api, f"/api/v1/accounts/{number}/payments", {"amount": "1.00", "received_date": "2024-03-01"}, "k"
    )

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


def test_a_body_written_with_other_spacing_and_key_order_is_the_same_request(api, contract, provider):
    url = f"/api/v1/accounts/{contract.account_number}/card-payments"
    token = card_token(provider)
    first = api.post(
        url,
        f'{{"token": "{token}", "amount": "5.00"}}',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )

    again = api.post(
        url,
        f'{{"amount":"5.00","token":"{token}"}}',
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )

    assert again.status_code == 201
    assert again.content == first.content


def test_keys_belong_to_their_user(api, contract, provider):
    other = client_for(username="portal")
    url = f"/api/v1/accounts/{contract.account_number}/card-payments"

    post(api, url, {"token": card_token(provider), "amount": "5.00"}, "shared")
    response = post(
        other, url, {"token": card_token(provider, "5555555555554444"), "amount": "6.00"}, "shared"
    )

    assert response.status_code == 201, response.content
    assert Payment.objects.count() == 2


@pytest.mark.parametrize(("number", "decline"), list(DECLINING.items())[:2])
def test_a_declined_card_answers_402_and_the_decline_is_replayed(api, contract, provider, number, decline):
    url = f"/api/v1/accounts/{contract.account_number}/card-payments"
    body = {"token": card_token(provider, number), "amount": "304.15"}

    first = post(api, url, body, "declined")
    again = post(api, url, body, "declined")

    assert first.status_code == 402
    assert first.json()["decline_code"] == decline[0]
    assert first.json()["detail"] == decline[1]
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (402, first.content, "true")
    assert not Receipt.objects.exists()
    assert Payment.objects.get().status == "declined"


def test_a_refused_request_keeps_nothing_so_the_key_may_be_sent_again_corrected(api, contract, provider):
    url = f"/api/v1/accounts/{contract.account_number}/card-payments"
    token = card_token(provider)

    refused = post(api, url, {"token": token, "amount": "0"}, "fix-me")
    corrected = post(api, url, {"token": token, "amount": "10.00"}, "fix-me")

    assert (refused.status_code, refused.json()["field"]) == (422, "amount")
    assert corrected.status_code == 201
    assert IdempotentRequest.objects.get().status_code == 201


def test_a_card_number_in_the_body_is_refused_before_anything_is_read(api, contract):
    response = post(
        api,
        f"/api/v1/accounts/{contract.account_number}/card-payments",
        {"number": VISA, "cvc": "123", "amount": "5.00", "token": "x"},
        "pan",
    )

    assert response.status_code == 422
    assert response.json()["field"] in {"number", "cvc"}
    assert VISA not in response.content.decode()
    assert not IdempotentRequest.objects.exists()


def test_a_payment_on_another_channel_is_recorded_with_its_reference(api, contract):
    response = post(
        api,
        f"/api/v1/accounts/{contract.account_number}/payments",
        {"amount": "304.15", "received_date": "2024-03-01", "channel": "money_order", "reference": "MO 7781"},
        "mo-1",
    )

    assert response.status_code == 201, response.content
    assert (response.json()["channel"], response.json()["method"]) == ("money_order", "Money order MO 7781")
    listed = api.get(f"/api/v1/accounts/{contract.account_number}/payments").json()
    assert [p["payment_id"] for p in listed] == [response.json()["payment_id"]]


def test_manual_entries_replay_their_first_answer(outbox):
    client = client_for(role="head_of_credit", username="hoc")
    number = book().account_number
    body = {
        "reason_code": "goodwill_credit",
        "effective_date": "2024-02-10",
        "lines": [
            {"code": "principal", "amount": "-10.00", "currency": "USD"},
            {"code": "credits", "amount": "10.00", "currency": "USD"},
        ],
    }
    url = f"/api/v1/accounts/{number}/journal-entries"

    first = post(client, url, body, "adj")
    again = post(client, url, body, "adj")
    changed = post(client, url, {**body, "memo": "another"}, "adj")

    assert first.status_code == 201, first.content
    assert (again.content, again["Idempotent-Replayed"]) == (first.content, "true")
    assert (changed.status_code, changed.json()["field"]) == (422, "Idempotency-Key")


def test_credits_replay_their_first_answer(api, contract):
    url = f"/api/v1/accounts/{contract.account_number}/credits"
    body = {"kind": "credit", "amount": "5.00", "reason": "goodwill"}

    first = post(api, url, body, "credit")
    again = post(api, url, body, "credit")

    assert first.status_code == 201, first.content
    assert (again.content, again["Idempotent-Replayed"]) == (first.content, "true")
    assert JournalEntry.objects.filter(reason_code__icontains="credit").count() <= 1
