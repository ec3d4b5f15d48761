"""A dialer's call log loaded as contacts: each row a call on an account, and an attempt the contact
gate counts. All of a file or none of it: every bad row is named by its line and field.

Columns (a header row first, in any order): account_number, phone, at (ISO 8601 with its UTC
offset), direction (outbound or inbound), outcome (a contact outcome code: right_party,
no_answer, message_left, …), conversation (true or false) and, optionally, callback_requested_at
(when the customer asked for the call, ISO 8601 with offset). A call placed within seven days
after the customer asked for it is made at their request and is not counted toward the call
limits (12 CFR 1006.14(b)(3)(i)); a request after the call is a bad row.

The file is read in one pass, the accounts in a few batched queries, and the rows written with
bulk inserts in batches, so a 100,000-row log is a few seconds rather than a per-row loop of
queries.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.collections.contacts import CALLBACK_CONSENT, contact_may_record
from recoup.collections.errors import CollectionsError, ContactNotAllowed
from recoup.collections.models import Channel, Contact, Outcome
from recoup.compliance.errors import InvalidMoment
from recoup.compliance.inputs import moment_parse
from recoup.compliance.operations import AttemptInput, contact_attempts_record_many
from recoup.parties.errors import InvalidPhone
from recoup.parties.phones import phone_normalise
from recoup.portfolio.models import Contract

COLUMNS = ("account_number", "phone", "at", "direction", "outcome", "conversation", "callback_requested_at")
REQUIRED = COLUMNS[:-1]
BATCH = 2000
SHOWN = 20  # problems written out in the error's message; all of them are on the error
SOURCE = "dialer"


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str
    message: str  # starts with the field, as every refusal does ("at: … needs its UTC offset")

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ContactImportRefused(CollectionsError):
    """A call log with bad rows: none of it was loaded. `problems` names every bad row's line and field."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:SHOWN])
        more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        count = f"{len(problems)} bad row{'s' if len(problems) != 1 else ''}"
        super().__init__(f"file: {count}, nothing loaded — {shown}{more}", field="file")
        self.problems = problems


@dataclass(frozen=True)
class _Row:
    """A row as read; `at` is None when a field other than the account and phone (checked later
    for every row together) is bad."""

    line: int
    account_number: str
    phone: str
    at: datetime | None = None
    direction: str = ""
    outcome: str = ""
    conversation: bool = False
    requested: bool = False


def contacts_import(*, lines: Iterable[str], by: User, at: datetime, name: str = "") -> dict[str, int]:
    """Load a dialer's call log (`lines` of CSV text, header first) as contacts recorded by `by`.

    Returns {"rows": …, "contacts": …, "attempts": …}. Audited once for the file (`name`).

    Raises ContactNotAllowed (field "by"), ContactImportRefused (field "file", with every bad
    row's line and field; nothing is loaded).
    """
    if not contact_may_record(by):
        raise ContactNotAllowed("by: an auditor may read contacts but not record them", field="by")
    rows, problems = _rows(lines)
    contracts = _contracts({r.account_number for r in rows if r.account_number})
    # A log calls the same numbers again and again: each (number, country) is read once.
    phones: dict[tuple[str, str], str] = {}
    phone_errors: dict[tuple[str, str], str] = {}
    good: list[tuple[_Row, datetime, int, str]] = []
    for row in rows:
        found = contracts.get(row.account_number)
        if found is None:
            if row.account_number:
                problems.append(
                    ImportProblem(
                        row.line, "account_number", f"account_number: no account {row.account_number!r}"
                    )
                )
            continue
        contract_id, country = found
        key = (row.phone, country)
        if row.phone and key not in phones and key not in phone_errors:
            try:
                phones[key] = phone_normalise(row.phone, country=country)
            except InvalidPhone as error:
                phone_errors[key] = error.message
        if key in phone_errors:
            problems.append(ImportProblem(row.line, "phone", phone_errors[key]))
        elif row.at is not None:  # a row read whole
            good.append((row, row.at, contract_id, phones[key]))
    if problems:
        raise ContactImportRefused(sorted(problems, key=lambda p: (p.line, COLUMNS.index(p.field))))

    with transaction.atomic():
        for start in range(0, len(good), BATCH):
            Contact.objects.bulk_create(
                Contact(
                    contract_id=contract_id,
                    at=moment,
                    channel=Channel.CALL,
                    direction=row.direction,
                    outcome=row.outcome,
                    agent=by,
                    notes=f"Dialer: {phone}",
                )
                for row, moment, contract_id, phone in good[start : start + BATCH]
            )
        attempts = contact_attempts_record_many(
            attempts=(
                AttemptInput(
                    contract_id=contract_id,
                    channel="call",
                    direction=row.direction,
                    at=moment,
                    conversation=row.conversation,
                    at_customer_request=row.requested,
                    phone=phone,
                )
                for row, moment, contract_id, phone in good
            ),
            source=SOURCE,
        )
        counts = {"rows": len(good), "contacts": len(good), "attempts": attempts}
        audit_record(
            actor=by,
            action="contact.import",
            object_type="collections.contact",
            object_id=(name or SOURCE)[-64:],  # the audit's object id is at most 64 characters
            at=at,
            after={"file": name, **counts},
        )
    return counts


