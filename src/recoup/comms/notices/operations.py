"""Writes of the notices context: the nightly issue of the notices the arrears state makes due,
and the notices a workflow triggers (intent to repossess, disposition, deficiency, default).

Every notice goes out as a letter through comms.operations.communication_send with the purpose
"statutory_notice": the law requires these letters, so the contact gate is asked to let them pass
even where it refuses collection contact (a cease-communication request, a dispute, Breathing Space
— the gate decides; a refusal holds the notice back, recorded with the reason, and the next run
tries again). A notice whose content lacks an element the law requires is refused, naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.arrears.models import ArrearsState
from recoup.comms.calendars import local_date, local_zone
from recoup.comms.context import AccountFacts, account_facts
from recoup.comms.formats import date_text, money_text
from recoup.comms.notices import batch
from recoup.comms.notices import content as elements
from recoup.comms.notices.errors import NoticeNotAllowed, UnknownNoticeKind
from recoup.comms.notices.models import Notice, NoticeKind, NoticeSelection, NoticeStatus
from recoup.comms.notices.queries import NoticeView, notice_view
from recoup.comms.notices.timing import Timing
from recoup.comms.notices.uk_rules import (
    default_notice_timing,
    s86b_first_timing,
    s86b_repeat_timing,
)
from recoup.comms.notices.us_rules import (
    CA_EXTENSION_DAYS,
    deficiency_calculate,
    deficiency_explanation_timing,
    disposition_timing,
    intent_to_repossess_timing,
    right_to_cure_rule,
    right_to_cure_timing,
)
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money
from recoup.kernel.plain import plain
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract

STATUTORY_PURPOSE = "statutory_notice"
# The FCA information sheets in force since 25 October 2021 (CCA s.86A; fca.org.uk, "Information
# sheets: consumer credit"), sent as enclosures with the letter.
ARREARS_SHEET = "The FCA arrears information sheet (effective 25 October 2021) is enclosed."
DEFAULT_SHEET = "The FCA default information sheet (effective 25 October 2021) is enclosed."

TEMPLATE_CODES: dict[tuple[str, str], str] = {
    (elements.RIGHT_TO_CURE, "US-KS"): "notice.us.right_to_cure.ks",
    (elements.RIGHT_TO_CURE, "US-MA"): "notice.us.right_to_cure.ma",
    (elements.DISPOSITION, "US-CA"): "notice.us.disposition.ca",
}
DEFAULT_TEMPLATE_CODES = {
    elements.INTENT_TO_REPOSSESS: "notice.us.intent_to_repossess",
    elements.DISPOSITION: "notice.us.disposition",
    elements.DEFICIENCY_EXPLANATION: "notice.us.deficiency_explanation",
    elements.ARREARS_S86B: "notice.uk.arrears_s86b",
    elements.DEFAULT_S87: "notice.uk.default_s87",
}


def template_code_for(kind: str, jurisdiction: str) -> str:
    code = TEMPLATE_CODES.get((kind, jurisdiction)) or DEFAULT_TEMPLATE_CODES.get(kind)
    if code is None:
        raise UnknownNoticeKind(f"no notice {kind} for {jurisdiction}", field="jurisdiction")
    return code


def notices_issue(*, as_of: date, at: datetime) -> dict[str, int]:
    """After the close of `as_of`: record the notices the arrears state makes due and send every
    notice of the nightly kinds still due, each as a letter (notices_record, then notices_send).

    Running it again for the same date records and sends nothing new.
    """
    recorded = notices_record(as_of=as_of, at=at)
    return {**recorded, **notices_send(at=at)}


def notices_record(*, as_of: date, at: datetime) -> dict[str, int]:
    """Record, set-based, the notices the arrears state makes due after the close of `as_of`
    (batch.notices_select), and cancel the due ones of accounts no longer in arrears.

    After the first night, only the accounts that can have a notice fall due since the last night
    recorded are read (batch.notices_select with `since`). The close of business runs this, so that
    every notice's clock starts with the night its trigger is met; the letters themselves go out
    with the print run (notices_send). Returns how many of each kind were recorded and how many due
    ones were cancelled.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        since = (
            NoticeSelection.objects.filter(business_date__lt=as_of)
            .order_by("-business_date")
            .values_list("business_date", flat=True)
            .first()
        )
        selected = batch.notices_select(cursor, connection.vendor, as_of, since=since)
        recorded = _selected_record(selected, as_of=as_of, at=at)
        in_arrears = ArrearsState.objects.filter(contract_id=OuterRef("contract_id"), arrears_minor__gt=0)
        # Those recorded just now are of accounts in arrears tonight: only older ones are checked.
        # (A first close records tens of thousands, and probing the state once for each, in the
        # transaction that has rewritten every state row many times over, took minutes.)
        cancelled = Notice.objects.filter(
            ~Exists(in_arrears), status=NoticeStatus.DUE, by_rule=True, kind__in=_NIGHTLY, created_at__lt=at
        )
        if since is not None:
            # An account can have left arrears only on a night that changed its state: after the
            # first night, only the notices of those changed since the last night recorded are
            # checked, not every notice still due against the whole state.
            cancelled = cancelled.filter(
                contract_id__in=ArrearsState.objects.filter(changed_date__gt=since, arrears_minor=0).values(
                    "contract_id"
                )
            )
        cancelled_count = cancelled.update(
            status=NoticeStatus.CANCELLED,
            hold_reason="the account is no longer in arrears",
            status_changed_at=at,
        )
        counts = {kind: int((selected["kind"] == kind).sum()) for kind in _NIGHTLY}
        counts |= {"recorded": recorded, "cancelled": cancelled_count}
        NoticeSelection.objects.get_or_create(
            business_date=as_of, defaults={"recorded_at": at, "counts": counts}
        )
        audit_record(
            actor=None,
            action="notices.record",
            object_type="comms_notices.notice",
            object_id=as_of.isoformat(),
            at=at,
            after=counts,
        )
    return counts


