"""Importing a bank statement file: recorded once, matched, allocated and journaled in one transaction.

A file is known by the SHA-256 of its bytes and each statement by (bank account, statement id),
both UNIQUE: a second import of the same file, or two imports racing, find the row taken and post
nothing (the loser of a race waits on the winner's insert and then sees it). A refused file posts
nothing. Credits matched to an account are allocated through the ledger's waterfall in bulk;
debits that return an earlier credit reverse its receipts; the rest waits in the unapplied-cash
queue for an agent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.collections import promise_recheck
from recoup.kernel import bulk
from recoup.kernel.memory import cyclic_gc_paused
from recoup.kernel.money import CURRENCY_EXPONENTS
from recoup.ledger import operations as ledger
from recoup.ledger.models import Receipt, ReceiptStatus
from recoup.payments.statements import batch, formats, matching
from recoup.payments.statements.errors import MappingNotFound
from recoup.payments.statements.models import (
    AgentAction,
    CsvColumnMapping,
    LineStatus,
    Statement,
    StatementFile,
    StatementLine,
)
from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    StatementFileRefused,
    StatementFormat,
)

RETURN_REASON = "payment_returned"
LINE_TABLE = "payments_statements_statementline"
MAX_REFERENCE = 140


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `duplicate`: the file (or every statement in it) was imported before,
    and nothing was posted now."""

    file: str
    format: str
    lines: int
    credits: int
    debits: int
    credit_total: Decimal
    debit_total: Decimal
    matched: int
    unmatched: int
    posted_total: Decimal
    duplicate: bool
    returned: int = 0
    statement_file_id: int | None = None
    skipped_statements: tuple[str, ...] = field(default_factory=tuple)


class _NothingNew(Exception):
    """Every statement of the file was imported before: undo the file's row too."""


def statement_import(
    *,
    data: bytes,
    file_name: str,
    format: str | None = None,
    mapping_name: str | None = None,
    at: datetime,
    by: User | None = None,
) -> ImportResult:
    """Read a bank statement file, in `format` or the format it shows (a CSV with the saved column
    mapping `mapping_name`), and post it once: see `statement_file_import`.

    Raises StatementFileRefused (naming the file, and the line or element at fault), MappingNotFound.
    """
    chosen = None
    if format:
        try:
            chosen = StatementFormat(format)
        except ValueError:
            known = ", ".join(f.value for f in StatementFormat)
            raise StatementFileRefused(f"format {format!r} is not one of {known}", file=file_name) from None
    mapping = csv_mapping_get(name=mapping_name) if mapping_name else None
    with cyclic_gc_paused():  # a large file builds millions of objects that live to the end
        parsed = formats.parse(data, file_name=file_name, format=chosen, mapping=mapping)
        return statement_file_import(parsed=parsed, data=data, file_name=file_name, at=at, by=by)


def csv_mapping_save(*, mapping: formats.CsvMapping, at: datetime) -> CsvColumnMapping:
    """Keep a bank's CSV column mapping under its name, replacing the one of that name."""
    columns = {
        name: str(value) if isinstance(value, StrEnum) else value
        for name, value in dataclasses.asdict(mapping).items()
        if name != "name"
    }
    saved, _ = CsvColumnMapping.objects.update_or_create(
        name=mapping.name,
        defaults={"columns": columns},
        create_defaults={"columns": columns, "created_at": at},
    )
    return saved


def csv_mapping_read(*, settings: dict[str, object]) -> formats.CsvMapping:
    """A mapping from its settings as written in a JSON file ({"name": ..., "date": ..., ...}).

    Raises InvalidCsvMapping naming the setting that is unknown, not text, or impossible.
    """
    known = {field.name for field in dataclasses.fields(formats.CsvMapping)}
    values: dict[str, object] = {}
    for name, value in settings.items():
        if name not in known:
            raise formats.InvalidCsvMapping(
                f"{name}: not a mapping setting (known: {', '.join(sorted(known))})", field=name
            )
        if name == "header_row":
            if not isinstance(value, bool):
                raise formats.InvalidCsvMapping(f"{name}: true or false, not {value!r}", field=name)
        elif not isinstance(value, str):
            raise formats.InvalidCsvMapping(f"{name}: text, not {value!r}", field=name)
        values[name] = value
    if "sign" in values:
        try:
            values["sign"] = formats.SignConvention(str(values["sign"]))
        except ValueError:
            choices = ", ".join(sign.value for sign in formats.SignConvention)
            raise formats.InvalidCsvMapping(f"sign: one of {choices}", field="sign") from None
    try:
        return formats.CsvMapping(**values)  # type: ignore[arg-type]
    except TypeError:
        raise formats.InvalidCsvMapping("name, date and date_format are required", field="name") from None