def _rows(lines: Iterable[str]) -> tuple[list[_Row], list[ImportProblem]]:
    """Every row read and checked on its own (accounts and phones are checked after, together)."""
    reader = csv.DictReader(iter(lines))
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        return [], [
            ImportProblem(1, column, f"{column}: the column is missing from the header") for column in missing
        ]
    reader.fieldnames = header
    rows: list[_Row] = []
    problems: list[ImportProblem] = []
    for record in reader:
        row, found = _row(reader.line_num, record)
        rows.append(row)
        problems.extend(found)
    return rows, problems


def _row(line: int, record: dict[str, Any]) -> tuple[_Row, list[ImportProblem]]:
    text = {column: str(record.get(column) or "").strip() for column in COLUMNS}
    problems: list[ImportProblem] = []

    def refuse(field: str, message: str) -> None:
        problems.append(ImportProblem(line, field, f"{field}: {message}"))

    if not text["account_number"]:
        refuse("account_number", "the account number is required")
    if not text["phone"]:
        refuse("phone", "the number called or calling is required")
    moment = requested_at = None
    try:
        moment = moment_parse(text["at"], field="at")
    except InvalidMoment as error:
        problems.append(ImportProblem(line, "at", error.message))
    if text["direction"] not in ("outbound", "inbound"):
        refuse("direction", f"{text['direction']!r} is not outbound or inbound")
    if text["outcome"] not in Outcome.values:
        refuse("outcome", f"{text['outcome']!r} is not one of {', '.join(Outcome.values)}")
    conversation = text["conversation"].lower()
    if conversation not in ("true", "false"):
        refuse("conversation", f"{text['conversation']!r} is not true or false")
    if text["callback_requested_at"]:
        try:
            requested_at = moment_parse(text["callback_requested_at"], field="callback_requested_at")
        except InvalidMoment as error:
            problems.append(ImportProblem(line, "callback_requested_at", error.message))
        if requested_at is not None and moment is not None and requested_at > moment:
            refuse("callback_requested_at", "the customer's request comes after the call")
    if problems or moment is None:
        return _Row(line=line, account_number=text["account_number"], phone=text["phone"]), problems
    return _Row(
        line=line,
        account_number=text["account_number"],
        phone=text["phone"],
        at=moment,
        direction=text["direction"],
        outcome=text["outcome"],
        conversation=conversation == "true",
        requested=text["direction"] == "outbound"
        and requested_at is not None
        and moment - requested_at <= CALLBACK_CONSENT,
    ), []


def _contracts(numbers: set[str]) -> dict[str, tuple[int, str]]:
    """Account number: (contract id, country), for those that exist, in batched queries."""
    ordered = sorted(numbers)
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(ordered), BATCH):
        for number, pk, country in Contract.objects.filter(
            account_number__in=ordered[start : start + BATCH]
        ).values_list("account_number", "pk", "country"):
            found[number] = (pk, country)
    return found
