"""BAI2 (cash management balance reporting), read with the `bai2` library.

The library assembles records and their 88 continuations, splits fields, reads funds types and
availability and knows every standard type code with its direction. It cannot say where in the file
a problem is and never stops on a file cut short, so the records are first scanned here: each keeps
its line number, the file must end with exactly one 99 trailer, and the control totals and record
counts of every 49, 98 and 99 trailer are checked here, naming the trailer's line.

Amounts in BAI2 carry implied decimals, so they already are minor units. A detail's direction comes
from its type code (credits 100-399, debits 400-699); bank-defined 9xx codes are refused, since
nothing in the file says which way they move money.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bai2.constants import RecordCode, TypeCodeLevel, TypeCodeTransaction
from bai2.exceptions import NotSupportedYetException, ParsingException
from bai2.helpers import IteratorHelper
from bai2.parsers import Bai2FileParser

from recoup.payments.statements.formats.common import currency_known, decode_text, return_code_in
from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    StatementFileRefused,
    StatementFormat,
)

_RECORD_CODES = {code.value for code in RecordCode}
_OPENING_LEDGER = "010"
_CLOSING_LEDGER = "015"
_UNSIGNED = re.compile(r"^\d+$")


@dataclass(frozen=True, slots=True)
class _Record:
    """One logical record: its code, the line it starts on and its physical lines (with 88s)."""

    code: str
    line: int
    physical: int
    text: str


class _CountingHelper(IteratorHelper):
    """The library's record iterator, counting records so an error can be placed on its line."""

    def __init__(self, lines: list[str]) -> None:
        self.index = -1
        super().__init__(lines)

    def advance(self) -> None:
        super().advance()
        self.index += 1


def parse_bai2(data: bytes, *, file_name: str) -> ParsedFile:
    """Read a BAI2 file. Raises StatementFileRefused naming the line at fault."""
    records, lines = _scan(decode_text(data), file=file_name)
    helper = _CountingHelper(lines)
    try:
        parsed = Bai2FileParser(helper, check_integrity=False).parse()
    except (ParsingException, NotSupportedYetException, ValueError, IndexError, KeyError, TypeError) as error:
        record = records[min(max(helper.index, 0), len(records) - 1)]
        raise StatementFileRefused(_reason(error), file=file_name, location=f"line {record.line}") from None
    return _Reader(records, file_name).read_file(parsed)


def _scan(text: str, *, file: str) -> tuple[list[_Record], list[str]]:
    """The logical records with their line numbers, and the non-blank lines the library reads."""
    records: list[_Record] = []
    lines: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        code = line[:2]
        if code not in _RECORD_CODES or line[2:3] != ",":
            raise StatementFileRefused(
                f"{line[:12]!r} does not start a BAI2 record", file=file, location=f"line {number}"
            )
        if code == RecordCode.continuation.value:
            if not records:
                raise StatementFileRefused(
                    "a continuation before any record", file=file, location=f"line {number}"
                )
            last = records[-1]
            records[-1] = _Record(last.code, last.line, last.physical + 1, f"{last.text},{line[3:]}")
        else:
            records.append(_Record(code, number, 1, line[3:]))
        lines.append(line)
    if not records or records[0].code != RecordCode.file_header.value:
        raise StatementFileRefused("a BAI2 file starts with its 01 file header", file=file, location="line 1")
    if records[-1].code != RecordCode.file_trailer.value:
        raise StatementFileRefused(
            "the file ends without its 99 file trailer (cut short?)",
            file=file,
            location=f"line {records[-1].line}",
        )
    trailers = [record for record in records if record.code == RecordCode.file_trailer.value]
    if len(trailers) > 1:
        raise StatementFileRefused(
            "records follow the 99 file trailer", file=file, location=f"line {trailers[0].line}"
        )
    return records, lines


def _reason(error: Exception) -> str:
    if isinstance(error, NotSupportedYetException) and "Type code" in str(error):
        return f"{error} (bank-defined codes are not read: their direction is unknown)"
    if isinstance(error, ValueError) and "invalid literal for int()" in str(error):
        return f"not a whole number of minor units: {str(error).split(': ', 1)[-1]}"
    if isinstance(error, ValueError) and (
        "does not match format" in str(error) or "out of range" in str(error)
    ):
        return f"a date (YYMMDD) or time (HHMM) in the record cannot be read ({error})"
    if isinstance(error, IndexError):
        return "the record has fewer fields than BAI2 requires"
    return str(error) or type(error).__name__


