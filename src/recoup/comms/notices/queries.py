"""Reads of the notices context: an account's notices, newest first, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from recoup.comms.notices.errors import NoticeNotFound
from recoup.comms.notices.models import Notice, NoticeKind
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract


@dataclass(frozen=True)
class NoticeView:
    id: int
    contract_id: int
    account_number: str
    kind: str
    kind_label: str
    jurisdiction: str
    template_code: str
    status: str
    trigger_date: date
    earliest_send_date: date
    latest_send_date: date | None
    sent_date: date | None
    sent_at: datetime | None
    deemed_service_date: date | None
    remedy_by_date: date | None
    earliest_action_date: date | None
    hold_reason: str
    sent_item_id: int | None
    channel: str
    letter_pdf: bool
    by_rule: bool
    merge_data: dict[str, Any]


def notice_view(row: Notice, account_number: str) -> NoticeView:
    return NoticeView(
        id=row.pk,
        contract_id=row.contract_id,
        account_number=account_number,
        kind=row.kind,
        kind_label=NoticeKind(row.kind).label if row.kind in NoticeKind.values else row.kind,
        jurisdiction=row.jurisdiction,
        template_code=row.template_code,
        status=row.status,
        trigger_date=row.trigger_date,
        earliest_send_date=row.earliest_send_date,
        latest_send_date=row.latest_send_date,
        sent_date=row.sent_date,
        sent_at=row.sent_at,
        deemed_service_date=row.deemed_service_date,
        remedy_by_date=row.remedy_by_date,
        earliest_action_date=row.earliest_action_date,
        hold_reason=row.hold_reason,
        sent_item_id=row.sent_item_id,
        channel=row.channel,
        letter_pdf=row.letter_pdf,
        by_rule=row.by_rule,
        merge_data=dict(row.merge_data),
    )


def notices_of(*, contract_id: int) -> list[NoticeView]:
    """An account's notices, newest first. Raises AccountNotFound for an unknown contract."""
    account_number = Contract.objects.filter(pk=contract_id).values_list("account_number", flat=True).first()
    if account_number is None:
        raise AccountNotFound(f"contract_id: no account {contract_id}", field="contract_id")
    rows = Notice.objects.filter(contract_id=contract_id).order_by("-created_at", "-pk")
    return [notice_view(row, account_number) for row in rows]


def notices_of_account(*, account_number: str) -> list[NoticeView]:
    """The same, by account number. Raises AccountNotFound."""
    contract_id = Contract.objects.filter(account_number=account_number).values_list("pk", flat=True).first()
    if contract_id is None:
        raise AccountNotFound(f"account_number: no account {account_number}", field="account_number")
    return notices_of(contract_id=contract_id)


def notice_get(*, notice_id: int) -> NoticeView:
    row = Notice.objects.filter(pk=notice_id).first()
    if row is None:
        raise NoticeNotFound(f"notice_id: no notice {notice_id}", field="notice_id")
    return notice_view(row, Contract.objects.values_list("account_number", flat=True).get(pk=row.contract_id))


@dataclass(frozen=True)
class AccountRef:
    contract_id: int
    currency: str


def account_ref(*, account_number: str) -> AccountRef:
    """The contract and currency behind an account number, for interfaces that take amounts as text.
    Raises AccountNotFound."""
    row = Contract.objects.filter(account_number=account_number).values_list("pk", "currency").first()
    if row is None:
        raise AccountNotFound(f"account_number: no account {account_number}", field="account_number")
    return AccountRef(contract_id=row[0], currency=row[1])
