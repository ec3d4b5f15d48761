"""Emails as customers send them, built as bytes: plain, multipart with attachments, HTML only, in
older charsets, replies with References, auto-replies."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def plain(
    *,
    message_id: str = "<plain-1@customer.example>",
    sender: str = "Maria Garcia <maria.garcia@example.com>",
    subject: str = "About my payment",
    body: str = "I will pay on Friday.",
    in_reply_to: str = "",
    references: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "collections@lender.example"
    message["Subject"] = subject
    message["Date"] = "Fri, 14 Jun 2024 10:15:00 -0500"
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


def with_attachments(
    *,
    message_id: str = "<statement-1@customer.example>",
    sender: str = "maria.garcia@example.com",
    subject: str = "Bank statement attached",
) -> bytes:
    """Text and HTML alternatives, a PDF, and a photo whose name is in UTF-8 (RFC 2231)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "collections@lender.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content("Please find my statement attached.")
    message.add_alternative("<p>Please find my <b>statement</b> attached.</p>", subtype="html")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="statement-may.pdf")
    message.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="reçu café.jpg")
    return message.as_bytes(policy=SMTP)


def html_only(
    *, message_id: str = "<html-1@customer.example>", sender: str = "maria.garcia@example.com"
) -> bytes:
    return (
        "From: " + sender + "\r\n"
        "To: collections@lender.example\r\n"
        "Subject: Hardship\r\n"
        "Message-ID: " + message_id + "\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "\r\n"
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><p>I lost my job &amp; cannot pay.</p><ul><li>Rent</li><li>Car</li></ul>"
        '<p>See <a href="https://evil.example/pay">your account</a></p></body></html>\r\n'
    ).encode()


def latin1(
    *, message_id: str = "<latin1-1@customer.example>", sender: str = "callum.reid@example.co.uk"
) -> bytes:
    """ISO-8859-1 body and an RFC 2047 encoded subject, as older clients send."""
    return (
        b"From: Callum Reid <" + sender.encode() + b">\r\n"
        b"To: collections@lender.example\r\n"
        b"Subject: =?iso-8859-1?q?Paiement_re=E7u_=A3200?=\r\n"
        b"Message-ID: " + message_id.encode() + b"\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"J'ai pay\xe9 \xa3200 hier. Gr\xfc\xdfe.\r\n"
    )


def shift_jis(*, message_id: str = "<sjis-1@customer.example>") -> bytes:
    body = "お支払いは金曜日です。".encode("shift_jis")
    return (
        b"From: customer@example.jp\r\n"
        b"Subject: =?ISO-2022-JP?B?GyRCO1lKJyQkGyhC?=\r\n"
        b"Message-ID: " + message_id.encode() + b"\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=Shift_JIS\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n" + body + b"\r\n"
    )


def unknown_charset(
    *, message_id: str = "<unknown-1@customer.example>", body: bytes = b"caf\xc3\xa9"
) -> bytes:
    return (
        b"From: someone@example.com\r\n"
        b"Subject: odd\r\n"
        b"Message-ID: " + message_id.encode() + b"\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=x-no-such-charset\r\n"
        b"\r\n"
        b"" + body + b"\r\n"
    )
