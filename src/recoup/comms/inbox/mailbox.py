"""The collections mailbox over IMAP: its settings from the environment, and reading the messages
after a UID. No Django: the operation that stores what is read lives in operations.py.

Settings (the inbox is off while RECOUP_INBOX_IMAP_HOST is unset):
  RECOUP_INBOX_IMAP_HOST      the server
  RECOUP_INBOX_IMAP_PORT      default 993 with SSL, 143 without
  RECOUP_INBOX_IMAP_USER      the mailbox's login
  RECOUP_INBOX_IMAP_PASSWORD  its password
  RECOUP_INBOX_IMAP_SSL       1 (default) for IMAP over TLS, 0 for a plain connection
  RECOUP_INBOX_IMAP_FOLDER    default INBOX

The mailbox is opened read-only (EXAMINE): reading never marks mail seen, moves or deletes it,
so the mailbox stays as the customers' mail arrived and another client may work it too.
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from recoup.comms.inbox.errors import MailboxNotConfigured, MailboxUnavailable

FETCH_BATCH = 50
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
_UID = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    port: int
    user: str
    password: str
    use_ssl: bool
    folder: str

    @property
    def name(self) -> str:
        """How the inbox names this mailbox in its bookkeeping (the password left out)."""
        return f"{self.user}@{self.host}:{self.port}"


def mailbox_settings(environ: Mapping[str, str]) -> MailboxSettings | None:
    """The mailbox the environment names; None while the inbox is off.

    Raises MailboxNotConfigured naming the variable that is missing or wrong.
    """
    host = environ.get("RECOUP_INBOX_IMAP_HOST", "").strip()
    if not host:
        return None
    ssl_text = environ.get("RECOUP_INBOX_IMAP_SSL", "1").strip().lower()
    if ssl_text not in _TRUE | _FALSE:
        raise MailboxNotConfigured(
            f"RECOUP_INBOX_IMAP_SSL: {ssl_text!r} is not 1 or 0", field="RECOUP_INBOX_IMAP_SSL"
        )
    use_ssl = ssl_text in _TRUE
    port_text = environ.get("RECOUP_INBOX_IMAP_PORT", "").strip() or ("993" if use_ssl else "143")
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MailboxNotConfigured(
            f"RECOUP_INBOX_IMAP_PORT: {port_text!r} is not a port number", field="RECOUP_INBOX_IMAP_PORT"
        )
    for variable in ("RECOUP_INBOX_IMAP_USER", "RECOUP_INBOX_IMAP_PASSWORD"):
        if not environ.get(variable, ""):
            raise MailboxNotConfigured(f"{variable}: is not set (the host is)", field=variable)
    return MailboxSettings(
        host=host,
        port=int(port_text),
        user=environ["RECOUP_INBOX_IMAP_USER"].strip(),
        password=environ["RECOUP_INBOX_IMAP_PASSWORD"],
        use_ssl=use_ssl,
        folder=environ.get("RECOUP_INBOX_IMAP_FOLDER", "").strip() or "INBOX",
    )


@dataclass(frozen=True)
class Fetched:
    uid: int
    received_at: datetime | None  # the server's INTERNALDATE: when the mail arrived
    raw: bytes


class MailboxReader:
    """One read-only session on the folder. Use as a context manager."""

    def __init__(self, settings: MailboxSettings, *, timeout: float = 60.0) -> None:
        self.settings = settings
        self.timeout = timeout
        self.uidvalidity = 0
        self._client: imaplib.IMAP4 | None = None

    def __enter__(self) -> MailboxReader:
        settings = self.settings
        try:
            if settings.use_ssl:
                client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    settings.host,
                    settings.port,
                    ssl_context=ssl.create_default_context(),
                    timeout=self.timeout,
                )
            else:
                client = imaplib.IMAP4(settings.host, settings.port, timeout=self.timeout)
            self._client = client
            client.login(settings.user, settings.password)
            typ, data = client.select(_quoted(settings.folder), readonly=True)
            if typ != "OK":
                raise MailboxUnavailable(
                    f"RECOUP_INBOX_IMAP_FOLDER: the server has no folder {settings.folder!r} ({_said(data)})",
                    field="RECOUP_INBOX_IMAP_FOLDER",
                )
            _, validity = client.response("UIDVALIDITY")
            self.uidvalidity = int(validity[0]) if validity and validity[0] else 0
        except (OSError, imaplib.IMAP4.error) as error:
            self.__exit__(None, None, None)
            raise MailboxUnavailable(
                f"mailbox: {settings.name} could not be read: {error}", field="mailbox"
            ) from None
        except MailboxUnavailable:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass

    def uids_after(self, last_uid: int) -> list[int]:
        """The folder's UIDs above `last_uid`, lowest first."""
        client = self._connected()
        # "n:*" always includes the highest UID, even when it is below n (RFC 3501 6.4.8).
        typ, data = client.uid("SEARCH", f"UID {last_uid + 1}:*")
        if typ != "OK":
            raise MailboxUnavailable(f"mailbox: UID SEARCH failed ({_said(data)})", field="mailbox")
        found = b" ".join(part for part in data if isinstance(part, bytes)).split()
        return sorted(uid for uid in (int(token) for token in found) if uid > last_uid)

    def messages(self, uids: list[int]) -> Iterator[Fetched]:
        """The messages with these UIDs, lowest first, read without marking them seen."""
        client = self._connected()
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            typ, data = client.uid("FETCH", ",".join(map(str, batch)), "(UID INTERNALDATE BODY.PEEK[])")
            if typ != "OK":
                raise MailboxUnavailable(f"mailbox: FETCH failed ({_said(data)})", field="mailbox")
            found: dict[int, Fetched] = {}
            for part in data:
                if not isinstance(part, tuple):
                    continue
                head, raw = part
                uid_match = _UID.search(head)
                if uid_match is None:
                    continue
                uid = int(uid_match.group(1))
                found[uid] = Fetched(uid=uid, received_at=_internaldate(head), raw=bytes(raw))
            for uid in batch:
                if uid in found:  # a message expunged between SEARCH and FETCH is simply gone
                    yield found[uid]

    def _connected(self) -> imaplib.IMAP4:
        if self._client is None:
            raise MailboxUnavailable("mailbox: not connected", field="mailbox")
        return self._client


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _said(data: object) -> str:
    if isinstance(data, list) and data and isinstance(data[0], bytes):
        return data[0].decode("utf-8", "replace")
    return str(data)


def _internaldate(head: bytes) -> datetime | None:
    match = _INTERNALDATE.search(head)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None
