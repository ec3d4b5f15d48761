"""Who collects (originators) and the customers' authority to debit them (mandates)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from django.conf import settings
from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.kernel.money import currency_check
from recoup.payments.debits.errors import (
    MandateInvalid,
    OriginatorInvalid,
    OriginatorNotFound,
)
from recoup.payments.debits.formats.bank_details import (
    last_four,
    routing_number_check,
    seal,
    sort_code_check,
    uk_account_number_check,
    us_account_number_check,
)
from recoup.payments.debits.models import (
    AccountType,
    AuthorizationForm,
    Mandate,
    MandateStatus,
    Originator,
    Scheme,
)
from recoup.payments.debits.queries import MandateView, mandate_view
from recoup.portfolio.models import Contract


def sealing_key() -> bytes:
    """The sealing key of bank account numbers: RECOUP_BANK_DETAILS_KEY if set, else derived from the
    secret key (so rotating the secret key needs the sealed numbers sealed afresh)."""
    secret = getattr(settings, "RECOUP_BANK_DETAILS_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(f"recoup.payments.debits:{secret}".encode()).digest()


def originator_add(
    *,
    code: str,
    scheme: str,
    name: str,
    currency: str,
    identification: str,
    at: datetime,
    odfi_routing: str = "",
    destination_routing: str = "",
    destination_name: str = "",
    origin: str = "",
    sort_code: str = "",
    account_number: str = "",
    account_name: str = "",
    created_by: User | None = None,
) -> Originator:
    """Record who collects: an ACH company (its ODFI and file destination) or a Bacs service user
    (its SUN and own account for the contra). Audited.

    Raises OriginatorInvalid naming the field, BankDetailsInvalid.
    """
    code = code.strip()
    if not code:
        raise OriginatorInvalid("code: is required", field="code")
    if Originator.objects.filter(code=code).exists():
        raise OriginatorInvalid(f"code: an originator {code!r} exists already", field="code")
    if scheme not in Scheme.values:
        raise OriginatorInvalid(f"scheme: {scheme!r} is neither ach nor bacs", field="scheme")
    if not name.strip():
        raise OriginatorInvalid("name: is required", field="name")
    currency_check(currency)
    fields: dict[str, str] = {}
    if scheme == Scheme.ACH:
        if currency != "USD":
            raise OriginatorInvalid("currency: ACH debits are in USD", field="currency")
        if not (1 <= len(identification.strip()) <= 10):
            raise OriginatorInvalid(
                "identification: the Company Identification is 1 to 10 characters", field="identification"
            )
        fields = {
            "odfi_routing": routing_number_check(odfi_routing, field="odfi_routing"),
            "destination_routing": routing_number_check(
                destination_routing or odfi_routing, field="destination_routing"
            ),
            "destination_name": destination_name.strip()[:23],
            "origin": (origin or identification).strip()[:10].rjust(10),
        }
    else:
        if currency != "GBP":
            raise OriginatorInvalid("currency: Direct Debits are in GBP", field="currency")
        if not re.fullmatch(r"\d{6}", identification.strip()):
            raise OriginatorInvalid(
                "identification: a Service User Number is six digits", field="identification"
            )
        fields = {
            "sort_code": sort_code_check(sort_code),
            "account_number": uk_account_number_check(account_number),
            "account_name": (account_name or name).strip()[:18],
        }
    with transaction.atomic():
        originator = Originator.objects.create(
            code=code,
            scheme=scheme,
            name=name.strip(),
            currency=currency,
            identification=identification.strip(),
            **fields,
        )
        audit_record(
            actor=created_by,
            action="debit_originator.add",
            object_type="payments_debits.originator",
            object_id=originator.pk,
            at=at,
            after={"code": code, "scheme": scheme, "name": originator.name},
        )
    return originator


def mandate_create(
    *,
    account_number: str,
    originator_code: str,
    holder_name: str,
    bank_account_number: str,
    authorized_date: date,
    at: datetime,
    routing_number: str = "",
    account_type: str = "",
    authorization_form: str = "",
    sort_code: str = "",
    reference: str = "",
    created_by: User | None = None,
) -> MandateView:
    """Record a customer's authority to debit their bank account for a contract. Audited, without
    the account number, which is kept sealed.

    An ACH authorization (Reg E, Nacha Rules 2.3.2) needs the routing number (ABA checksum), checking
    or savings, and how it was given (written, web, telephone); it is active at once. A Direct Debit
    Instruction needs the sort code and an eight-digit account; it waits to be lodged with Bacs
    (AUDDIS 0N) by the next debit run. The reference defaults to "RCP" and the account number.

    Raises MandateInvalid (field named), BankDetailsInvalid, OriginatorNotFound.
    """
    contract = Contract.objects.filter(account_number=account_number.strip()).first()
    if contract is None:
        raise MandateInvalid(f"account_number: no account {account_number!r}", field="account_number")
    originator = Originator.objects.filter(code=originator_code.strip()).first()
    if originator is None:
        raise OriginatorNotFound(f"originator: no originator {originator_code!r}", field="originator")
    if originator.currency != contract.currency:
        raise MandateInvalid(
            f"originator: {originator.code} collects {originator.currency}, "
            f"the account is in {contract.currency}",
            field="originator",
        )
    if not holder_name.strip():
        raise MandateInvalid("holder_name: is required", field="holder_name")
    if authorized_date > at.date():
        raise MandateInvalid("authorized_date: cannot be after today", field="authorized_date")
    default = f"RCP{contract.account_number}"
    reference = (
        (reference or (default if len(default) <= 18 else contract.account_number[-18:])).strip().upper()
    )
    if not re.fullmatch(r"[A-Z0-9./&\- ]{6,18}", reference) or len(set(reference)) == 1:
        raise MandateInvalid(
            "reference: 6 to 18 letters, digits or . / & - and not one character repeated", field="reference"
        )
    if Mandate.objects.filter(originator=originator, reference=reference).exists():
        raise MandateInvalid(
            f"reference: {reference} is already used for {originator.code}", field="reference"
        )
    if originator.scheme == Scheme.ACH:
        if account_type not in AccountType.values:
            raise MandateInvalid("account_type: checking or savings", field="account_type")
        if authorization_form not in AuthorizationForm.values:
            raise MandateInvalid("authorization_form: written, web or telephone", field="authorization_form")
        bank = {
            "routing_number": routing_number_check(routing_number),
            "account_type": account_type,
            "authorization_form": authorization_form,
        }
        number = us_account_number_check(bank_account_number, field="bank_account_number")
        status = MandateStatus.ACTIVE
    else:
        bank = {"sort_code": sort_code_check(sort_code)}
        number = uk_account_number_check(bank_account_number, field="bank_account_number")
        status = MandateStatus.PENDING_LODGEMENT
    with transaction.atomic():
        mandate = Mandate.objects.create(
            contract=contract,
            originator=originator,
            scheme=originator.scheme,
            status=status,
            holder_name=holder_name.strip(),
            account_last4=last_four(number),
            account_sealed=seal(number, key=sealing_key()),
            authorized_date=authorized_date,
            reference=reference,
            created_at=at,
            created_by=created_by,
            **bank,
        )
        audit_record(
            actor=created_by,
            action="debit_mandate.create",
            object_type="payments_debits.mandate",
            object_id=mandate.pk,
            at=at,
            after={
                "account_number": contract.account_number,
                "scheme": mandate.scheme,
                "status": status,
                "reference": reference,
                "bank": mandate.routing_number or mandate.sort_code,
                "account_last4": mandate.account_last4,
                "authorization_form": mandate.authorization_form,
                "authorized_date": authorized_date.isoformat(),
            },
        )
    return mandate_view(mandate)


def originators_demo_ensure(*, at: datetime) -> int:
    """The demo's collectors, once: an ACH company for the US book and a Bacs service user for the UK
    book, so that mandates can be recorded and debited there. Returns how many were added."""
    added = 0
    if not Originator.objects.filter(code="DEMO-ACH").exists():
        originator_add(
            code="DEMO-ACH",
            scheme=Scheme.ACH,
            name="Recoup Auto Fin",
            currency="USD",
            identification="1234567890",
            odfi_routing="021000021",
            destination_name="DEMO BANK",
            at=at,
        )
        added += 1
    if not Originator.objects.filter(code="DEMO-DD").exists():
        originator_add(
            code="DEMO-DD",
            scheme=Scheme.BACS,
            name="Recoup Motor Fin",
            currency="GBP",
            identification="123456",
            sort_code="40-05-15",
            account_number="12345678",
            account_name="Recoup Motor Finance",
            at=at,
        )
        added += 1
    return added