def notices_send(*, at: datetime) -> dict[str, int]:
    """Send, each as a letter, every notice of the nightly kinds still due; a refusal (the gate, no
    postal address, missing content) holds one back with the reason, and the next run tries again.
    Returns how many went out and how many are held back."""
    due = list(Notice.objects.filter(status=NoticeStatus.DUE, by_rule=True, kind__in=_NIGHTLY).order_by("pk"))
    sent, held = _notices_send(due, at=at, by=None)
    counts = {"sent": sent, "held": held}
    if due:
        audit_record(
            actor=None,
            action="notices.send",
            object_type="comms_notices.notice",
            object_id=at.date().isoformat(),
            at=at,
            after=counts,
        )
    return counts


_NIGHTLY = (elements.ARREARS_S86B, elements.RIGHT_TO_CURE)


def _selected_record(selected: pl.DataFrame, *, as_of: date, at: datetime) -> int:
    rows = []
    for row in selected.iter_rows(named=True):
        jurisdiction = row["jurisdiction"]
        if row["kind"] == elements.ARREARS_S86B:
            timing = (
                s86b_repeat_timing(
                    last_sent_date=row["last_sent_date"], as_of=as_of, jurisdiction=jurisdiction
                )
                if row["repeat"]
                else s86b_first_timing(trigger_date=as_of, jurisdiction=jurisdiction)
            )
        else:
            timing = right_to_cure_timing(
                jurisdiction=jurisdiction, default_date=row["oldest_unpaid_due_date"], send_date=as_of
            )
            timing = Timing(trigger_date=timing.trigger_date, earliest_send_date=timing.earliest_send_date)
        rows.append(
            Notice(
                contract_id=row["contract_id"],
                kind=row["kind"],
                jurisdiction=jurisdiction,
                template_code=template_code_for(row["kind"], jurisdiction),
                created_at=at,
                **_timing_fields(timing),
            )
        )
    Notice.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def _timing_fields(timing: Timing) -> dict[str, Any]:
    return {
        "trigger_date": timing.trigger_date,
        "earliest_send_date": timing.earliest_send_date,
        "latest_send_date": timing.latest_send_date,
        "deemed_service_date": timing.deemed_service_date,
        "remedy_by_date": timing.remedy_by_date,
        "earliest_action_date": timing.earliest_action_date,
    }