def csv_mapping_get(*, name: str) -> formats.CsvMapping:
    """The saved mapping of that name. Raises MappingNotFound, InvalidCsvMapping."""
    saved = CsvColumnMapping.objects.filter(name=name).first()
    if saved is None:
        known = (
            ", ".join(CsvColumnMapping.objects.order_by("name").values_list("name", flat=True))
            or "none saved"
        )
        raise MappingNotFound(f"mapping: no CSV column mapping {name!r} ({known})", field="mapping")
    columns = dict(saved.columns)
    if "sign" in columns:
        columns["sign"] = formats.SignConvention(columns["sign"])
    return formats.CsvMapping(name=saved.name, **columns)


def statement_file_import(
    *, parsed: ParsedFile, data: bytes, file_name: str, at: datetime, by: User | None = None
) -> ImportResult:
    """Record, match, allocate and journal a parsed file whose bytes are `data`.

    Raises StatementFileRefused (a currency Recoup does not keep, naming the line).
    """
    _currencies_check(parsed, file_name)
    digest = hashlib.sha256(data).hexdigest()
    credits = [line for line in parsed.lines if line.direction == Direction.CREDIT]
    debits = [line for line in parsed.lines if line.direction == Direction.DEBIT]
    duplicate = ImportResult(
        file=file_name,
        format=str(parsed.format),
        lines=len(parsed.lines),
        credits=len(credits),
        debits=len(debits),
        credit_total=_decimal_total(credits),
        debit_total=_decimal_total(debits),
        matched=0,
        unmatched=0,
        posted_total=_decimal_total([]),
        duplicate=True,
    )
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = StatementFile.objects.create(
                        sha256=digest,
                        format=str(parsed.format),
                        file_id=parsed.file_id[:140],
                        name=file_name[:255],
                        imported_at=at,
                        imported_by=by,
                        line_count=len(parsed.lines),
                        credit_count=len(credits),
                        debit_count=len(debits),
                        credit_total=duplicate.credit_total,
                        debit_total=duplicate.debit_total,
                    )
            except IntegrityError:
                return duplicate
            statements, skipped = _statements_record(record, parsed)
            if not statements:
                raise _NothingNew
            posted = _lines_post(statements, at=at)
            returned = _returns_apply(record, at=at, by=by)
            record.matched_count = posted.matched
            record.unmatched_count = posted.unmatched
            record.posted_total = posted.posted_total
            record.save(update_fields=["matched_count", "unmatched_count", "posted_total"])
            audit_record(
                actor=by,
                action="statement_file.imported",
                object_type="payments_statements.statementfile",
                object_id=record.pk,
                at=at,
                after={
                    "name": record.name,
                    "sha256": record.sha256,
                    "lines": record.line_count,
                    "matched": posted.matched,
                    "unmatched": posted.unmatched,
                    "posted_total": str(posted.posted_total),
                    "returned": returned,
                    "skipped_statements": skipped,
                },
            )
            return dataclasses.replace(
                duplicate,
                matched=posted.matched,
                unmatched=posted.unmatched,
                posted_total=posted.posted_total,
                duplicate=False,
                returned=returned,
                statement_file_id=record.pk,
                skipped_statements=tuple(skipped),
            )
    except _NothingNew:
        return duplicate


def _currencies_check(parsed: ParsedFile, file_name: str) -> None:
    for statement in parsed.statements:
        for line in statement.lines:
            if line.currency not in CURRENCY_EXPONENTS:
                raise StatementFileRefused(
                    f"currency {line.currency!r} is not one Recoup keeps",
                    file=file_name,
                    location=line.location,
                )


def _decimal_total(lines: Sequence[ParsedLine]) -> Decimal:
    total = Decimal("0.00")
    for line in lines:
        total += Decimal(line.amount_minor).scaleb(-CURRENCY_EXPONENTS[line.currency])
    return total


def _statements_record(
    record: StatementFile, parsed: ParsedFile
) -> tuple[list[tuple[Statement, tuple[ParsedLine, ...]]], list[str]]:
    """Insert each statement in its own savepoint: one already imported (by this file's twin, or by
    a process racing us, which we wait for) is skipped, not posted twice."""
    recorded: list[tuple[Statement, tuple[ParsedLine, ...]]] = []
    skipped: list[str] = []
    for parsed_statement in parsed.statements:
        credits = [line for line in parsed_statement.lines if line.direction == Direction.CREDIT]
        debits = [line for line in parsed_statement.lines if line.direction == Direction.DEBIT]
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    file=record,
                    account_id=parsed_statement.account_id,
                    statement_id=parsed_statement.statement_id,
                    currency=parsed_statement.currency,
                    statement_date=parsed_statement.statement_date,
                    opening_balance_minor=parsed_statement.opening_balance_minor,
                    closing_balance_minor=parsed_statement.closing_balance_minor,
                    credit_count=len(credits),
                    debit_count=len(debits),
                    credit_total_minor=sum(line.amount_minor for line in credits),
                    debit_total_minor=sum(line.amount_minor for line in debits),
                )
        except IntegrityError:
            skipped.append(f"{parsed_statement.account_id}/{parsed_statement.statement_id}")
            continue
        recorded.append((statement, parsed_statement.lines))
    return recorded, skipped


