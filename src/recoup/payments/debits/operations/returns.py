"""Returns read and acted on: NACHA return files, Bacs ARUDD and ADDACS reports. See `runs` for
when a debit's money counts and how a return undoes it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.collections import promise_recheck
from recoup.kernel.money import Money
from recoup.kernel.plain import plain
from recoup.ledger import operations as ledger
from recoup.ledger.models import Receipt, ReceiptStatus
from recoup.payments.debits.errors import BankDetailsInvalid, DebitFileRefused
from recoup.payments.debits.formats import bacs, nacha
from recoup.payments.debits.formats.bank_details import (
    last_four,
    routing_number_check,
    seal,
    sort_code_check,
    uk_account_number_check,
    us_account_number_check,
)
from recoup.payments.debits.models import (
    DebitItem,
    DebitReturn,
    ItemStatus,
    Mandate,
    MandateStatus,
    ReturnFile,
    Scheme,
)
from recoup.payments.debits.operations.mandates import sealing_key

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
# The reason every returned payment carries in the journal, whichever way it came back.
REVERSAL_REASON = "payment_returned"


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
            notices: tuple[nacha.ChangeNotice, ...] = ()
            changed = 0
            if kind == "nacha":
                returned, notices = _nacha_match(data, file_name)
                changed = _notices_apply(notices, file_name, at, created_by)
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
                changed,
                reopened,
                len(notices),
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


def _nacha_match(data: bytes, file_name: str) -> tuple[list[_Returned], tuple[nacha.ChangeNotice, ...]]:
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
    return found, read.notices


def _notices_apply(
    notices: Sequence[nacha.ChangeNotice], file_name: str, at: datetime, created_by: User | None
) -> int:
    """Notifications of change corrected on the mandate, so the next debit uses the new details
    (the Rules give the originator six banking days or until its next entry). A change code that
    corrects nothing a mandate holds (a name, an individual id) is audited and left."""
    changed = 0
    key = sealing_key()
    for notice in notices:
        item = DebitItem.objects.filter(trace=notice.original_trace, originator__scheme=Scheme.ACH).first()
        if item is None:
            raise DebitFileRefused(
                f"no ACH debit of ours has trace number {notice.original_trace}",
                file=file_name,
                location=notice.location,
            )
        mandate = Mandate.objects.select_for_update().get(pk=item.mandate_id)
        corrections = notice.corrections()
        updates: dict[str, object] = {}
        where = f"{notice.location}, Corrected Data"
        try:
            if "routing" in corrections:
                updates["routing_number"] = routing_number_check(corrections["routing"], field=where)
            if "account" in corrections:
                number = us_account_number_check(corrections["account"], field=where)
                updates |= {"account_sealed": seal(number, key=key), "account_last4": last_four(number)}
        except BankDetailsInvalid as invalid:
            raise DebitFileRefused(invalid.message, file=file_name, location=notice.location) from None
        if "account_type" in corrections:
            if not corrections["account_type"]:
                raise DebitFileRefused(
                    "the corrected transaction code is neither checking nor savings",
                    file=file_name,
                    location=notice.location,
                )
            updates["account_type"] = corrections["account_type"]
        if updates:
            Mandate.objects.filter(pk=mandate.pk).update(**updates)
            changed += 1
        audit_record(
            actor=created_by,
            action="debit_mandate.notice_of_change",
            object_type="payments_debits.mandate",
            object_id=mandate.pk,
            at=at,
            before={
                "routing_number": mandate.routing_number,
                "account_last4": mandate.account_last4,
                "account_type": mandate.account_type,
            },
            after={"code": notice.code, **{k: v for k, v in updates.items() if k != "account_sealed"}},
        )
    return changed


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
    key = sealing_key()
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
