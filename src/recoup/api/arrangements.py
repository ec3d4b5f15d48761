"""Arrangements and credits on an account, the calculator, and the approval requests they make."""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Router, Schema, Status

from recoup.access.models import User
from recoup.api.errors import NotPermitted
from recoup.api.payments import idempotent
from recoup.collections import approvals, arrangements, credits
from recoup.kernel import clock
from recoup.kernel.plain import plain

router = Router(tags=["arrangements"])


class PaymentIn(Schema):
    date: date_type = Field(..., description="the date this amount is paid by")
    amount: str = Field(..., description='decimal string in the account\'s currency, e.g. "7000.00"')


class TermsIn(Schema):
    kind: str = Field(..., description="deferral, extension, due_date_change, reduced_payment or settlement")
    periods: int | None = Field(
        None, description="periods to defer by, installments to add, or a plan's monthly payments"
    )
    new_due_date: date_type | None = Field(None, description="a due-date change's new date")
    from_installment: int | None = Field(None, description="default: the next installment not yet due")
    amount: str | None = Field(None, description='a reduced-payment plan\'s payment a month, e.g. "150.00"')
    first_date: date_type | None = Field(None, description="a reduced-payment plan's first payment date")
    payments: list[PaymentIn] = Field(
        default_factory=list, description="a settlement's dated amounts, adding up to less than the balance"
    )
    note: str = ""

    def terms(self) -> arrangements.ArrangementTerms:
        return arrangements.ArrangementTerms(
            kind=self.kind,
            periods=self.periods,
            new_due_date=self.new_due_date,
            from_installment=self.from_installment,
            amount=self.amount,
            first_date=self.first_date,
            payments=tuple((p.date, p.amount) for p in self.payments),
        )


class DecisionIn(Schema):
    approve: bool
    note: str = ""


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise NotPermitted("sign in or send a bearer token")
    return user


@router.post(
    "/accounts/{account_number}/arrangements/quote", summary="What an arrangement would do; nothing is stored"
)
def arrangement_quote(request: HttpRequest, account_number: str, payload: TermsIn) -> dict[str, Any]:
    quote = arrangements.arrangement_quote(
        account_number=account_number, terms=payload.terms(), asked_by=_user(request), as_of=clock.today()
    )
    return {**plain(quote), "within_authority": quote.within_authority}


@router.post(
    "/accounts/{account_number}/arrangements",
    response={201: dict[str, Any]},
    summary="Make an arrangement: at once within authority, else an approval request",
)
def arrangement_make(request: HttpRequest, account_number: str, payload: TermsIn) -> Status[dict[str, Any]]:
    made = arrangements.arrangement_request(
        account_number=account_number,
        terms=payload.terms(),
        requested_by=_user(request),
        as_of=clock.today(),
        at=clock.now(),
        note=payload.note,
    )
    return Status(201, plain(made))


@router.get("/accounts/{account_number}/arrangements", summary="An account's arrangements, newest first")
def arrangement_list(request: HttpRequest, account_number: str) -> list[dict[str, Any]]:
    return plain(arrangements.arrangements_of(account_number))


@router.get("/approvals", summary="Requests awaiting a decision, each saying whether you may decide it")
def approval_list(request: HttpRequest) -> list[dict[str, Any]]:
    return plain(approvals.approvals_pending(reader=_user(request)))


@router.post("/approvals/{approval_id}/decision", summary="Approve or reject a request (never your own)")
def approval_decision(request: HttpRequest, approval_id: int, payload: DecisionIn) -> dict[str, Any]:
    decided = approvals.approval_decide(
        approval_id=approval_id,
        decided_by=_user(request),
        approve=payload.approve,
        note=payload.note,
        as_of=clock.today(),
        at=clock.now(),
    )
    return plain(decided)


class CreditIn(Schema):
    kind: str = Field(..., description="fee_waiver or credit")
    amount: str = Field(..., description='decimal string in the account\'s currency, e.g. "25.00"')
    reason: str = Field(..., description=", ".join(credits.CREDIT_REASONS))
    note: str = ""


@router.post(
    "/accounts/{account_number}/credits",
    response={201: dict[str, Any]},
    summary="Give a credit or waive fees: posted within authority, else an approval request",
)
def credit_give(
    request: HttpRequest,
    account_number: str,
    payload: CreditIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> HttpResponse:
    def give() -> tuple[int, Any]:
        made = credits.credit_request(
            account_number=account_number,
            kind=payload.kind,
            amount=payload.amount,
            reason=payload.reason,
            note=payload.note,
            requested_by=_user(request),
            as_of=clock.today(),
            at=clock.now(),
        )
        return 201, plain(made)

    return idempotent(request, key=idempotency_key, payload=payload, carry_out=give)


@router.get(
    "/accounts/{account_number}/credits", summary="An account's credits and fee waivers, newest first"
)
def credit_list(request: HttpRequest, account_number: str) -> list[dict[str, Any]]:
    return plain(credits.credits_of(account_number))