@dataclass(frozen=True)
class _Account:
    facts: AccountFacts
    contract: Contract
    state: dict[str, Any]


def _accounts(contract_ids: Iterable[int], *, at: datetime) -> dict[int, _Account]:
    ids = sorted(set(contract_ids))
    facts = account_facts(ids, at=at)
    contracts = {c.pk: c for c in Contract.objects.filter(pk__in=ids).select_related("product", "vehicle")}
    states: dict[int, dict[str, Any]] = {
        row["contract_id"]: dict(row)
        for row in ArrearsState.objects.filter(contract_id__in=ids).values(
            "contract_id",
            "currency",
            "arrears_minor",
            "due_to_date_minor",
            "paid_to_date_minor",
            "oldest_unpaid_due_date",
            "installments_missed",
        )
    }
    return {
        pk: _Account(facts=facts[pk], contract=contracts[pk], state=states.get(pk, {}))
        for pk in ids
        if pk in facts and pk in contracts
    }


def _notices_send(notices: list[Notice], *, at: datetime, by: User | None) -> tuple[int, int]:
    """Send each due notice; a refusal holds it back with the reason. Returns (sent, held)."""
    accounts = _accounts((n.contract_id for n in notices), at=at)
    sent = held = 0
    for notice in notices:
        try:
            with transaction.atomic():
                _notice_send(notice, accounts[notice.contract_id], at=at, by=by, extra={})
            sent += 1
        except DomainError as error:
            Notice.objects.filter(pk=notice.pk).update(hold_reason=error.message[:300])
            held += 1
    return sent, held


def _notice_send(
    notice: Notice, account: _Account, *, at: datetime, by: User | None, extra: dict[str, Any]
) -> None:
    """Work out the notice's dates for today's send, check its content and send it (in the caller's
    transaction). Raises the content, rule and comms errors unchanged."""
    from recoup.comms.operations import communication_send

    send_date = local_date(at, local_zone(notice.jurisdiction))
    timing, context = _dated_context(notice, account, send_date=send_date, extra=extra)
    merge = {**account.facts.values, **{key: _text(value, account.facts) for key, value in context.items()}}
    elements.content_check(notice.kind, notice.jurisdiction, merge)
    item = communication_send(
        contract_id=notice.contract_id,
        channel="letter",
        template_code=notice.template_code,
        context=context,
        at=at,
        sent_by=by,
        automated=by is None,
        purpose=STATUTORY_PURPOSE,
    )
    required = elements.required_elements(notice.kind, notice.jurisdiction, merge)
    fields = _timing_fields(timing)
    fields.pop("trigger_date")
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENT,
        sent_at=at,
        sent_date=send_date,
        merge_data={key: merge[key] for key in sorted(set(required) | set(context))},
        sent_item_id=item.id,
        channel=item.channel,
        letter_pdf=item.pdf_available,
        hold_reason="",
        status_changed_at=at,
        **fields,
    )
    Notice.objects.filter(
        ~Q(pk=notice.pk), contract_id=notice.contract_id, kind=notice.kind, status=NoticeStatus.DUE
    ).update(status=NoticeStatus.SUPERSEDED, status_changed_at=at)


def _text(value: Any, facts: AccountFacts) -> str:
    """A value as the letter prints it (money and dates in the customer's locale), for the snapshot."""
    if isinstance(value, Money):
        return money_text(value, locale=facts.locale)
    if isinstance(value, date):
        return date_text(value, locale=facts.locale)
    return "" if value is None else str(value)


