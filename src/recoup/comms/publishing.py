"""Templates: publishing numbered versions, and finding the one in use.

A published version is never edited: a new one supersedes it. Each version is parsed once per
process (versions never change), so a letter run renders without re-parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.comms import models
from recoup.comms.errors import InvalidTemplate, SendNotAllowed, TemplateNotFound
from recoup.comms.merge import ACCOUNT_FIELDS, Wording, wording_parse

MAY_PUBLISH = (Role.HEAD_OF_CREDIT, Role.ADMINISTRATOR)
CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def template_version_publish(
    *,
    code: str,
    channel: str,
    subject: str,
    body: str,
    by: User | None,
    at: datetime,
    name: str = "",
    language: str = "en",
    fields: Iterable[str] = (),
) -> int:
    """Publish a new version of a template (creating the template on its first version) and return
    the version's number. Earlier versions stay as they were; the newest is the one in use.

    Merge fields are the account's (comms.merge.ACCOUNT_FIELDS) plus `fields`, which the sender
    must supply in `context` (e.g. "promise_amount"). Letter and email bodies are HTML, rendered with
    autoescape; SMS is plain text. Raises InvalidTemplate (field "code", "channel", "name", "fields",
    "subject" or "body", naming an unknown merge field) and SendNotAllowed (field "by").
    """
    code = code.strip()
    if not CODE.match(code):
        raise InvalidTemplate(
            f"code: {code!r} should be lower-case letters, digits, dots, dashes or underscores", field="code"
        )
    if channel not in models.Channel.values:
        raise InvalidTemplate(f"channel: {channel!r} is not one of letter, email, sms", field="channel")
    if by is not None and by.role not in MAY_PUBLISH:
        raise SendNotAllowed("by: the head of credit and administrators publish templates", field="by")
    declared = tuple(sorted({f.strip() for f in fields}))
    for field_name in declared:
        if not FIELD_NAME.match(field_name) or field_name in ACCOUNT_FIELDS:
            raise InvalidTemplate(
                f"fields: {field_name!r} is not a new plain field name (lower case, digits, underscores)",
                field="fields",
            )
    if channel == models.Channel.EMAIL and not subject.strip():
        raise InvalidTemplate("subject: an email needs a subject", field="subject")
    wording = wording_parse(
        subject=subject, body=body, html=channel != models.Channel.SMS, known=ACCOUNT_FIELDS | set(declared)
    )
    with transaction.atomic():
        template, created = models.Template.objects.select_for_update().get_or_create(
            code=code, channel=channel, language=language, defaults={"name": name.strip()[:200]}
        )
        if name.strip() and template.name != name.strip():
            template.name = name.strip()[:200]
            template.save(update_fields=["name"])
        latest = template.versions.aggregate(n=Max("number"))["n"] or 0
        version = models.TemplateVersion.objects.create(
            template=template,
            number=latest + 1,
            subject=subject.strip(),
            body=body,
            context_fields=list(declared),
            created_by=by,
            created_at=at,
        )
        if by is not None:
            audit_record(
                actor=by,
                action="template.publish",
                object_type="template",
                object_id=template.pk,
                at=at,
                after={
                    "code": code,
                    "channel": channel,
                    "language": language,
                    "version": version.number,
                    "fields": sorted(wording.fields),
                    "created": created,
                },
            )
    return version.number


def current_version(*, code: str, channel: str, language: str) -> models.TemplateVersion:
    for wanted in dict.fromkeys((language, "en")):
        version = (
            models.TemplateVersion.objects.filter(
                template__code=code, template__channel=channel, template__language=wanted
            )
            .order_by("-number")
            .first()
        )
        if version is not None:
            return version
    raise TemplateNotFound(
        f"template_code: no {channel} template {code!r} has been published", field="template_code"
    )


_WORDINGS: dict[tuple[str, str, str, tuple[str, ...]], Wording] = {}


def wording_of(version: models.TemplateVersion) -> Wording:
    """Each wording is parsed once per process. Keyed by what is parsed, not by the version's id: an
    id can come back for other words (a database restored or emptied and filled again)."""
    channel = version.template.channel
    fields = tuple(sorted(version.context_fields or ()))
    key = (channel, version.subject, version.body, fields)
    wording = _WORDINGS.get(key)
    if wording is None:
        wording = wording_parse(
            subject=version.subject,
            body=version.body,
            html=channel != models.Channel.SMS,
            known=ACCOUNT_FIELDS | set(fields),
        )
        _WORDINGS[key] = wording
    return wording
