"""Two fetches of one mailbox at the same instant (a scheduler overlapping itself): every message is
stored once, and the folder's mark ends at its last UID."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from recoup.comms.inbox.models import InboundMessage, InboxItem, MailboxState
from recoup.comms.inbox.operations import inbox_fetch
from recoup.portfolio.operations import products_install_standard
from tests.integration.comms.inbox.builders import us_account
from tests.integration.comms.inbox.conftest import LiveMailbox
from tests.unit.comms.inbox import samples

pytestmark = pytest.mark.django_db(transaction=True)

AT = datetime(2024, 7, 3, 15, 5, tzinfo=UTC)
MESSAGES = 12


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers instead")
    products_install_standard()  # a transactional test starts from a flushed database


def test_two_fetches_at_once_store_each_message_once(mailbox: LiveMailbox):
    us_account()
    for n in range(MESSAGES):
        mailbox.deliver(samples.with_attachments(message_id=f"<race-{n}@customer.example>"))
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[Exception] = []

    def fetch() -> None:
        try:
            start.wait()
            results.append(inbox_fetch(at=AT, mailbox=mailbox.settings))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(result["stored"] for result in results) == MESSAGES
    assert InboundMessage.objects.count() == InboxItem.objects.count() == MESSAGES
    assert MailboxState.objects.get().last_uid == MESSAGES