@dataclass(frozen=True)
class _Posted:
    matched: int
    unmatched: int
    posted_total: Decimal


def _lines_post(statements: list[tuple[Statement, tuple[ParsedLine, ...]]], *, at: datetime) -> _Posted:
    """Match every credit, allocate the matched ones in bulk, and load every line in one insert."""
    facts = {
        (pk, position): _facts(line)
        for _, pk, position, line in _numbered(statements)
        if line.direction == Direction.CREDIT
    }
    by_number = batch.candidates_by_number(number for fact in facts.values() for number in fact.numbers)
    by_name = batch.candidates_by_name(
        key
        for fact in facts.values()
        if not any(number in by_number for number in fact.numbers)
        for key in matching.name_keys(fact.payer_name)
    )
    matches = {
        place: matching.line_match(line=fact, by_number=by_number, by_name=by_name)
        for place, fact in facts.items()
    }
    payments = [
        batch.Payment(
            contract_id=match.contract_id,
            amount_minor=facts[place].amount_minor,
            currency=facts[place].currency,
            received_date=facts[place].booking_date,
            reference=_reference(statement, position, line),
            idempotency_key=line_key(pk, position),
        )
        for statement, pk, position, line in _numbered(statements)
        if (place := (pk, position)) in matches
        and (match := matches[place]).status == matching.MATCHED
        and match.contract_id is not None
    ]
    receipt_ids = batch.receipts_allocate_bulk(payments=payments, at=at)
    rows = _line_rows(statements, matches, receipt_ids)
    with connection.cursor() as cursor:
        bulk.frame_insert(cursor, connection.vendor, LINE_TABLE, rows)
    matched = sum(1 for match in matches.values() if match.status == matching.MATCHED)
    posted = Decimal("0.00")
    for payment in payments:
        posted += Decimal(payment.amount_minor).scaleb(-CURRENCY_EXPONENTS[payment.currency])
    return _Posted(matched=matched, unmatched=len(matches) - matched, posted_total=posted)


def _numbered(
    statements: list[tuple[Statement, tuple[ParsedLine, ...]]],
) -> Iterator[tuple[Statement, int, int, ParsedLine]]:
    """Each line with its statement, the statement's id and its position in it (from 1)."""
    for statement, lines in statements:
        pk = statement.pk
        for position, line in enumerate(lines, start=1):
            yield statement, pk, position, line


def line_key(statement_pk: int, position: int) -> str:
    """The idempotency key of the receipt a matched line makes."""
    return f"statement:{statement_pk}:line:{position}"


def _facts(line: ParsedLine) -> matching.LineFacts:
    return matching.LineFacts(
        amount_minor=line.amount_minor,
        currency=line.currency,
        booking_date=line.booking_date,
        remittance=line.remittance,
        customer_reference=line.customer_reference,
        payer_name=line.payer_name,
        numbers=matching.numbers_named(
            remittance=line.remittance, customer_reference=line.customer_reference
        ),
    )


def _reference(statement: Statement, position: int, line: ParsedLine) -> str:
    reference = (
        line.bank_reference
        or line.customer_reference
        or f"statement {statement.statement_id} line {position}"
    )
    return reference[:MAX_REFERENCE]


def _line_rows(
    statements: list[tuple[Statement, tuple[ParsedLine, ...]]],
    matches: dict[tuple[int, int], matching.Match],
    receipt_ids: dict[str, int],
) -> pl.DataFrame:
    rows: list[tuple[object, ...]] = []
    for _, pk, position, line in _numbered(statements):
        match = matches.get((pk, position))
        if match is None:  # a debit: returns are worked out once every line is in
            status, contract_id, confidence, reason, candidates = (
                LineStatus.NOT_CUSTOMER,
                None,
                None,
                "",
                "[]",
            )
        else:
            status = LineStatus(match.status)
            contract_id, confidence, reason = match.contract_id, match.confidence, match.reason
            # A matched line names its account and why; the other candidates are kept for the
            # lines an agent has to work, where they are the choice offered.
            candidates = (
                "[]"
                if match.status == matching.MATCHED
                else json.dumps(
                    [
                        {
                            "contract_id": c.contract_id,
                            "account_number": c.account_number,
                            "confidence": c.confidence,
                            "reason": c.reason,
                        }
                        for c in match.candidates
                    ]
                )
            )
        # In the order of _LINE_SCHEMA.
        rows.append(
            (
                pk,
                position,
                line.location[:140],
                line.booking_date,
                line.value_date,
                str(line.direction),
                line.amount_minor,
                line.currency,
                line.bank_reference[:140],
                line.customer_reference[:140],
                line.remittance,
                line.payer_name[:200],
                line.type_code[:35],
                line.return_code[:35],
                str(status),
                contract_id,
                confidence,
                reason[:400],
                candidates,
                receipt_ids.get(line_key(pk, position)),
            )
        )
    return pl.DataFrame(rows, schema=_LINE_SCHEMA, orient="row")


