"""One email as the inbox keeps it, read from its bytes with the standard library's `email`
package (policy=default): who sent it, the thread it belongs to, its text, its HTML and its
attachments. Pure: no Django, no clock.

Mail in the wild is often wrong: unknown charsets, undecodable bytes, missing Message-IDs, bad
dates. Nothing here raises on such mail; what cannot be decoded is replaced, a missing
Message-ID is made from the bytes' digest (so the same mail fetched twice is still one), and a
date that cannot be read is left out.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from recoup.comms.inbox.html_text import html_to_text

# Message-IDs may be up to a line long (RFC 5322 allows 998 characters); the inbox keys them by digest.
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Auto-replies and bulk mail (RFC 3834's Auto-Submitted, and the older Precedence header).
_AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str  # with its angle brackets, as it is written in In-Reply-To and References
    from_address: str  # lower-cased
    from_name: str
    to: str
    subject: str
    sent_at: datetime | None  # the Date header, when it can be read
    in_reply_to: str
    references: tuple[str, ...]  # oldest first, as written
    text: str  # for reading: the plain part, or the HTML part turned into text
    html: str  # kept as it came; never rendered
    attachments: tuple[ParsedAttachment, ...]
    automatic: bool  # an auto-reply, bounce or bulk mail

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this one answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids += [ref for ref in reversed(self.references) if ref not in ids]
        return tuple(ids)


def message_id_key(message_id: str) -> str:
    """The digest the inbox keys a Message-ID by: whatever its length, 64 characters."""
    return hashlib.sha256(message_id.strip().encode("utf-8", "replace")).hexdigest()


def message_parse(raw: bytes) -> ParsedMessage:
    """Read one RFC 5322 message."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    name, address = parseaddr(_header(message, "from"))
    plain_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    html = (
        _text_of(html_part) if html_part is not None and html_part.get_content_type() == "text/html" else ""
    )
    if plain_part is not None and plain_part.get_content_type() == "text/plain":
        text = _text_of(plain_part)
    else:
        plain_part = None
        text = html_to_text(html) if html else ""
    body_parts = [part for part in (plain_part, html_part) if part is not None]
    written_ids = _ids(_header(message, "message-id"))
    return ParsedMessage(
        message_id=written_ids[0]
        if written_ids
        else f"<{hashlib.sha256(raw).hexdigest()}@message-id.missing>",
        from_address=address.strip().lower(),
        from_name=name.strip(),
        to=", ".join(addr for _, addr in getaddresses([_header(message, "to")]) if addr),
        subject=" ".join(_header(message, "subject").split()),
        sent_at=_date(_header(message, "date")),
        in_reply_to=(_ids(_header(message, "in-reply-to")) or [""])[0],
        references=tuple(_ids(_header(message, "references"))),
        text=text.replace("\r\n", "\n").strip(),
        html=html,
        attachments=tuple(_attachments(message, body_parts)),
        automatic=_automatic(message),
    )


def _header(message: Message, name: str) -> str:
    """A header's decoded text; a header too broken to parse is read as its raw characters."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, LookupError):
        raw = dict((key.lower(), val) for key, val in message.raw_items()).get(name, "")
        return str(raw)
    return "" if value is None else str(value)


def _ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value)


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def _text_of(part: Message) -> str:
    """A text part decoded by its charset; an unknown charset or bad bytes are read as well as can be."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(payload or "")
    charset = part.get_content_charset() or "us-ascii"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:
        pass
    for guess in ("utf-8", "windows-1252"):
        try:
            return payload.decode(guess)
        except UnicodeDecodeError:
            continue
    return payload.decode("utf-8", errors="replace")


def _automatic(message: Message) -> bool:
    submitted = _header(message, "auto-submitted").strip().lower()
    precedence = _header(message, "precedence").strip().lower()
    return bool(submitted and submitted != "no") or precedence in _AUTOMATIC_PRECEDENCE


def _leaves(part: Message) -> Iterator[Message]:
    """Every leaf of the MIME tree; a forwarded message (message/rfc822) is one leaf, not opened."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    payload = part.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            yield from _leaves(sub)


def _attachments(message: Message, body_parts: Sequence[Message]) -> Iterator[ParsedAttachment]:
    """Every part that is not the text or HTML read as the body, nor another rendering of it."""
    for position, part in enumerate(_leaves(message), start=1):
        if any(part is body for body in body_parts):
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        is_attachment = part.get_content_disposition() == "attachment"
        if content_type in {"text/plain", "text/html"} and not filename and not is_attachment:
            continue  # an alternative rendering or a footer a list added
        content = _bytes_of(part)
        yield ParsedAttachment(
            filename=filename or _made_up_name(position, content_type),
            content_type=content_type,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
        )


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except (ValueError, TypeError, LookupError):
        name = ""
    # A name is only a label: never a path.
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")[:200]


def _bytes_of(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return bytes(inner[0].as_bytes(policy=policy.default))
        return b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _made_up_name(position: int, content_type: str) -> str:
    extension = (
        ".eml" if content_type == "message/rfc822" else mimetypes.guess_extension(content_type) or ".bin"
    )
    return f"attachment-{position}{extension}"
