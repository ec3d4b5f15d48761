"""Rendering a template for an account: the merge values, the wording, the address it goes to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from recoup.comms import models
from recoup.comms.context import AccountFacts, account_facts
from recoup.comms.errors import InvalidTemplate, NoAddress
from recoup.comms.formats import date_text, money_text
from recoup.comms.merge import wording_render
from recoup.comms.publishing import current_version, wording_of
from recoup.kernel.money import Money
from recoup.portfolio.errors import AccountNotFound

SMS_OPT_OUT = "Reply STOP to opt out"


@dataclass(frozen=True)
class Rendered:
    """A template rendered for one account: what would be sent, and where."""

    template_version_id: int
    template_id: int
    version: int
    channel: str
    address: str
    subject: str
    body: str  # HTML for letters and email, plain text for SMS; as stored on the item
    facts: AccountFacts


def communication_render(
    *,
    contract_id: int,
    channel: str,
    template_code: str,
    context: Mapping[str, Any] | None = None,
    at: datetime,
) -> Rendered:
    """What `communication_send` would send, without sending it (the preview a person reads first).

    Raises AccountNotFound, TemplateNotFound, MissingMergeField and NoAddress.
    """
    facts = account_facts([contract_id], at=at).get(contract_id)
    if facts is None:
        raise AccountNotFound(f"contract_id: no account {contract_id}", field="contract_id")
    return rendered_for(facts=facts, channel=channel, template_code=template_code, context=context or {})


def rendered_for(
    *, facts: AccountFacts, channel: str, template_code: str, context: Mapping[str, Any]
) -> Rendered:
    version = current_version(code=template_code, channel=channel, language=facts.language)
    wording = wording_of(version)
    values = {**facts.values, **{key: _plain(value, facts=facts) for key, value in context.items()}}
    subject, body = wording_render(wording, values)
    if channel == models.Channel.SMS:
        body = _sms_with_opt_out(body)
    return Rendered(
        template_version_id=version.pk,
        template_id=version.template_id,
        version=version.number,
        channel=channel,
        address=_address(facts, channel),
        subject=subject,
        body=body,
        facts=facts,
    )


def _plain(value: Any, *, facts: AccountFacts) -> str:
    """A caller's context value as a letter prints it: money and dates in the customer's locale."""
    if isinstance(value, Money):
        return money_text(value, locale=facts.locale)
    if isinstance(value, datetime):
        return date_text(value.date(), locale=facts.locale)
    if isinstance(value, date):
        return date_text(value, locale=facts.locale)
    if isinstance(value, Decimal | int | str):
        return str(value)
    raise InvalidTemplate(
        f"context: {type(value).__name__} is not a value a letter can print", field="context"
    )


def _address(facts: AccountFacts, channel: str) -> str:
    if channel == models.Channel.EMAIL:
        address = facts.email
    elif channel == models.Channel.SMS:
        address = facts.mobile
    else:
        address = ", ".join(facts.postal_address)
    if not address:
        what = {"email": "an email address", "sms": "a mobile number", "letter": "a postal address"}[channel]
        raise NoAddress(f"channel: the customer has no {what}", field="channel")
    return address


def _sms_with_opt_out(body: str) -> str:
    text = " ".join(body.split())
    if not text.endswith(SMS_OPT_OUT):
        text = f"{text} {SMS_OPT_OUT}" if text else SMS_OPT_OUT
    return text
