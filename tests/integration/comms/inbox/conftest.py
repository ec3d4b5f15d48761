"""A real Dovecot for the inbox tests, and a folder of its own for each test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from recoup.comms.inbox.mailbox import MailboxSettings
from tests.imap_server import ImapServer, dovecot_server

__all__ = ["dovecot_server"]


@dataclass(frozen=True)
class LiveMailbox:
    server: ImapServer
    settings: MailboxSettings

    def deliver(self, message: bytes, *, received_at: datetime | None = None) -> int:
        return self.server.append(self.settings.folder, message, received_at=received_at)


@pytest.fixture
def mailbox(dovecot_server: ImapServer) -> LiveMailbox:
    settings = MailboxSettings(
        host=dovecot_server.host,
        port=dovecot_server.port,
        user=dovecot_server.user,
        password=dovecot_server.password,
        use_ssl=False,
        folder=dovecot_server.new_folder(),
    )
    return LiveMailbox(server=dovecot_server, settings=settings)