def _dated_context(
    notice: Notice, account: _Account, *, send_date: date, extra: dict[str, Any]
) -> tuple[Timing, dict[str, Any]]:
    """The dates of a notice sent on `send_date` and the values its template prints beyond the
    account's own merge fields."""
    state, contract = account.state, account.contract
    currency = state.get("currency") or contract.currency

    def money(minor: int) -> Money:
        return Money(minor, currency)

    described = (
        f"{contract.product.name} no. {contract.account_number} "
        f"dated {contract.origination_date.isoformat()} "
        f"for a {contract.vehicle.year} {contract.vehicle.make} {contract.vehicle.model} "
        f"(VIN {contract.vehicle.vin})"
    )
    if notice.kind == elements.RIGHT_TO_CURE:
        timing = right_to_cure_timing(
            jurisdiction=notice.jurisdiction, default_date=notice.trigger_date, send_date=send_date
        )
        assert timing.remedy_by_date is not None
        context: dict[str, Any] = {
            "transaction_description": described,
            "amount_due": money(state.get("arrears_minor", 0)),
            "cure_by_date": timing.remedy_by_date,
            "cure_before_date": timing.earliest_action_date,
        }
        return timing, context
    if notice.kind == elements.ARREARS_S86B:
        timing = Timing(
            trigger_date=notice.trigger_date,
            earliest_send_date=notice.earliest_send_date,
            latest_send_date=notice.latest_send_date,
        )
        return timing, {
            "agreement_description": described,
            "total_due": money(state.get("due_to_date_minor", 0)),
            "total_paid": money(state.get("paid_to_date_minor", 0)),
            "shortfall": money(state.get("arrears_minor", 0)),
            "information_sheet": ARREARS_SHEET,
            "notice_date": send_date,
        }
    if notice.kind == elements.DEFAULT_S87:
        arrears = state.get("arrears_minor", 0)
        timing = default_notice_timing(
            posted_date=send_date, jurisdiction=notice.jurisdiction, arrears_minor=arrears
        )
        return timing, {
            "agreement_description": described,
            "breach": extra.get("breach")
            or f"You have not paid {plain(money(arrears))} due under the agreement.",
            "remedy_action": f"Pay the arrears of {plain(money(arrears))}.",
            "amount_required": money(arrears),
            "remedy_by_date": timing.remedy_by_date,
            "deemed_service_date": timing.deemed_service_date,
            "information_sheet": DEFAULT_SHEET,
        }
    if notice.kind == elements.INTENT_TO_REPOSSESS:
        timing = intent_to_repossess_timing(
            jurisdiction=notice.jurisdiction,
            as_of=send_date,
            cure_by_date=extra.get("cure_by_date"),
            cured=bool(extra.get("cured")),
        )
        repossess_from = max(extra.get("repossession_from_date") or send_date, send_date)
        return Timing(
            trigger_date=notice.trigger_date,
            earliest_send_date=send_date,
            earliest_action_date=repossess_from,
        ), {
            "vehicle_description": _vehicle(contract),
            "amount_due": money(state.get("arrears_minor", 0)),
            "repossession_from_date": repossess_from,
        }
    if notice.kind == elements.DISPOSITION:
        return _disposition_context(notice, account, send_date=send_date, extra=extra, money=money)
    if notice.kind == elements.DEFICIENCY_EXPLANATION:
        timing = deficiency_explanation_timing(
            disposed_date=notice.trigger_date,
            request_received_date=extra.get("request_received_date"),
            first_demand_date=extra.get("first_demand_date"),
        )
        calculation = deficiency_calculate(
            aggregate_obligation_minor=extra["aggregate_obligation_minor"],
            proceeds_minor=extra["proceeds_minor"],
            expenses_minor=extra["expenses_minor"],
            credits_minor=extra["credits_minor"],
        )
        return timing, {
            "obligation_as_of_date": extra["obligation_as_of_date"],
            "aggregate_obligation": money(calculation.aggregate_obligation_minor),
            "proceeds": money(calculation.proceeds_minor),
            "after_proceeds": money(calculation.after_proceeds_minor),
            "expenses": money(calculation.expenses_minor),
            "credits": money(calculation.credits_minor),
            "deficiency": money(max(calculation.deficiency_minor, 0)),
            "surplus": money(calculation.surplus_minor),
            "information_contact": extra["information_contact"],
        }
    raise UnknownNoticeKind(f"unknown notice kind {notice.kind!r}", field="kind")


