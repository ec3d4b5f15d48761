"""Debit runs: the installments due debited, the scheme files written, the receipts posted.

When the money counts. An ACH debit settles on its effective entry date and a Direct Debit on the
Bacs entry day (the collection date; Bacs processes it the working day before). The receipt is
posted through `portfolio.operations.payment_apply`, dated that settlement date, once the date has
come and its close of business has run (which makes the installment fall due in the ledger): a run
after the close of the collection date posts at once; a run made ahead posts when a later run or
`debits_settle` (`recoup debits settle`, after `recoup cob`) is made. The item's own key is the
receipt's idempotency key ("debit-item:<id>"), so settling twice posts once.

Neither scheme guarantees the money: a NACHA return (within two banking days, sixty for an
unauthorized consumer debit) or an ARUDD unpaid advice reverses the receipt through
`ledger.operations.receipt_reverse`, dated the day the return came; the next close of business
re-ages the account from the journal as it then stands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.arrears.models import ArrearsState, CobRun, CobStatus
from recoup.collections.models import (
    Arrangement,
    ArrangementKind,
    ArrangementPayment,
    ArrangementStatus,
    PromiseStatus,
)
from recoup.kernel.money import Money
from recoup.payments.debits.errors import DebitRunRefused
from recoup.payments.debits.formats import bacs, nacha
from recoup.payments.debits.formats.bank_details import unseal
from recoup.payments.debits.models import (
    AuthorizationForm,
    DebitFile,
    DebitItem,
    DebitRun,
    ItemStatus,
    Mandate,
    MandateStatus,
    Originator,
    Scheme,
)
from recoup.payments.debits.operations.mandates import sealing_key
from recoup.portfolio.models import ContractStatus
from recoup.portfolio.operations import payment_apply
from recoup.portfolio.schedule_versions import version_schedule

SEC_CODE = {
    AuthorizationForm.WRITTEN: "PPD",
    AuthorizationForm.WEB: "WEB",
    AuthorizationForm.TELEPHONE: "TEL",
}
ENTRY_DESCRIPTION = "LOAN PYMT"
# A Direct Debit Instruction lodged (AUDDIS 0N) is first collected no sooner than this many days
# later, so that the payer's bank has set it up (the Bacs three-day cycle, counted in calendar days).
LODGEMENT_DAYS = 3
# Arrangements with dated amounts of their own that replace the scheduled payment while they run.
PLAN_KINDS = (ArrangementKind.REDUCED_PAYMENT, ArrangementKind.SETTLEMENT)
FILE_ID_MODIFIERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


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


def bacs_processing_date(collection_date: date) -> date:
    """The Bacs processing day: the weekday before the entry day the money moves on."""
    day = collection_date - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass
class _Due:
    mandate: Mandate
    installment: int | None  # None for a payment of a reduced-payment plan or settlement
    amount_minor: int
    code: str = ""


def _due(collection_date: date) -> tuple[list[_Due], list[str]]:
    """The installments due on the collection date of contracts with a mandate that can be debited.

    The arrears state the close keeps narrows the accounts first, in SQL: only those whose next
    installment is due by the collection date, or whose last one fell due on it (the close for the
    date has run), or that no close has seen yet, have their schedule built to find the installment.

    An account under an active reduced-payment plan or settlement is debited what the customer
    agreed to pay on the date (collections' arrangement payments), not the scheduled payment the
    plan replaces, and nothing on a date the plan has no payment. Promises to pay are not debited:
    the mandate authorizes the contract's payments, not a one-off amount promised on a call.
    """
    active_plans = Arrangement.objects.filter(status=ArrangementStatus.ACTIVE, kind__in=PLAN_KINDS)
    under_plan = set(active_plans.values_list("contract_id", flat=True))
    planned: dict[int, int] = {}
    for contract_id, amount_minor in ArrangementPayment.objects.filter(
        arrangement__in=active_plans, due_date=collection_date, status=PromiseStatus.OPEN
    ).values_list("arrangement__contract_id", "amount_minor"):
        planned[contract_id] = planned.get(contract_id, 0) + amount_minor
    state = ArrearsState.objects.filter(contract_id=OuterRef("contract_id"))
    maybe_due = Exists(state.filter(Q(next_due_date__lte=collection_date) | Q(last_due_date=collection_date)))
    mandates = (
        Mandate.objects.select_related("contract", "originator")
        .filter(status__in=[MandateStatus.ACTIVE, MandateStatus.LODGED, MandateStatus.PENDING_LODGEMENT])
        .filter(contract__status=ContractStatus.ACTIVE)
        .filter(maybe_due | ~Exists(state) | Q(contract_id__in=list(planned)))
        .exclude(items__collection_date=collection_date)
        .order_by("originator_id", "pk")
    )
    due: list[_Due] = []
    skipped: list[str] = []
    seen_contracts: set[int] = set()
    for mandate in mandates:
        contract = mandate.contract
        if contract.pk in under_plan:
            amount, number = planned.get(contract.pk, 0), None
        else:
            installment = next(
                (i for i in version_schedule(contract).installments if i.due_date == collection_date), None
            )
            amount, number = (installment.payment_minor, installment.number) if installment else (0, None)
        if amount <= 0:
            continue
        if mandate.status != MandateStatus.ACTIVE and mandate.scheme == Scheme.BACS:
            lodged = mandate.lodged_date
            if lodged is None or lodged + timedelta(days=LODGEMENT_DAYS) > collection_date:
                skipped.append(
                    f"{contract.account_number}: Direct Debit Instruction {mandate.reference} "
                    f"is not lodged {LODGEMENT_DAYS} days before {collection_date}"
                )
                continue
        if contract.pk in seen_contracts:
            skipped.append(f"{contract.account_number}: a second mandate {mandate.reference} is not debited")
            continue
        seen_contracts.add(contract.pk)
        code = ""
        if mandate.scheme == Scheme.BACS:
            code = "17" if mandate.status == MandateStatus.ACTIVE else "01"
        due.append(_Due(mandate, number, amount, code))
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
        # Every originator locked before anything is read: two runs at once take turns, and the
        # second finds the first's items and debits nothing twice.
        originators = {o.pk: o for o in Originator.objects.select_for_update().order_by("pk")}
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
            originator = originators[originator_id]
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
                account=unseal(mandate.account_sealed, key=sealing_key()),
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
    key = sealing_key()
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
    """Post the receipt of every submitted debit whose collection date has come and been closed;
    how many it posted."""
    with transaction.atomic():
        return _settle(as_of=as_of, at=at, created_by=created_by)


def _settle(*, as_of: date, at: datetime, created_by: User | None) -> int:
    # The close of the collection date makes its installment fall due in the ledger; a receipt
    # posted before it would go to principal as a prepayment and leave the installment unpaid.
    closed = CobRun.objects.filter(status=CobStatus.COMPLETED).aggregate(last=Max("business_date"))["last"]
    if closed is None:
        return 0
    items = list(
        DebitItem.objects.select_for_update(of=("self",))
        .select_related("contract", "originator")
        .filter(status=ItemStatus.SUBMITTED, collection_date__lte=min(as_of, closed))
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
