"""Statutory notices: an account's notices with their dates, and the notices a workflow triggers
(intent to repossess, disposition, deficiency explanation, UK default notice). Amounts are decimal
strings in the account's currency; a refusal names the field (a missing element of the notice too)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from recoup.access.models import User
from recoup.api.errors import NotPermitted
from recoup.comms.notices import operations, queries
from recoup.kernel import clock
from recoup.kernel.money import Money
from recoup.kernel.plain import plain

router = Router(tags=["notices"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


@router.get("/accounts/{account_number}/notices", summary="An account's statutory notices, newest first")
def notice_list(request: HttpRequest, account_number: str) -> list[dict[str, Any]]:
    return plain(queries.notices_of_account(account_number=account_number))


class DispositionIn(Schema):
    method: str = Field(..., description="public or private")
    repossessed_date: date
    redemption_phone: str = Field(..., description="where the customer learns the amount to redeem")
    sale_at: datetime | None = Field(None, description="a public sale's moment, ISO 8601 with offset")
    earliest_private_sale_date: date | None = Field(None, description="a private sale is made after this day")
    place: str = ""
    accounting_charge: str = Field("0", description="the charge for an accounting, decimal string")
    deficiency_liability: bool = True
    information_contact: str = ""
    mailed_out_of_state: bool = False
    redemption_amount: str | None = Field(None, description="California: the amount to redeem")
    reinstatement: str = Field("", description="California: the conditions of reinstatement, or why none")


@router.post(
    "/accounts/{account_number}/notices/disposition",
    response={201: dict[str, Any]},
    summary="Notify the customer of the disposition of the repossessed vehicle (UCC 9-611 to 9-614)",
)
def disposition(request: HttpRequest, account_number: str, payload: DispositionIn) -> Status[dict[str, Any]]:
    account = queries.account_ref(account_number=account_number)
    notice = operations.disposition_notice_issue(
        contract_id=account.contract_id,
        method=payload.method,
        repossessed_date=payload.repossessed_date,
        redemption_phone=payload.redemption_phone,
        sale_at=payload.sale_at,
        earliest_private_sale_date=payload.earliest_private_sale_date,
        place=payload.place,
        accounting_charge_minor=Money.parse(
            payload.accounting_charge, account.currency, field="accounting_charge"
        ).minor,
        deficiency_liability=payload.deficiency_liability,
        information_contact=payload.information_contact,
        mailed_out_of_state=payload.mailed_out_of_state,
        redemption_amount_minor=None
        if payload.redemption_amount is None
        else Money.parse(payload.redemption_amount, account.currency, field="redemption_amount").minor,
        reinstatement=payload.reinstatement,
        at=clock.now(),
        by=_user(request),
    )
    return Status(201, plain(notice))


class DeficiencyIn(Schema):
    disposed_date: date
    obligation_as_of_date: date
    aggregate_obligation: str
    proceeds: str
    expenses: str
    credits: str
    request_received_date: date | None = None
    information_contact: str = ""


@router.post(
    "/accounts/{account_number}/notices/deficiency-explanation",
    response={201: dict[str, Any]},
    summary="Explain the deficiency after the disposition (UCC 9-616)",
)
def deficiency(request: HttpRequest, account_number: str, payload: DeficiencyIn) -> Status[dict[str, Any]]:
    account = queries.account_ref(account_number=account_number)

    def minor(name: str) -> int:
        return Money.parse(getattr(payload, name), account.currency, field=name).minor

    notice = operations.deficiency_explanation_issue(
        contract_id=account.contract_id,
        disposed_date=payload.disposed_date,
        obligation_as_of_date=payload.obligation_as_of_date,
        aggregate_obligation_minor=minor("aggregate_obligation"),
        proceeds_minor=minor("proceeds"),
        expenses_minor=minor("expenses"),
        credits_minor=minor("credits"),
        request_received_date=payload.request_received_date,
        information_contact=payload.information_contact,
        at=clock.now(),
        by=_user(request),
    )
    return Status(201, plain(notice))


class IntentIn(Schema):
    repossession_from_date: date | None = None


@router.post(
    "/accounts/{account_number}/notices/intent-to-repossess",
    response={201: dict[str, Any]},
    summary="Tell the customer the vehicle may be repossessed (after any state cure period)",
)
def intent(request: HttpRequest, account_number: str, payload: IntentIn) -> Status[dict[str, Any]]:
    account = queries.account_ref(account_number=account_number)
    notice = operations.intent_to_repossess_issue(
        contract_id=account.contract_id,
        repossession_from_date=payload.repossession_from_date,
        at=clock.now(),
        by=_user(request),
    )
    return Status(201, plain(notice))


class DefaultIn(Schema):
    breach: str = ""


@router.post(
    "/accounts/{account_number}/notices/default",
    response={201: dict[str, Any]},
    summary="Serve a default notice on a UK agreement (CCA s.87)",
)
def default(request: HttpRequest, account_number: str, payload: DefaultIn) -> Status[dict[str, Any]]:
    account = queries.account_ref(account_number=account_number)
    notice = operations.default_notice_issue(
        contract_id=account.contract_id, breach=payload.breach, at=clock.now(), by=_user(request)
    )
    return Status(201, plain(notice))
