"""Carrying a rendered item out: a letter's PDF, an email with its unsubscribe link, an SMS."""

from __future__ import annotations

import html
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils.html import strip_tags

from recoup.comms import models
from recoup.comms.lender import lender_for
from recoup.comms.letters import LetterInput, letter_pdf
from recoup.comms.outbox import provider_configured
from recoup.comms.providers import Message
from recoup.comms.rendering import Rendered

UNSUBSCRIBE_SALT = "recoup.comms.unsubscribe"


def unsubscribe_token(*, party_id: int, address: str) -> str:
    """A signed token for an email's unsubscribe link: who, and which address."""
    return signing.dumps({"party": party_id, "address": address}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, party_id: int, address: str) -> str:
    base = getattr(settings, "RECOUP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/comms/unsubscribe/{unsubscribe_token(party_id=party_id, address=address)}/"


def rendered_letter_pdf(rendered: Rendered) -> bytes:
    facts = rendered.facts
    return letter_pdf(
        LetterInput(
            country=facts.country,
            language="en",
            account_number=facts.account_number,
            customer_name=facts.values["customer_name"],
            postal_address=facts.postal_address,
            today=facts.values["today"],
            subject=rendered.subject,
            body_html=rendered.body,
        )
    )


def deliver(rendered: Rendered, *, in_reply_to: str, at: datetime) -> str:
    facts = rendered.facts
    lender = lender_for(facts.country)
    if rendered.channel == models.Channel.SMS:
        message = Message(
            channel="sms", to=rendered.address, sender=lender.name[:11], body_text=rendered.body, at=at
        )
        return provider_configured().send(message)
    link = unsubscribe_url(party_id=facts.party_id, address=rendered.address)
    text = html.unescape(strip_tags(rendered.body)).strip()
    message = Message(
        channel="email",
        to=rendered.address,
        sender=f"{lender.name} <{lender.email}>",
        subject=rendered.subject,
        body_text=f"{text}\n\n--\nTo stop emails from {lender.name}, open {link}\n",
        body_html=(
            f'{rendered.body}\n<hr>\n<p style="font-size:smaller">To stop emails from '
            f'{html.escape(lender.name)}, <a href="{html.escape(link)}">unsubscribe</a>.</p>'
        ),
        headers={
            "List-Unsubscribe": f"<{link}>",
            # RFC 8058: mail clients may unsubscribe with one POST to the link, no page in between.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        in_reply_to=in_reply_to,
        at=at,
    )
    return provider_configured().send(message)