def _vehicle(contract: Contract) -> str:
    vehicle = contract.vehicle
    plate = f", registration {vehicle.registration}" if vehicle.registration else ""
    return f"{vehicle.year} {vehicle.make} {vehicle.model}, VIN {vehicle.vin}{plate}"


def _disposition_context(
    notice: Notice, account: _Account, *, send_date: date, extra: dict[str, Any], money: Any
) -> tuple[Timing, dict[str, Any]]:
    method = extra["method"]
    zone = local_zone(notice.jurisdiction)
    sale_at: datetime | None = extra.get("sale_at")
    disposition_date = (
        local_date(sale_at, zone) if sale_at is not None else extra["earliest_private_sale_date"]
    )
    timing = disposition_timing(
        jurisdiction=notice.jurisdiction,
        repossessed_date=notice.trigger_date,
        send_date=send_date,
        method=method,
        disposition_date=disposition_date,
        mailed_out_of_state=bool(extra.get("mailed_out_of_state")),
    )
    charge = extra.get("accounting_charge_minor") or 0
    context: dict[str, Any] = {
        "vehicle_description": _vehicle(account.contract),
        "disposition_method": method,
        "accounting_charge": money(charge) if charge else "no charge",
        "deficiency_liability": "will" if extra.get("deficiency_liability", True) else "will not",
        "redemption_phone": extra["redemption_phone"],
        "information_contact": extra.get("information_contact")
        or account.facts.values.get("lender_phone", ""),
    }
    # Both methods' fields are given, the other method's blank: the letter prints one or the other.
    context |= {"sale_at_local": "", "sale_place": "", "earliest_private_sale_date": ""}
    if method == "public":
        assert sale_at is not None
        context["sale_at_local"] = sale_at.astimezone(ZoneInfo(zone)).strftime("%H:%M %Z on %A %d %B %Y")
        context["sale_place"] = extra.get("place", "")
    else:
        context["earliest_private_sale_date"] = disposition_date
    if notice.jurisdiction == "US-CA":
        redemption = extra.get("redemption_amount_minor")
        context |= {
            "redemption_amount": money(redemption) if redemption is not None else "",
            "reinstatement": extra.get("reinstatement", ""),
            "redeem_by_date": timing.remedy_by_date,
            "extension_days": str(CA_EXTENSION_DAYS),
        }
    return timing, context


def _contract_for(contract_id: int) -> Contract:
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is None:
        raise AccountNotFound(f"contract_id: no account {contract_id}", field="contract_id")
    return contract


def _event_issue(
    *, contract_id: int, kind: str, trigger_date: date, at: datetime, by: User, extra: dict[str, Any]
) -> NoticeView:
    """Record a notice a workflow triggered and send it at once, or write nothing and raise."""
    contract = _contract_for(contract_id)
    with transaction.atomic():
        notice = Notice.objects.create(
            contract_id=contract.pk,
            kind=kind,
            jurisdiction=contract.jurisdiction,
            template_code=template_code_for(kind, contract.jurisdiction),
            trigger_date=trigger_date,
            earliest_send_date=trigger_date,
            by_rule=False,
            created_at=at,
            created_by=by,
        )
        _notice_send(notice, _accounts([contract.pk], at=at)[contract.pk], at=at, by=by, extra=extra)
        notice.refresh_from_db()
        audit_record(
            actor=by,
            action="notice.issue",
            object_type="comms_notices.notice",
            object_id=notice.pk,
            at=at,
            after={"kind": kind, "contract_id": contract.pk, "sent_item_id": notice.sent_item_id},
        )
    return notice_view(notice, contract.account_number)


def default_notice_issue(*, contract_id: int, at: datetime, by: User, breach: str = "") -> NoticeView:
    """Serve a default notice (CCA s.87(1)) on a UK agreement in arrears: remedy by 14 days after
    deemed service, with the default information sheet. Raises AccountNotFound, UnknownNoticeKind
    (not a UK agreement), NoticeNotAllowed (nothing in arrears), NoticeContentMissing and the comms
    errors of the send."""
    contract = _contract_for(contract_id)
    if not contract.jurisdiction.startswith("GB-"):
        raise UnknownNoticeKind("a default notice under the CCA is for UK agreements", field="contract_id")
    return _event_issue(
        contract_id=contract_id,
        kind=elements.DEFAULT_S87,
        trigger_date=local_date(at, local_zone(contract.jurisdiction)),
        at=at,
        by=by,
        extra={"breach": breach.strip()},
    )


