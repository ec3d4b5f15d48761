"""Debits: mandates recorded, runs that write the scheme files and post the receipts, returns that
reverse them.

When the money counts. An ACH debit settles on its effective entry date and a Direct Debit on the
Bacs entry day (the collection date; Bacs processes it the working day before). The receipt is
posted through `portfolio.operations.payment_apply`, dated that settlement date, once the date has
come (`as_of` on or after it): a run for today posts at once, a run for a later date posts when a
run or `debits_settle` is made on or after it. The item's own key is the receipt's idempotency key
("debit-item:<id>"), so settling twice posts once. Neither scheme guarantees the money: a NACHA
return (within two banking days, sixty for an unauthorized consumer debit) or an ARUDD unpaid
advice reverses the receipt through `ledger.operations.receipt_reverse`, dated the day the return
came; the next close of business re-ages the account from the journal as it then stands.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.kernel.money import Money, currency_check
from recoup.kernel.plain import plain
from recoup.ledger import operations as ledger
from recoup.ledger.models import Receipt, ReceiptStatus
from recoup.payments.debits import promise_recheck
from recoup.payments.debits.errors import (
    DebitFileRefused,
    DebitRunRefused,
    MandateInvalid,
    OriginatorInvalid,
    OriginatorNotFound,
)
from recoup.payments.debits.formats import bacs, nacha
from recoup.payments.debits.formats.bank_details import (
    last_four,
    routing_number_check,
    seal,
    sort_code_check,
    uk_account_number_check,
    unseal,
    us_account_number_check,
)
from recoup.payments.debits.models import (
    AccountType,
    AuthorizationForm,
    DebitFile,
    DebitItem,
    DebitReturn,
    DebitRun,
    ItemStatus,
    Mandate,
    MandateStatus,
    Originator,
    ReturnFile,
    Scheme,
)
from recoup.portfolio.models import Contract, ContractStatus
from recoup.portfolio.operations import payment_apply
from recoup.portfolio.schedule_versions import version_schedule

SEC_CODE = {
    AuthorizationForm.WRITTEN: "PPD",
    AuthorizationForm.WEB: "WEB",
    AuthorizationForm.TELEPHONE: "TEL",
}
ENTRY_DESCRIPTION = "LOAN PYMT"
# Returns after which the account is not debited again: closed, no account, invalid account, revoked
# authorization, not authorized, frozen, non-transaction account (Nacha Rules, Appendix Four), and
# the deceased account holder (R14, R15)...
ACH_STOPPING_CODES = frozenset({"R02", "R03", "R04", "R07", "R10", "R14", "R15", "R16", "R20"})
# ...and the ARUDD equivalents: instruction cancelled, payer deceased, account transferred, no
# account, no instruction, service user differs, account closed.
ARUDD_STOPPING_CODES = frozenset({"1", "2", "3", "5", "6", "A", "B"})
# ADDACS: the instruction cancelled (0, 1, 2, 3, B); amended to a new account (C, E); re-instated (R).
ADDACS_CANCELLING_CODES = frozenset({"0", "1", "2", "3", "B"})
ADDACS_AMENDING_CODES = frozenset({"C", "E"})
# A Direct Debit Instruction lodged (AUDDIS 0N) is first collected no sooner than this many days
# later, so that the payer's bank has set it up (the Bacs three-day cycle, counted in calendar days).
LODGEMENT_DAYS = 3
REVERSAL_REASON = "debit_returned"
FILE_ID_MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class MandateView:
    id: int
    account_number: str
    scheme: str
    status: str
    reference: str
    holder_name: str
    bank: str  # routing number or sort code
    account_last4: str
    authorized_date: date


@dataclass(frozen=True)
class FileWritten:
    name: str
    originator: str
    scheme: str
    items: int
    instructions: int
    total: Money


@dataclass(frozen=True)
class RunResult:
    run_id: int
    collection_date: date
    files: tuple[FileWritten, ...]
    items: int
    lodged: int
    settled: int
    skipped: tuple[str, ...] = field(default=())  # why a due installment was not debited


@dataclass(frozen=True)
class ReturnsResult:
    file_name: str
    kind: str
    returned: int
    already_returned: int
    reversed_receipts: int
    mandates_stopped: int
    mandates_changed: int
    promises_reopened: int
    notices_of_change: int


def _key() -> bytes:
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
    reference = (reference or f"RCP{contract.account_number}").strip().upper()
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
            account_sealed=seal(number, key=_key()),
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


def mandate_view(mandate: Mandate) -> MandateView:
    return MandateView(
        id=mandate.pk,
        account_number=mandate.contract.account_number,
        scheme=mandate.scheme,
        status=mandate.status,
        reference=mandate.reference,
        holder_name=mandate.holder_name,
        bank=mandate.routing_number or mandate.sort_code,
        account_last4=mandate.account_last4,
        authorized_date=mandate.authorized_date,
    )


# --- the run ------------------------------------------------------------------------------------------


def bacs_processing_date(collection_date: date) -> date:
    """The Bacs processing day: the weekday before the entry day the money moves on."""
    day = collection_date - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass
class _Due:
    mandate: Mandate
    installment: int
    amount_minor: int
    code: str = ""


def _due(collection_date: date) -> tuple[list[_Due], list[str]]:
    """The installments due on the collection date of contracts with a mandate that can be debited."""
    mandates = (
        Mandate.objects.select_related("contract", "originator")
        .filter(status__in=[MandateStatus.ACTIVE, MandateStatus.LODGED, MandateStatus.PENDING_LODGEMENT])
        .exclude(items__collection_date=collection_date)
        .order_by("originator_id", "pk")
    )
    due: list[_Due] = []
    skipped: list[str] = []
    seen_contracts: set[int] = set()
    for mandate in mandates:
        contract = mandate.contract
        if contract.status != ContractStatus.ACTIVE:
            continue
        if mandate.status != MandateStatus.ACTIVE and mandate.scheme == Scheme.BACS:
            lodged = mandate.lodged_date
            if lodged is None or lodged + timedelta(days=LODGEMENT_DAYS) > collection_date:
                if any(i.due_date == collection_date for i in version_schedule(contract).installments):
                    skipped.append(
                        f"{contract.account_number}: Direct Debit Instruction {mandate.reference} "
                        f"is not lodged {LODGEMENT_DAYS} days before {collection_date}"
                    )
                continue
        for installment in version_schedule(contract).installments:
            if installment.due_date == collection_date and installment.payment_minor > 0:
                if contract.pk in seen_contracts:
                    skipped.append(
                        f"{contract.account_number}: a second mandate {mandate.reference} is not debited"
                    )
                    break
                seen_contracts.add(contract.pk)
                code = ""
                if mandate.scheme == Scheme.BACS:
                    code = "17" if mandate.status == MandateStatus.ACTIVE else "01"
                due.append(_Due(mandate, installment.number, installment.payment_minor, code))
                break
    return due, skipped


def debit_run(
    *, collection_date: date, as_of: date, at: datetime, created_by: User | None = None
) -> RunResult:
    """Debit every installment due on `collection_date` on an active mandate: one NACHA file per ACH
    originator (a batch per SEC code: PPD, WEB, TEL), one Bacs submission per service user (the
    Direct Debit Instructions waiting to be lodged as AUDDIS 0N, the collections as 01 for a first and
    17 for a regular one, with their contra). Records the items, then settles (posts the receipts of)
    every item whose collection date has come. All of it or nothing; audited.

    A second run for the same date debits only what the first did not. Raises DebitRunRefused for a
    collection date before `as_of`.
    """
    if collection_date < as_of:
        raise DebitRunRefused(
            f"collection_date: {collection_date} is before the business date {as_of}", field="collection_date"
        )
    with transaction.atomic():
        run = DebitRun.objects.create(
            collection_date=collection_date, as_of=as_of, created_at=at, created_by=created_by
        )
        due, skipped = _due(collection_date)
        to_lodge = list(
            Mandate.objects.select_related("originator")
            .filter(status=MandateStatus.PENDING_LODGEMENT)
            .order_by("originator_id", "pk")
        )
        by_originator: dict[int, list[_Due]] = defaultdict(list)
        for item in due:
            by_originator[item.mandate.originator_id].append(item)
        lodging: dict[int, list[Mandate]] = defaultdict(list)
        for mandate in to_lodge:
            lodging[mandate.originator_id].append(mandate)
        files: list[FileWritten] = []
        item_count = 0
        for originator_id in sorted(set(by_originator) | set(lodging)):
            originator = Originator.objects.select_for_update().get(pk=originator_id)
            if originator.scheme == Scheme.ACH:
                written = _ach_file(run, originator, by_originator[originator_id], at)
            else:
                written = _bacs_file(
                    run, originator, by_originator[originator_id], lodging[originator_id], at
                )
            files.append(written)
            item_count += written.items
        if to_lodge:
            Mandate.objects.filter(pk__in=[m.pk for m in to_lodge]).update(
                status=MandateStatus.LODGED, lodged_date=as_of
            )
        first_collections = [d.mandate.pk for d in due if d.code == "01"]
        Mandate.objects.filter(pk__in=first_collections).update(status=MandateStatus.ACTIVE)
        settled = _settle(as_of=as_of, at=at, created_by=created_by)
        result = RunResult(
            run_id=run.pk,
            collection_date=collection_date,
            files=tuple(files),
            items=item_count,
            lodged=len(to_lodge),
            settled=settled,
            skipped=tuple(skipped),
        )
        audit_record(
            actor=created_by,
            action="debit_run.run",
            object_type="payments_debits.debit_run",
            object_id=run.pk,
            at=at,
            after={
                "collection_date": collection_date.isoformat(),
                "as_of": as_of.isoformat(),
                "files": [f.name for f in files],
                "items": item_count,
                "lodged": len(to_lodge),
                "settled": settled,
            },
        )
    return result


def _file_id_modifier(originator: Originator, at: datetime) -> str:
    earlier = DebitFile.objects.filter(originator=originator, run__created_at__date=at.date()).count()
    return FILE_ID_MODIFIERS[earlier % len(FILE_ID_MODIFIERS)]


def _ach_file(run: DebitRun, originator: Originator, due: Sequence[_Due], at: datetime) -> FileWritten:
    first = originator.last_sequence + 1
    debits_by_sec: dict[str, list[nacha.Debit]] = defaultdict(list)
    items: list[DebitItem] = []
    for offset, item in enumerate(due):
        mandate = item.mandate
        sequence = (first + offset) % 10**7
        sec = SEC_CODE[AuthorizationForm(mandate.authorization_form)]
        debits_by_sec[sec].append(
            nacha.Debit(
                routing=mandate.routing_number,
                account=unseal(mandate.account_sealed, key=_key()),
                account_type=mandate.account_type,
                amount_minor=item.amount_minor,
                individual_id=mandate.contract.account_number,
                name=mandate.holder_name,
                trace_sequence=sequence,
                payment_type="R" if sec != "PPD" else "",
            )
        )
        items.append(
            DebitItem(
                run=run,
                mandate=mandate,
                originator=originator,
                contract=mandate.contract,
                installment=item.installment,
                amount_minor=item.amount_minor,
                currency=originator.currency,
                collection_date=run.collection_date,
                processing_date=run.collection_date,
                transaction_code=nacha.DEBIT_CODES[mandate.account_type],
                trace=nacha.trace_number(originator.odfi_routing, sequence),
            )
        )
    content = nacha.file_write(
        originator=nacha.Originator(
            company_name=originator.name,
            company_id=originator.identification,
            odfi_routing=originator.odfi_routing,
            destination_routing=originator.destination_routing,
            destination_name=originator.destination_name,
            origin=originator.origin,
            origin_name=originator.name,
        ),
        batches=[
            nacha.Batch(sec, ENTRY_DESCRIPTION, run.collection_date, tuple(debits))
            for sec, debits in sorted(debits_by_sec.items())
        ],
        created_at=at,
        file_id_modifier=_file_id_modifier(originator, at),
    )
    return _file_save(run, originator, items, content, extension="ach", instructions=0)


def _bacs_file(
    run: DebitRun, originator: Originator, due: Sequence[_Due], lodging: Sequence[Mandate], at: datetime
) -> FileWritten:
    key = _key()
    records = [
        bacs.Record("0N", m.sort_code, unseal(m.account_sealed, key=key), m.holder_name, m.reference)
        for m in lodging
    ]
    processing = bacs_processing_date(run.collection_date)
    items: list[DebitItem] = []
    for item in due:
        mandate = item.mandate
        records.append(
            bacs.Record(
                item.code,
                mandate.sort_code,
                unseal(mandate.account_sealed, key=key),
                mandate.holder_name,
                mandate.reference,
                item.amount_minor,
            )
        )
        items.append(
            DebitItem(
                run=run,
                mandate=mandate,
                originator=originator,
                contract=mandate.contract,
                installment=item.installment,
                amount_minor=item.amount_minor,
                currency=originator.currency,
                collection_date=run.collection_date,
                processing_date=processing,
                transaction_code=item.code,
                trace=mandate.reference,
            )
        )
    serial = f"{(originator.last_sequence + 1) % 10**6:06d}"
    content = bacs.submission_write(
        service_user=bacs.ServiceUser(
            originator.identification,
            originator.name,
            originator.sort_code,
            originator.account_number,
            originator.account_name,
        ),
        serial=serial,
        created_date=at.date(),
        processing_date=processing,
        records=records,
    )
    return _file_save(run, originator, items, content, extension="bacs", instructions=len(lodging))


def _file_save(
    run: DebitRun,
    originator: Originator,
    items: list[DebitItem],
    content: str,
    *,
    extension: str,
    instructions: int,
) -> FileWritten:
    total = sum(i.amount_minor for i in items)
    debit_file = DebitFile.objects.create(
        run=run,
        originator=originator,
        name=f"{originator.code}-{run.collection_date:%Y%m%d}-run{run.pk}.{extension}",
        content=content,
        item_count=len(items),
        instruction_count=instructions,
        total_minor=total,
        currency=originator.currency,
    )
    for item in items:
        item.file = debit_file
    DebitItem.objects.bulk_create(items)
    step = len(items) if originator.scheme == Scheme.ACH else 1
    Originator.objects.filter(pk=originator.pk).update(last_sequence=originator.last_sequence + step)
    return FileWritten(
        name=debit_file.name,
        originator=originator.code,
        scheme=originator.scheme,
        items=len(items),
        instructions=instructions,
        total=Money(total, originator.currency),
    )


def debits_settle(*, as_of: date, at: datetime, created_by: User | None = None) -> int:
    """Post the receipt of every submitted debit whose collection date has come; how many it posted."""
    with transaction.atomic():
        return _settle(as_of=as_of, at=at, created_by=created_by)


def _settle(*, as_of: date, at: datetime, created_by: User | None) -> int:
    items = list(
        DebitItem.objects.select_for_update(of=("self",))
        .select_related("contract", "originator")
        .filter(status=ItemStatus.SUBMITTED, collection_date__lte=as_of)
        .order_by("collection_date", "pk")
    )
    for item in items:
        scheme = "ACH" if item.originator.scheme == Scheme.ACH else "DD"
        taken = payment_apply(
            account_number=item.contract.account_number,
            amount=Money(item.amount_minor, item.currency).amount,
            received_date=item.collection_date,
            reference=f"{scheme} {item.trace}",
            idempotency_key=f"debit-item:{item.pk}",
            currency=item.currency,
            at=at,
            created_by=created_by,
        )
        DebitItem.objects.filter(pk=item.pk).update(
            status=ItemStatus.SETTLED, receipt_id=taken.receipt_id, settled_at=at
        )
    return len(items)


# --- returns ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Returned:
    location: str
    item: DebitItem
    code: str
    description: str
    return_date: date
    date_of_death: date | None
    stops: bool


def report_kind(data: bytes) -> str:
    """ "nacha", "arudd" or "addacs" for what the file is, from its first bytes; "" if none."""
    head = data[:4096].decode("utf-8", "replace").lstrip("\ufeff")
    if head.startswith("101"):
        return "nacha"
    if "<ARUDD" in head:
        return "arudd"
    if "<MessagingAdvices" in head:
        return "addacs"
    return ""


def returns_import(
    *, data: bytes, file_name: str, at: datetime, created_by: User | None = None
) -> ReturnsResult:
    """Read a NACHA return file, an ARUDD report or an ADDACS report and act on it, all or nothing.

    Each returned debit is matched to its item (ACH by the original trace number; Bacs by the
    service user, DDI reference, processing date and amount), its receipt is reversed dated the
    day of the return, the account's promises that it had kept are decided again, and the return
    is recorded; a return that means the account cannot be debited again stops the mandate. A debit
    already returned is counted and left alone, so reading the same file twice reverses once.
    ADDACS advices cancel, amend or re-instate the mandates they name. Audited.

    Raises DebitFileRefused naming the line or element: an unreadable file, or a return that matches
    no debit we sent.
    """
    kind = report_kind(data)
    if not kind:
        raise DebitFileRefused(
            "neither a NACHA return file nor a Bacs ARUDD or ADDACS report", file=file_name
        )
    with transaction.atomic():
        if kind == "addacs":
            changed, stopped = _advices_apply(
                bacs.addacs_read(data, file=file_name), file_name, at, created_by
            )
            record = ReturnFile.objects.create(
                name=file_name,
                kind=kind,
                sha256=hashlib.sha256(data).hexdigest(),
                imported_at=at,
                returned_count=0,
                already_count=0,
            )
            result = ReturnsResult(file_name, kind, 0, 0, 0, stopped, changed, 0, 0)
        else:
            notices = 0
            if kind == "nacha":
                returned, notices = _nacha_match(data, file_name)
            else:
                returned = _arudd_match(data, file_name)
            record = ReturnFile.objects.create(
                name=file_name,
                kind=kind,
                sha256=hashlib.sha256(data).hexdigest(),
                imported_at=at,
                returned_count=0,
                already_count=0,
            )
            fresh = [r for r in returned if r.item.status != ItemStatus.RETURNED]
            reversed_count = stopped = reopened = 0
            for found in fresh:
                did_reverse, did_stop, did_reopen = _return_apply(found, record, at, created_by)
                reversed_count += did_reverse
                stopped += did_stop
                reopened += did_reopen
            ReturnFile.objects.filter(pk=record.pk).update(
                returned_count=len(fresh), already_count=len(returned) - len(fresh)
            )
            result = ReturnsResult(
                file_name,
                kind,
                len(fresh),
                len(returned) - len(fresh),
                reversed_count,
                stopped,
                0,
                reopened,
                notices,
            )
        audit_record(
            actor=created_by,
            action="debit_returns.import",
            object_type="payments_debits.return_file",
            object_id=record.pk,
            at=at,
            after={
                "file": file_name,
                "kind": kind,
                "returned": result.returned,
                "already_returned": result.already_returned,
                "mandates_stopped": result.mandates_stopped,
                "mandates_changed": result.mandates_changed,
            },
        )
    return result


def _nacha_match(data: bytes, file_name: str) -> tuple[list[_Returned], int]:
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DebitFileRefused(
            "a NACHA file is ASCII text", file=file_name, location=f"line {line}"
        ) from None
    read = nacha.returns_read(text, file=file_name)
    created = nacha.file_read(text, file=file_name).created_date
    found: list[_Returned] = []
    for entry in read.returns:
        item = (
            DebitItem.objects.select_for_update(of=("self",))
            .filter(trace=entry.original_trace, originator__scheme=Scheme.ACH)
            .select_related("mandate", "contract")
            .first()
        )
        if item is None:
            raise DebitFileRefused(
                f"no ACH debit of ours has trace number {entry.original_trace}",
                file=file_name,
                location=entry.location,
            )
        if item.amount_minor != entry.amount_minor:
            raise DebitFileRefused(
                f"the return is for {entry.amount_minor} cents, "
                f"debit {entry.original_trace} was for {item.amount_minor}",
                file=file_name,
                location=entry.location,
            )
        found.append(
            _Returned(
                entry.location,
                item,
                entry.code,
                entry.description,
                max(created, item.collection_date),
                entry.date_of_death,
                entry.code in ACH_STOPPING_CODES,
            )
        )
    return found, len(read.notices)


def _arudd_match(data: bytes, file_name: str) -> list[_Returned]:
    report = bacs.arudd_read(data, file=file_name)
    found: list[_Returned] = []
    for unpaid in report.items:
        candidates = (
            DebitItem.objects.select_for_update(of=("self",))
            .filter(
                originator__scheme=Scheme.BACS,
                originator__identification=report.service_user_number,
                trace=unpaid.reference.upper(),
                processing_date=unpaid.original_processing_date,
                amount_minor=unpaid.amount_minor,
            )
            .select_related("mandate", "contract")
            .order_by("pk")
        )
        item = candidates.first()
        if item is None:
            raise DebitFileRefused(
                f"no Direct Debit of ours with reference {unpaid.reference}, processed "
                f"{unpaid.original_processing_date}, for {Money(unpaid.amount_minor, 'GBP')}",
                file=file_name,
                location=unpaid.location,
            )
        found.append(
            _Returned(
                unpaid.location,
                item,
                unpaid.reason_code,
                unpaid.reason,
                max(report.processing_date, item.collection_date),
                None,
                unpaid.reason_code in ARUDD_STOPPING_CODES,
            )
        )
    return found


def _return_apply(
    found: _Returned, record: ReturnFile, at: datetime, created_by: User | None
) -> tuple[bool, bool, int]:
    item = found.item
    did_reverse = False
    reopened = 0
    if item.receipt_id is not None:
        receipt = Receipt.objects.get(pk=item.receipt_id)
        if receipt.status == ReceiptStatus.ALLOCATED:
            ledger.receipt_reverse(
                receipt=receipt,
                at=at,
                effective_date=found.return_date,
                reason_code=REVERSAL_REASON,
                created_by=created_by,
            )
            did_reverse = True
            reopened = promise_recheck.promises_recheck(
                contract_id=item.contract_id, since=item.collection_date, as_of=found.return_date, at=at
            )
    # A debit returned before it settled has no receipt: it is marked returned and never posted.
    DebitItem.objects.filter(pk=item.pk).update(status=ItemStatus.RETURNED)
    stopped = False
    if found.stops:
        stopped = bool(
            Mandate.objects.filter(pk=item.mandate_id)
            .exclude(status__in=[MandateStatus.CANCELLED, MandateStatus.STOPPED])
            .update(
                status=MandateStatus.STOPPED,
                ended_date=found.return_date,
                end_reason=f"{found.code} {found.description}"[:120],
            )
        )
    DebitReturn.objects.create(
        item=item,
        file=record,
        location=found.location,
        code=found.code,
        description=found.description[:120],
        return_date=found.return_date,
        date_of_death=found.date_of_death,
        mandate_stopped=stopped,
        created_at=at,
    )
    audit_record(
        actor=created_by,
        action="debit_item.return",
        object_type="payments_debits.debit_item",
        object_id=item.pk,
        at=at,
        before={"status": item.status},
        after={
            "status": ItemStatus.RETURNED,
            "code": found.code,
            "receipt_reversed": did_reverse,
            "mandate_stopped": stopped,
            "account_number": item.contract.account_number,
        },
    )
    return did_reverse, stopped, reopened


def _advices_apply(
    advices: Sequence[bacs.MandateAdvice], file_name: str, at: datetime, created_by: User | None
) -> tuple[int, int]:
    changed = stopped = 0
    key = _key()
    for advice in advices:
        mandate = (
            Mandate.objects.select_for_update()
            .filter(
                scheme=Scheme.BACS,
                originator__identification=advice.service_user_number,
                reference=advice.reference.upper(),
            )
            .first()
        )
        if mandate is None:
            raise DebitFileRefused(
                f"no Direct Debit Instruction of service user {advice.service_user_number} has reference "
                f"{advice.reference}",
                file=file_name,
                location=advice.location,
            )
        before = {
            "status": mandate.status,
            "sort_code": mandate.sort_code,
            "account_last4": mandate.account_last4,
        }
        updates: dict[str, object] = {}
        if advice.reason_code in ADDACS_CANCELLING_CODES:
            updates = {
                "status": MandateStatus.CANCELLED,
                "ended_date": advice.effective_date,
                "end_reason": f"ADDACS {advice.reason_code} {advice.reason}"[:120],
            }
            stopped += mandate.status not in {MandateStatus.CANCELLED, MandateStatus.STOPPED}
        elif advice.reason_code in ADDACS_AMENDING_CODES:
            if advice.new_sort_code:
                updates["sort_code"] = sort_code_check(
                    advice.new_sort_code, field=f"{advice.location}/@payer-new-sort-code"
                )
            if advice.new_account_number:
                number = uk_account_number_check(
                    advice.new_account_number, field=f"{advice.location}/@payer-new-account-number"
                )
                updates |= {"account_sealed": seal(number, key=key), "account_last4": last_four(number)}
        elif advice.reason_code == "R":
            updates = {"status": MandateStatus.ACTIVE, "ended_date": None, "end_reason": ""}
        if updates:
            Mandate.objects.filter(pk=mandate.pk).update(**updates)
            changed += 1
        audit_record(
            actor=created_by,
            action="debit_mandate.addacs",
            object_type="payments_debits.mandate",
            object_id=mandate.pk,
            at=at,
            before=before,
            after={
                "reason_code": advice.reason_code,
                "reason": advice.reason,
                "effective_date": advice.effective_date.isoformat(),
                **plain({k: v for k, v in updates.items() if k != "account_sealed"}),
            },
        )
    return changed, stopped
