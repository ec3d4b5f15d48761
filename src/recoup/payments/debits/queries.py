"""Reads of the debits context, as plain dataclasses: a contract's mandates, without the account number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from recoup.payments.debits.models import Mandate, Originator
from recoup.portfolio.errors import AccountNotFound
from recoup.portfolio.models import Contract


@dataclass(frozen=True)
class MandateView:
    id: int
    account_number: str
    originator: str
    scheme: str
    status: str
    reference: str
    holder_name: str
    bank: str  # routing number or sort code
    account_last4: str
    authorization_form: str
    authorized_date: date
    lodged_date: date | None
    ended_date: date | None
    end_reason: str


def mandate_view(mandate: Mandate) -> MandateView:
    return MandateView(
        id=mandate.pk,
        account_number=mandate.contract.account_number,
        originator=mandate.originator.code,
        scheme=mandate.scheme,
        status=mandate.status,
        reference=mandate.reference,
        holder_name=mandate.holder_name,
        bank=mandate.routing_number or mandate.sort_code,
        account_last4=mandate.account_last4,
        authorization_form=mandate.authorization_form,
        authorized_date=mandate.authorized_date,
        lodged_date=mandate.lodged_date,
        ended_date=mandate.ended_date,
        end_reason=mandate.end_reason,
    )


def mandates_of(account_number: str) -> list[MandateView]:
    """The contract's mandates, newest first (none for an unknown account)."""
    rows = (
        Mandate.objects.select_related("contract", "originator")
        .filter(contract__account_number=account_number.strip())
        .order_by("-created_at", "-pk")
    )
    return [mandate_view(row) for row in rows]


@dataclass(frozen=True)
class OriginatorChoice:
    code: str
    name: str
    scheme: str  # "ach" or "bacs"


def originators_for(*, currency: str) -> list[OriginatorChoice]:
    """Who may collect by debit in `currency`: the ACH companies or Bacs service users set up."""
    rows = Originator.objects.filter(currency=currency).order_by("code")
    return [OriginatorChoice(code=o.code, name=o.name, scheme=o.scheme) for o in rows]


def originators_for_account(account_number: str) -> list[OriginatorChoice]:
    """Who may collect by debit from this account: those in its currency. Raises AccountNotFound."""
    currency = (
        Contract.objects.filter(account_number=account_number.strip())
        .values_list("currency", flat=True)
        .first()
    )
    if currency is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    return originators_for(currency=currency)