_LINE_SCHEMA = {
    "statement_id": pl.Int64,
    "position": pl.Int64,
    "location": pl.Utf8,
    "booking_date": pl.Date,
    "value_date": pl.Date,
    "direction": pl.Utf8,
    "amount_minor": pl.Int64,
    "currency": pl.Utf8,
    "bank_reference": pl.Utf8,
    "customer_reference": pl.Utf8,
    "remittance": pl.Utf8,
    "payer_name": pl.Utf8,
    "type_code": pl.Utf8,
    "return_code": pl.Utf8,
    "status": pl.Utf8,
    "contract_id": pl.Int64,
    "confidence": pl.Int64,
    "match_reason": pl.Utf8,
    "candidates": pl.Utf8,
    "receipt_id": pl.Int64,
}


def _returns_apply(record: StatementFile, *, at: datetime, by: User | None) -> int:
    """Work out the file's debits: a debit that returns an earlier credit (by a return code or by
    naming that credit's reference) reverses the credit's receipts, and the account's promised
    payments judged kept on that money are judged again; a return code with no credit to return
    goes to the queue; any other debit (a bank charge, a transfer out) is not customer money."""
    returned = 0
    debits = StatementLine.objects.filter(statement__file=record, direction=Direction.DEBIT).order_by("pk")
    for debit in debits:
        original = _returned_credit(debit)
        if original is None:
            if debit.return_code:
                debit.status = LineStatus.UNMATCHED
                debit.match_reason = f"return {debit.return_code} of no payment we hold"
            else:
                debit.match_reason = "a debit that returns no payment (bank charge or transfer out)"
            debit.save(update_fields=["status", "match_reason"])
            continue
        for receipt_id in _receipts_of(original):
            receipt = Receipt.objects.select_related("book").get(pk=receipt_id)
            if receipt.status == ReceiptStatus.ALLOCATED:
                ledger.receipt_reverse(
                    receipt=receipt,
                    at=at,
                    effective_date=debit.booking_date,
                    reason_code=RETURN_REASON,
                    created_by=by,
                )
                # Promised payments judged kept on this money since it was received are judged again.
                promise_recheck.promises_recheck(
                    contract_id=receipt.book.contract_id,
                    since=receipt.received_date,
                    as_of=debit.booking_date,
                    at=at,
                )
        original.status = LineStatus.RETURNED
        original.returned_by = debit
        original.save(update_fields=["status", "returned_by"])
        debit.status = LineStatus.RETURNED
        debit.contract_id = original.contract_id
        code = f" ({debit.return_code})" if debit.return_code else ""
        debit.match_reason = (
            f"returns line {original.position} of statement {original.statement.statement_id}{code}"
        )
        debit.save(update_fields=["status", "contract_id", "match_reason"])
        returned += 1
    return returned


def _returned_credit(debit: StatementLine) -> StatementLine | None:
    """The credit a debit returns: same amount and currency, not returned yet, whose bank or
    customer reference the debit quotes. A debit without a return code must quote one."""
    references = {debit.bank_reference, debit.customer_reference} - {""}
    if not references:
        return None
    return (
        StatementLine.objects.filter(
            Q(bank_reference__in=references) | Q(customer_reference__in=references),
            direction=Direction.CREDIT,
            amount_minor=debit.amount_minor,
            currency=debit.currency,
            returned_by__isnull=True,
        )
        .exclude(status=LineStatus.RETURNED)
        .select_related("statement")
        .order_by("pk")
        .first()
    )


def _receipts_of(line: StatementLine) -> list[int]:
    """The receipts a credit line made: its own when matched, each part an agent applied."""
    ids = [line.receipt_id] if line.receipt_id is not None else []
    applied = line.actions.filter(action=AgentAction.APPLIED).values_list("receipt_id", flat=True)
    ids += [receipt_id for receipt_id in applied if receipt_id is not None]
    return ids
