"""Revealing a customer's masked personal data to a reader whose role may see it, audited."""

from __future__ import annotations

from datetime import datetime

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.access.privacy import PersonalField, may_reveal
from recoup.parties import queries as parties
from recoup.portfolio.errors import AccountNotFound, RevealNotAllowed
from recoup.portfolio.models import Contract, ContractParty


def personal_data_reveal(
    *, account_number: str, party_id: int, field: str, viewer: User, at: datetime
) -> tuple[str, ...]:
    """The field in clear for a reader whose role may reveal it; every reveal is audited.

    Raises AccountNotFound, RevealNotAllowed (field "field": unknown, or not for this role;
    field "party_id": not a party to this account).
    """
    try:
        wanted = PersonalField(field)
    except ValueError:
        raise RevealNotAllowed(
            f"field: {field!r} is not personal data that can be revealed", field="field"
        ) from None
    if not may_reveal(viewer.role, wanted):
        raise RevealNotAllowed(
            f"field: your role may not reveal {wanted.value.replace('_', ' ')}", field="field"
        )
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise AccountNotFound(f"account_number: no account {account_number!r}", field="account_number")
    if not ContractParty.objects.filter(contract=contract, party_id=party_id).exists():
        raise RevealNotAllowed(f"party_id: {party_id} is not a party to {account_number}", field="party_id")
    view = parties.party_views([party_id])[party_id]
    if wanted == PersonalField.DATE_OF_BIRTH:
        values: tuple[str, ...] = (view.date_of_birth.isoformat(),) if view.date_of_birth else ()
    elif wanted == PersonalField.PHONES:
        values = tuple(p.display for p in view.phones)
    elif wanted == PersonalField.EMAILS:
        values = tuple(view.emails)
    else:
        values = tuple(", ".join(a.lines) for a in view.addresses if a.current)
    audit_record(
        actor=viewer,
        action="personal_data.reveal",
        object_type="party",
        object_id=party_id,
        at=at,
        after={"field": wanted.value, "account_number": contract.account_number},
    )
    return values