class _Reader:
    """Walks the library's tree in file order, so each object meets its record (and line)."""

    def __init__(self, records: list[_Record], file: str) -> None:
        self.records = records
        self.file = file
        self.position = 0

    def next(self, code: RecordCode) -> _Record:
        record = self.records[self.position]
        assert record.code == code.value, (record, code)
        self.position += 1
        return record

    def refuse(self, reason: str, record: _Record) -> StatementFileRefused:
        return StatementFileRefused(reason, file=self.file, location=f"line {record.line}")

    def read_file(self, parsed: Any) -> ParsedFile:
        header = self.next(RecordCode.file_header)
        statements: list[ParsedStatement] = []
        total, physical = 0, header.physical
        for group in parsed.children:
            group_statements, group_total, group_physical = self.group(group)
            statements.extend(group_statements)
            total += group_total
            physical += group_physical
        trailer = self.next(RecordCode.file_trailer)
        physical += trailer.physical
        self.check_trailer(
            trailer,
            "file",
            control_total=(parsed.trailer.file_control_total, total),
            count=("groups", parsed.trailer.number_of_groups, len(parsed.children)),
            records=(parsed.trailer.number_of_records, physical),
        )
        file_header = parsed.header
        file_id = f"{file_header.sender_id}:{file_header.file_id}:{file_header.creation_date.isoformat()}"
        return ParsedFile(format=StatementFormat.BAI2, file_id=file_id, statements=tuple(statements))

    def group(self, group: Any) -> tuple[list[ParsedStatement], int, int]:
        header = self.next(RecordCode.group_header)
        as_of: date = group.header.as_of_date
        currency = group.header.currency or "USD"
        statements: list[ParsedStatement] = []
        total, physical = 0, header.physical
        for account in group.children:
            statement, account_total, account_physical = self.account(account, as_of=as_of, currency=currency)
            statements.append(statement)
            total += account_total
            physical += account_physical
        trailer = self.next(RecordCode.group_trailer)
        physical += trailer.physical
        self.check_trailer(
            trailer,
            "group",
            control_total=(group.trailer.group_control_total, total),
            count=("accounts", group.trailer.number_of_accounts, len(group.children)),
            records=(group.trailer.number_of_records, physical),
        )
        return statements, total, physical

    def account(self, account: Any, *, as_of: date, currency: str) -> tuple[ParsedStatement, int, int]:
        identifier = self.next(RecordCode.account_identifier)
        currency = currency_known(
            account.header.currency or currency, file=self.file, location=f"line {identifier.line}"
        )
        balances: dict[str, int] = {}
        total = 0
        for summary in account.header.summary_items:
            if summary.type_code is None:
                raise self.refuse("a summary amount without its type code", identifier)
            total += summary.amount or 0
            if summary.type_code.level is TypeCodeLevel.status and summary.amount is not None:
                balances.setdefault(summary.type_code.code, summary.amount)
        lines: list[ParsedLine] = []
        physical = identifier.physical
        for detail in account.children:
            record = self.next(RecordCode.transaction_detail)
            physical += record.physical
            total += detail.amount
            lines.append(self.line(detail, record, as_of=as_of, currency=currency))
        trailer = self.next(RecordCode.account_trailer)
        physical += trailer.physical
        self.check_trailer(
            trailer,
            "account",
            control_total=(account.trailer.account_control_total, total),
            count=None,
            records=(account.trailer.number_of_records, physical),
        )
        number = account.header.customer_account_number or ""
        statement = ParsedStatement(
            statement_id=f"{number}:{as_of.isoformat()}",
            account_id=number,
            currency=currency,
            statement_date=as_of,
            opening_balance_minor=balances.get(_OPENING_LEDGER),
            closing_balance_minor=balances.get(_CLOSING_LEDGER),
            lines=tuple(lines),
        )
        return statement, total, physical

    def line(self, detail: Any, record: _Record, *, as_of: date, currency: str) -> ParsedLine:
        amount_text = record.text.split(",")[1] if "," in record.text else ""
        if not _UNSIGNED.match(amount_text):
            raise self.refuse(f"amount {amount_text!r} is not a whole number of minor units", record)
        type_code = detail.type_code
        if type_code is None:
            raise self.refuse("the detail has no type code", record)
        if type_code.transaction is TypeCodeTransaction.credit:
            direction = Direction.CREDIT
        elif type_code.transaction is TypeCodeTransaction.debit:
            direction = Direction.DEBIT
        else:
            raise self.refuse(f"type code {type_code.code} ({type_code.description}) moves no money", record)
        text = (detail.text or "").strip()
        value_date = (detail.availability or {}).get("date")  # only value-dated (V) funds carry one
        return ParsedLine(
            location=f"line {record.line}",
            booking_date=as_of,
            value_date=value_date,
            direction=direction,
            amount_minor=detail.amount,
            currency=currency,
            bank_reference=(detail.bank_reference or "").strip(),
            customer_reference=(detail.customer_reference or "").strip(),
            remittance=text,
            type_code=type_code.code,
            return_code=return_code_in(text) if direction is Direction.DEBIT else "",
        )

    def check_trailer(
        self,
        trailer: _Record,
        level: str,
        *,
        control_total: tuple[int, int],
        count: tuple[str, int, int] | None,
        records: tuple[int, int],
    ) -> None:
        stated, found = control_total
        if stated != found:
            raise self.refuse(f"{level} control total says {stated}, the amounts add up to {found}", trailer)
        if count is not None and count[1] != count[2]:
            raise self.refuse(f"{level} trailer says {count[1]} {count[0]}, the file has {count[2]}", trailer)
        stated, found = records
        if stated != found:
            raise self.refuse(f"{level} trailer says {stated} records, there are {found}", trailer)
