"""Email and SMS providers: whatever carries a message out returns a reference for the record.

`FileProvider` writes each email as an .eml file (RFC 5322, readable by any mail client) and each
SMS as a .json file into a directory: the default for the demo and the tests, and what a lender
runs until a gateway is configured. `ConsoleProvider` prints them. `SmtpProvider` hands email to
an SMTP relay (STARTTLS and a login when configured) and passes SMS to another provider, since no
SMS goes by SMTP; an SMS aggregator's HTTP API would be another class with the same `send`.
Pure: no Django.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol, TextIO

from recoup.comms.errors import DeliveryFailed


@dataclass(frozen=True)
class Message:
    channel: str  # "email" or "sms"
    to: str  # an email address, or a phone number in E.164
    sender: str  # "Name <address>" for email, a sender id or number for SMS
    body_text: str
    at: datetime
    subject: str = ""
    body_html: str = ""  # email only: the HTML part beside the plain text
    headers: dict[str, str] = field(default_factory=dict)  # email only, e.g. List-Unsubscribe
    in_reply_to: str = ""  # email only: the Message-ID answered


class Provider(Protocol):
    def send(self, message: Message) -> str:
        """Hand the message over; return the reference the provider knows it by."""
        ...


def email_build(message: Message, *, domain: str) -> EmailMessage:
    """The message as RFC 5322 email: plain text, with the HTML as an alternative when given."""
    email = EmailMessage()
    email["From"] = message.sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.at)
    # A random id rather than make_msgid's, which is built from the clock and the process id.
    email["Message-ID"] = f"<{uuid.uuid4().hex}@{domain}>"
    if message.in_reply_to:
        email["In-Reply-To"] = message.in_reply_to
        email["References"] = message.in_reply_to
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _sms_document(message: Message, reference: str) -> dict[str, str]:
    return {
        "reference": reference,
        "to": message.to,
        "from": message.sender,
        "body": message.body_text,
        "at": message.at.isoformat(),
    }


class FileProvider:
    """Writes email as `<moment>-<reference>.eml` and SMS as `.json` into `directory`."""

    def __init__(self, directory: Path, *, domain: str = "recoup.localhost") -> None:
        self.directory = Path(directory)
        self.domain = domain

    def send(self, message: Message) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = message.at.strftime("%Y%m%dT%H%M%S")
        if message.channel == "email":
            email = email_build(message, domain=self.domain)
            reference = str(email["Message-ID"])
            name = reference.strip("<>").split("@")[0]
            (self.directory / f"{stamp}-{name}.eml").write_bytes(bytes(email))
            return reference
        reference = f"sms-{uuid.uuid4().hex[:16]}"
        path = self.directory / f"{stamp}-{reference}.json"
        path.write_text(json.dumps(_sms_document(message, reference), indent=2), encoding="utf-8")
        return reference


class ConsoleProvider:
    """Prints each message to a stream (standard output by default), for a developer watching."""

    def __init__(self, stream: TextIO, *, domain: str = "recoup.localhost") -> None:
        self.stream = stream
        self.domain = domain

    def send(self, message: Message) -> str:
        if message.channel == "email":
            email = email_build(message, domain=self.domain)
            self.stream.write(email.as_string() + "\n")
            return str(email["Message-ID"])
        reference = f"sms-{uuid.uuid4().hex[:16]}"
        self.stream.write(json.dumps(_sms_document(message, reference)) + "\n")
        return reference


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout_seconds: float = 30.0


class SmtpProvider:
    """Sends email through an SMTP relay, one connection per message; SMS goes to `sms` (the
    outbox until an SMS gateway is configured). The reference is the email's Message-ID, which a
    customer's reply quotes in In-Reply-To for the collections inbox to thread it."""

    def __init__(self, smtp: SmtpSettings, *, sms: Provider, domain: str = "recoup.localhost") -> None:
        self.smtp = smtp
        self.sms = sms
        self.domain = domain

    def send(self, message: Message) -> str:
        if message.channel != "email":
            return self.sms.send(message)
        email = email_build(message, domain=self.domain)
        try:
            with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout_seconds) as relay:
                if self.smtp.starttls:
                    relay.starttls(context=ssl.create_default_context())
                if self.smtp.username:
                    relay.login(self.smtp.username, self.smtp.password)
                relay.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(
                f"channel: the mail relay {self.smtp.host}:{self.smtp.port} did not take the email ({error})",
                field="channel",
            ) from None
        return str(email["Message-ID"])