def intent_to_repossess_issue(
    *, contract_id: int, at: datetime, by: User, repossession_from_date: date | None = None
) -> NoticeView:
    """Tell a US customer the vehicle may be repossessed. Where the state gives a right to cure
    (Kansas, Massachusetts) it goes only after a right-to-cure notice's period ran out uncured.
    Raises AccountNotFound, UnknownNoticeKind (not a US contract), NoticeNotAllowed."""
    contract = _contract_for(contract_id)
    if not contract.jurisdiction.startswith("US-"):
        raise UnknownNoticeKind("a notice of intent to repossess is for US contracts", field="contract_id")
    state = (
        ArrearsState.objects.filter(contract_id=contract.pk)
        .values("arrears_minor", "oldest_unpaid_due_date")
        .first()
    )
    if not state or state["arrears_minor"] <= 0:
        raise NoticeNotAllowed("the account is not in arrears", field="contract_id")
    extra: dict[str, Any] = {"repossession_from_date": repossession_from_date}
    if right_to_cure_rule(contract.jurisdiction) is not None:
        cure = (
            Notice.objects.filter(
                contract_id=contract.pk, kind=elements.RIGHT_TO_CURE, status=NoticeStatus.SENT
            )
            .order_by("-sent_date", "-pk")
            .first()
        )
        if cure is not None:
            extra["cure_by_date"] = cure.remedy_by_date
            # Cured when everything then overdue was paid: the oldest unpaid payment now fell due after it.
            oldest = state["oldest_unpaid_due_date"]
            extra["cured"] = cure.sent_date is not None and oldest is not None and oldest > cure.sent_date
    today = local_date(at, local_zone(contract.jurisdiction))
    return _event_issue(
        contract_id=contract_id,
        kind=elements.INTENT_TO_REPOSSESS,
        trigger_date=today,
        at=at,
        by=by,
        extra=extra,
    )


def disposition_notice_issue(
    *,
    contract_id: int,
    method: str,
    repossessed_date: date,
    redemption_phone: str,
    at: datetime,
    by: User,
    sale_at: datetime | None = None,
    earliest_private_sale_date: date | None = None,
    place: str = "",
    accounting_charge_minor: int = 0,
    deficiency_liability: bool = True,
    information_contact: str = "",
    mailed_out_of_state: bool = False,
    redemption_amount_minor: int | None = None,
    reinstatement: str = "",
) -> NoticeView:
    """Notify the customer of the disposition of the repossessed vehicle (UCC 9-611, content
    9-613/9-614; in California the notice of intent to dispose of Civ. Code §2983.2): a public sale
    at `sale_at` (an aware moment, printed in the customer's local time) in `place`, or a private
    sale after `earliest_private_sale_date`.

    Raises AccountNotFound, UnknownNoticeKind (method), NoticeNotAllowed (too close to the sale, or
    in California more than 60 days after the repossession), NoticeContentMissing (e.g. no place)."""
    if method not in ("public", "private"):
        raise UnknownNoticeKind("method must be public or private", field="method")
    if method == "public" and (sale_at is None or sale_at.tzinfo is None):
        raise NoticeNotAllowed("a public sale needs its date and time, with an offset", field="sale_at")
    if method == "private" and earliest_private_sale_date is None:
        raise NoticeNotAllowed(
            "a private sale needs the date after which it will be made", field="earliest_private_sale_date"
        )
    if accounting_charge_minor < 0:
        raise NoticeNotAllowed("the accounting charge cannot be negative", field="accounting_charge_minor")
    contract = _contract_for(contract_id)
    if not contract.jurisdiction.startswith("US-"):
        raise UnknownNoticeKind(
            "a notice of disposition under the UCC is for US contracts", field="contract_id"
        )
    return _event_issue(
        contract_id=contract_id,
        kind=elements.DISPOSITION,
        trigger_date=repossessed_date,
        at=at,
        by=by,
        extra={
            "method": method,
            "sale_at": sale_at,
            "earliest_private_sale_date": earliest_private_sale_date,
            "place": place.strip(),
            "redemption_phone": redemption_phone.strip(),
            "accounting_charge_minor": accounting_charge_minor,
            "deficiency_liability": deficiency_liability,
            "information_contact": information_contact.strip(),
            "mailed_out_of_state": mailed_out_of_state,
            "redemption_amount_minor": redemption_amount_minor,
            "reinstatement": reinstatement.strip(),
        },
    )


