"""Reads for comms: the items sent on an account, templates and their versions, a letter's PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from recoup.comms import models
from recoup.comms.errors import SentItemNotFound, TemplateNotFound
from recoup.comms.rendering import communication_render
from recoup.compliance.queries import contact_permission
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class SentItem:
    """One letter, email or SMS as it went out."""

    id: int
    contract_id: int
    channel: str
    template_code: str
    template_name: str
    version: int
    address: str
    subject: str
    body: str
    purpose: str
    sent_at: datetime
    sent_by: str  # the user's name, or "" for an automated send
    automated: bool
    provider_reference: str
    pdf_available: bool
    acknowledged_reasons: tuple[str, ...]


@dataclass(frozen=True)
class TemplateLine:
    code: str
    channel: str
    language: str
    name: str
    version: int  # the current version's number
    subject: str
    body: str
    context_fields: tuple[str, ...]
    published_at: datetime
    published_by: str


def sent_item_view(row: models.SentItem) -> SentItem:
    user = row.sent_by
    return SentItem(
        id=row.pk,
        contract_id=row.contract_id,
        channel=row.channel,
        template_code=row.template.code,
        template_name=row.template.name,
        version=row.template_version.number,
        address=row.address,
        subject=row.subject,
        body=row.body,
        purpose=row.purpose,
        sent_at=row.sent_at,
        sent_by=(user.get_full_name() or user.username) if user else "",
        automated=row.automated,
        provider_reference=row.provider_reference,
        pdf_available=bool(row.pdf),
        acknowledged_reasons=tuple(row.acknowledged_reasons or ()),
    )


def _sent_items() -> QuerySet[models.SentItem]:
    return models.SentItem.objects.select_related("template", "template_version", "sent_by")


def communications_of(*, contract_id: int, limit: int = HISTORY_LIMIT) -> list[SentItem]:
    """The items sent about an account, newest first (at most `limit`)."""
    rows = _sent_items().filter(contract_id=contract_id).order_by("-sent_at", "-pk")[:limit]
    return [sent_item_view(row) for row in rows]


def sent_item(*, sent_item_id: int) -> SentItem:
    """Raises SentItemNotFound (field "sent_item_id")."""
    row = _sent_items().filter(pk=sent_item_id).first()
    if row is None:
        raise SentItemNotFound(f"sent_item_id: no item sent {sent_item_id}", field="sent_item_id")
    return sent_item_view(row)


def letter_pdf_of(*, sent_item_id: int) -> tuple[str, bytes]:
    """A letter's file name and PDF. Raises SentItemNotFound (field "sent_item_id")."""
    row = models.SentItem.objects.filter(pk=sent_item_id).first()
    if row is None or not row.pdf:
        raise SentItemNotFound(f"sent_item_id: no letter PDF for item {sent_item_id}", field="sent_item_id")
    with row.pdf.open("rb") as handle:
        return row.pdf.name.rsplit("/", 1)[-1], handle.read()


def _template_line(version: models.TemplateVersion) -> TemplateLine:
    template = version.template
    user = version.created_by
    return TemplateLine(
        code=template.code,
        channel=template.channel,
        language=template.language,
        name=template.name,
        version=version.number,
        subject=version.subject,
        body=version.body,
        context_fields=tuple(version.context_fields or ()),
        published_at=version.created_at,
        published_by=(user.get_full_name() or user.username) if user else "",
    )


def templates_current(*, channel: str = "") -> list[TemplateLine]:
    """Every template with its current version, by code and channel."""
    versions = models.TemplateVersion.objects.select_related("template", "created_by").order_by(
        "template__code", "template__channel", "template__language", "-number"
    )
    if channel:
        versions = versions.filter(template__channel=channel)
    seen: set[int] = set()
    lines = []
    for version in versions:
        if version.template_id in seen:
            continue
        seen.add(version.template_id)
        lines.append(_template_line(version))
    return lines


def template_current(*, code: str, channel: str, language: str = "en") -> TemplateLine:
    """The version in use of one template, in `language` or else English.

    Raises TemplateNotFound (field "template_code")."""
    for wanted in dict.fromkeys((language, "en")):
        version = (
            models.TemplateVersion.objects.select_related("template", "created_by")
            .filter(template__code=code, template__channel=channel, template__language=wanted)
            .order_by("-number")
            .first()
        )
        if version is not None:
            return _template_line(version)
    raise TemplateNotFound(
        f"template_code: no {channel} template {code!r} has been published", field="template_code"
    )


def contract_id_for(account_number: str) -> int:
    """The contract behind an account number. Raises AccountNotFound (field "account_number")."""
    contract_id = (
        Contract.objects.filter(account_number=account_number.strip()).values_list("pk", flat=True).first()
    )
    if contract_id is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    return contract_id


@dataclass(frozen=True)
class Preview:
    """What a person is about to send, and what the contact gate says about it now."""

    channel: str
    template_code: str
    version: int
    address: str
    subject: str
    body: str
    allowed: bool
    reasons: tuple[str, ...]


def communication_preview(*, contract_id: int, channel: str, template_code: str, at: datetime) -> Preview:
    """The rendered template and the gate's answer, for the person to read before sending.

    Raises compliance's UnknownChannel, AccountNotFound, TemplateNotFound, MissingMergeField, NoAddress.
    """
    permission = contact_permission(contract_id=contract_id, channel=channel, at=at)
    rendered = communication_render(
        contract_id=contract_id, channel=channel, template_code=template_code, at=at
    )
    return Preview(
        channel=channel,
        template_code=template_code,
        version=rendered.version,
        address=rendered.address,
        subject=rendered.subject,
        body=rendered.body,
        allowed=permission.allowed,
        reasons=tuple(permission.reasons),
    )
