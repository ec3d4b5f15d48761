"""The letter run after the close of business: the strategies' letter, email and SMS treatments sent.

The strategies place each account in arrears in a queue with a treatment (collections.WorkItem);
those whose treatment is a letter, an email or an SMS get the template that treatment maps to, at
most once every `every_days` days. Selection is one query for the whole book; the accounts then
go a chunk at a time: the contact gate decides for the whole chunk in a few queries (a refusal is
counted with its reason, and nothing is sent), then merge values in a few queries per chunk, one
PDF per letter, one bulk insert per chunk.

RECOUP_LETTER_RUN (settings) maps treatments to template codes, e.g. {"letter": "arrears.reminder"};
RECOUP_LETTER_RUN_EVERY_DAYS is the interval (14 by default).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef

from recoup.collections.models import WorkItem
from recoup.comms import models
from recoup.comms.context import account_facts
from recoup.comms.errors import CommsError, InvalidLetterRun
from recoup.comms.notices.operations import notices_send
from recoup.comms.publishing import current_version
from recoup.comms.rendering import Rendered, rendered_for
from recoup.comms.sending import deliver, rendered_letter_pdf
from recoup.comms.storage import letters_storage
from recoup.compliance import operations as compliance_operations
from recoup.compliance import queries as compliance

DEFAULT_TREATMENTS = {"letter": "arrears.reminder", "email": "arrears.reminder", "sms": "arrears.reminder"}
DEFAULT_EVERY_DAYS = 14
CHUNK = 500


def letter_run_treatments() -> dict[str, str]:
    return dict(getattr(settings, "RECOUP_LETTER_RUN", DEFAULT_TREATMENTS))


def letter_run_after_close(*, as_of: date, at: datetime, every_days: int | None = None) -> dict[str, int]:
    """What goes out after the close of business `as_of`, as `recoup letters run` and the worker's
    letter_run task send it: first the statutory notices the close recorded (their clocks are
    running), then the strategies' treatments (letters_run).

    Returns the notices' counts as "notices_sent" and "notices_held", then letters_run's counts.
    Raises what letters_run raises; the notices already sent stay sent.
    """
    notices = {f"notices_{key}": value for key, value in notices_send(at=at).items()}
    return {**notices, **letters_run(as_of=as_of, at=at, every_days=every_days)}


def letters_run(*, as_of: date, at: datetime, every_days: int | None = None) -> dict[str, int]:
    """Send the strategies' letter, email and SMS treatments for the business date `as_of`.

    Returns counts: "selected" (accounts due a send), "letter", "email", "sms" (sent),
    "recently_sent" (placed but sent the same template within the interval), "refused" (by the
    gate) and "refused: <reason>" for each reason, "no_address" and "failed". Raises
    InvalidLetterRun (field "every_days" or "treatments") for impossible settings.
    """
    if every_days is None:
        every_days = int(getattr(settings, "RECOUP_LETTER_RUN_EVERY_DAYS", DEFAULT_EVERY_DAYS))
    if every_days < 1:
        raise InvalidLetterRun("every_days: the interval is at least one day", field="every_days")
    treatments = letter_run_treatments()
    unknown = sorted(set(treatments) - set(models.Channel.values))
    if unknown:
        raise InvalidLetterRun(f"treatments: {unknown[0]!r} is not letter, email or sms", field="treatments")
    summary: Counter[str] = Counter({"selected": 0, "letter": 0, "email": 0, "sms": 0, "refused": 0})
    since = as_of - timedelta(days=every_days)
    for channel, code in sorted(treatments.items()):
        template_id = _template_id(code=code, channel=channel)
        placed = WorkItem.objects.filter(treatment=channel, placed_date__lte=as_of)
        recent = models.SentItem.objects.filter(
            contract_id=OuterRef("contract_id"), template_id=template_id, sent_date__gt=since
        )
        due = list(
            placed.filter(~Exists(recent)).order_by("contract_id").values_list("contract_id", flat=True)
        )
        summary["recently_sent"] += placed.count() - len(due)
        summary["selected"] += len(due)
        for chunk in _chunks(due, CHUNK):
            summary.update(_chunk_send(chunk, channel=channel, code=code, at=at))
    return dict(summary)


def reason_heading(reason: str) -> str:
    """A gate's reason without its dates and particulars ("Bankruptcy", "Calling hours"), so that a
    run's refusals add up by kind."""
    return re.split(r"[:(\d]| since\b| on\b", reason, maxsplit=1)[0].strip() or reason


def _template_id(*, code: str, channel: str) -> int:
    try:
        return current_version(code=code, channel=channel, language="en").template_id
    except CommsError as error:
        raise InvalidLetterRun(f"treatments: {error.message}", field="treatments") from None


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _chunk_send(contract_ids: list[int], *, channel: str, code: str, at: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    allowed = []
    permissions = compliance.contact_permissions(contract_ids=contract_ids, channel=channel, at=at)
    for contract_id in contract_ids:
        permission = permissions[contract_id]
        if permission.allowed:
            allowed.append(contract_id)
            continue
        counts["refused"] += 1
        for reason in permission.reasons[:-1]:  # the last names the policy that decided
            counts[f"refused: {reason_heading(reason)}"] += 1
    facts = account_facts(allowed, at=at)
    rendered: list[Rendered] = []
    for contract_id in allowed:
        try:
            rendered.append(
                rendered_for(facts=facts[contract_id], channel=channel, template_code=code, context={})
            )
        except CommsError as error:
            counts["no_address" if error.field == "channel" else "failed"] += 1
    rows = []
    for item in rendered:
        row = _row(item, at=at)
        if channel == models.Channel.LETTER:
            name = f"letters/{at:%Y/%m/%d}/{item.facts.account_number}-{uuid.uuid4().hex[:12]}.pdf"
            row.pdf.name = letters_storage().save(name, ContentFile(rendered_letter_pdf(item)))
        rows.append(row)
    with transaction.atomic():
        for row, item in zip(rows, rendered, strict=True):
            if channel != models.Channel.LETTER:
                row.provider_reference = deliver(item, in_reply_to="", at=at)[:200]
        models.SentItem.objects.bulk_create(rows, batch_size=CHUNK)
        compliance_operations.contact_attempts_record_many(
            attempts=(
                compliance_operations.AttemptInput(
                    contract_id=item.facts.contract_id,
                    channel=channel,
                    direction="outbound",
                    at=at,
                    phone=item.address if channel == models.Channel.SMS else "",
                )
                for item in rendered
            ),
            source="automated",
        )
    counts[channel] += len(rows)
    return counts


def _row(item: Rendered, *, at: datetime) -> models.SentItem:
    return models.SentItem(
        contract_id=item.facts.contract_id,
        party_id=item.facts.party_id,
        channel=item.channel,
        template_id=item.template_id,
        template_version_id=item.template_version_id,
        address=item.address,
        subject=item.subject,
        body=item.body,
        purpose="collection",
        automated=True,
        sent_at=at,
        sent_date=at.astimezone(UTC).date(),
    )