def deficiency_explanation_issue(
    *,
    contract_id: int,
    disposed_date: date,
    obligation_as_of_date: date,
    aggregate_obligation_minor: int,
    proceeds_minor: int,
    expenses_minor: int,
    credits_minor: int,
    at: datetime,
    by: User,
    request_received_date: date | None = None,
    information_contact: str = "",
) -> NoticeView:
    """Explain a deficiency or surplus after the disposition (UCC 9-616): the aggregate obligation
    as of `obligation_as_of_date`, proceeds, the obligation after proceeds, expenses, credits and
    the deficiency, in that order. Send it before or with the first written demand for the
    deficiency, and within 14 days of a request (`request_received_date`).

    Raises AccountNotFound, NoticeNotAllowed (a negative figure, naming it; an as-of date after the
    disposition), NoticeContentMissing."""
    if obligation_as_of_date > disposed_date:
        raise NoticeNotAllowed(
            "the obligation is stated as of a date before the disposition", field="obligation_as_of_date"
        )
    contract = _contract_for(contract_id)
    if not contract.jurisdiction.startswith("US-"):
        raise UnknownNoticeKind(
            "a deficiency explanation under the UCC is for US contracts", field="contract_id"
        )
    lender_phone = account_facts([contract.pk], at=at)[contract.pk].values.get("lender_phone", "")
    return _event_issue(
        contract_id=contract_id,
        kind=elements.DEFICIENCY_EXPLANATION,
        trigger_date=disposed_date,
        at=at,
        by=by,
        extra={
            "obligation_as_of_date": obligation_as_of_date,
            "aggregate_obligation_minor": aggregate_obligation_minor,
            "proceeds_minor": proceeds_minor,
            "expenses_minor": expenses_minor,
            "credits_minor": credits_minor,
            "request_received_date": request_received_date,
            "information_contact": information_contact.strip() or lender_phone,
        },
    )


def notice_cancel(*, notice_id: int, at: datetime, by: User, reason: str) -> NoticeView:
    """Cancel a notice that is still due (e.g. raised for an account since settled). A sent notice
    stays as history; the nightly selection raises the notice again only once the account's arrears
    state changes. Raises NoticeNotFound, NoticeNotAllowed (not due; no reason)."""
    from recoup.comms.notices.queries import notice_get

    if not reason.strip():
        raise NoticeNotAllowed("say why the notice is cancelled", field="reason")
    view = notice_get(notice_id=notice_id)
    with transaction.atomic():
        changed = Notice.objects.filter(pk=notice_id, status=NoticeStatus.DUE).update(
            status=NoticeStatus.CANCELLED, hold_reason=reason.strip()[:300], status_changed_at=at
        )
        if not changed:
            raise NoticeNotAllowed(f"the notice is {view.status}, not due", field="notice_id")
        audit_record(
            actor=by,
            action="notice.cancel",
            object_type="comms_notices.notice",
            object_id=notice_id,
            at=at,
            before={"status": view.status},
            after={"status": NoticeStatus.CANCELLED.value, "reason": reason.strip()},
        )
    return notice_get(notice_id=notice_id)


__all__ = [
    "NoticeKind",
    "default_notice_issue",
    "deficiency_explanation_issue",
    "disposition_notice_issue",
    "intent_to_repossess_issue",
    "notice_cancel",
    "notices_issue",
]
