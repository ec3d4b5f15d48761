"""Two API requests racing with one Idempotency-Key: the UNIQUE (user, key) row makes the second
wait for the first and replay its answer, so the payment is taken once. On PostgreSQL, where the two
transactions really run side by side (SQLite's test database queues every writer anyway)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from recoup.access.models import User
from recoup.access.operations import api_token_issue
from recoup.ledger.models import Receipt
from recoup.payments.gateway import provider_configured
from recoup.payments.models import IdempotentRequest, Payment
from tests.integration.factories import book
from tests.integration.payments.helpers import card_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two transactions side by side need PostgreSQL; SQLite's test database queues writers")


def test_two_requests_racing_with_one_key_post_once(outbox):
    user = User.objects.create_user(username="dialer", password="not-used-here", role="agent")
    token, _ = api_token_issue(user=user, name="dialer", at=datetime(2024, 1, 1, tzinfo=UTC))
    client = Client(headers={"Authorization": f"Bearer {token}"})
    number = book().account_number
    body = {"token": card_token(provider_configured()), "amount": "304.15"}
    url = f"/api/v1/accounts/{number}/card-payments"
    barrier = threading.Barrier(2)
    answers = []

    def send():
        barrier.wait()
        try:
            answers.append(
                client.post(url, body, content_type="application/json", headers={"Idempotency-Key": "race"})
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Payment.objects.count() == Receipt.objects.count() == IdempotentRequest.objects.count() == 1
