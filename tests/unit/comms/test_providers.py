"""Providers: the file provider writes real email and SMS documents; the console one prints them."""

import io
import json
from datetime import UTC, datetime
from email import message_from_bytes, policy

from recoup.comms.providers import ConsoleProvider, FileProvider, Message

AT = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def email(**changes) -> Message:
    fields = {
        "channel": "email",
        "to": "maria.garcia@example.com",
        "sender": "Recoup Auto Finance <care@recoup.example>",
        "subject": "Your account is overdue",
        "body_text": "Please pay.\n\nTo stop emails from us, open https://x.example/u/abc/",
        "body_html": '<p>Please pay.</p><a href="https://x.example/u/abc/">unsubscribe</a>',
        "headers": {
            "List-Unsubscribe": "<https://x.example/u/abc/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        "at": AT,
    }
    return Message(**{**fields, **changes})


def test_the_file_provider_writes_an_email_with_its_unsubscribe_headers(tmp_path):
    reference = FileProvider(tmp_path, domain="recoup.example").send(
        email(in_reply_to="<q1@customer.example>")
    )

    (written,) = tmp_path.glob("*.eml")
    parsed = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == reference
    assert reference.endswith("@recoup.example>")
    assert parsed["To"] == "maria.garcia@example.com"
    assert parsed["Subject"] == "Your account is overdue"
    assert parsed["List-Unsubscribe"] == "<https://x.example/u/abc/>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["In-Reply-To"] == "<q1@customer.example>"
    assert parsed["Date"] == "Fri, 01 Mar 2024 09:30:00 +0000"
    assert "https://x.example/u/abc/" in parsed.get_body(("plain",)).get_content()
    assert "unsubscribe</a>" in parsed.get_body(("html",)).get_content()
    assert written.name.startswith("20240301T093000-")


def test_the_file_provider_writes_an_sms_as_json(tmp_path):
    sms = Message(
        channel="sms", to="+17135550142", sender="Recoup", body_text="Hi. Reply STOP to opt out", at=AT
    )

    reference = FileProvider(tmp_path).send(sms)

    (written,) = tmp_path.glob("*.json")
    document = json.loads(written.read_text())
    assert document == {
        "reference": reference,
        "to": "+17135550142",
        "from": "Recoup",
        "body": "Hi. Reply STOP to opt out",
        "at": "2024-03-01T09:30:00+00:00",
    }


def test_two_emails_get_two_references_and_two_files(tmp_path):
    provider = FileProvider(tmp_path)

    first, second = provider.send(email()), provider.send(email())

    assert first != second
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_the_console_provider_prints_the_email():
    stream = io.StringIO()

    reference = ConsoleProvider(stream).send(email())

    assert f"Message-ID: {reference}" in stream.getvalue()
    assert "List-Unsubscribe: <https://x.example/u/abc/>" in stream.getvalue()
