"""CSV statements read through a saved column mapping, for banks and payment processors whose export
is a spreadsheet rather than a standard format.

A mapping names columns by their header text (when the file has a header row) or by 1-based
position. The amount is one signed column or separate credit and debit columns. Every error names
the line and the column.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from recoup.kernel.errors import DomainError
from recoup.kernel.money import CURRENCY_EXPONENTS
from recoup.payments.statements.formats.common import (
    currency_known,
    date_from,
    decimal_minor,
    decode_text,
    return_code_in,
)
from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    StatementFileRefused,
    StatementFormat,
)


class InvalidCsvMapping(DomainError, ValueError):
    """A column mapping that cannot read any file; `field` names the setting at fault."""


class SignConvention(StrEnum):
    CREDIT_POSITIVE = "credit-positive"  # money in is positive, money out negative (most banks)
    DEBIT_POSITIVE = "debit-positive"  # the card-statement habit: money out is positive


@dataclass(frozen=True, slots=True)
class CsvMapping:
    """How one bank's CSV export reads. Columns are header names, or "1", "2", … without a header.

    Give `amount` (signed, read with `sign`) or both `credit` and `debit` (each unsigned, one of them
    empty or zero on a row). Give `currency` (a column) or `fixed_currency`.
    """

    name: str
    date: str
    date_format: str
    amount: str = ""
    credit: str = ""
    debit: str = ""
    sign: SignConvention = SignConvention.CREDIT_POSITIVE
    reference: str = ""
    remittance: str = ""
    payer_name: str = ""
    currency: str = ""
    fixed_currency: str = ""
    account_id: str = ""  # the lender's bank account the export is of; the mapping's name when blank
    delimiter: str = ","
    header_row: bool = True
    decimal_separator: str = "."
    thousands_separator: str = ""  # removed before an amount is read ("1,234.50"); none by default

    def __post_init__(self) -> None:
        def invalid(reason: str, field: str) -> InvalidCsvMapping:
            return InvalidCsvMapping(f"mapping {self.name!r}: {reason}", field=field)

        if not self.name.strip():
            raise invalid("a mapping needs a name", "name")
        if not self.date or not self.date_format:
            raise invalid("give the date column and its format (such as %d/%m/%Y)", "date")
        if bool(self.amount) == bool(self.credit or self.debit):
            raise invalid("give an amount column, or credit and debit columns", "amount")
        if not self.amount and not (self.credit and self.debit):
            raise invalid("give both the credit and the debit column", "credit")
        if bool(self.currency) == bool(self.fixed_currency):
            raise invalid("give a currency column or a fixed currency", "currency")
        if self.fixed_currency and self.fixed_currency not in CURRENCY_EXPONENTS:
            raise invalid(f"currency {self.fixed_currency!r} is not one Recoup books in", "fixed_currency")
        if len(self.delimiter) != 1:
            raise invalid("the delimiter is one character", "delimiter")
        if self.decimal_separator not in (".", ","):
            raise invalid("the decimal separator is . or ,", "decimal_separator")
        if (
            self.thousands_separator not in ("", ",", ".", " ", "'")
            or self.thousands_separator == self.decimal_separator
        ):
            raise invalid(
                "the thousands separator is none, comma, point, space or apostrophe, "
                "and not the decimal separator",
                "thousands_separator",
            )
        if self.decimal_separator == self.delimiter:
            raise invalid("the decimal separator cannot be the delimiter", "decimal_separator")


def parse_csv(data: bytes, *, file_name: str, mapping: CsvMapping) -> ParsedFile:
    """Read a CSV export through `mapping`. Raises StatementFileRefused naming line and column."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""), delimiter=mapping.delimiter)
    table: list[tuple[int, list[str]]] = []
    first_line = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                table.append((first_line, row))
            first_line = reader.line_num + 1
    except csv.Error as error:
        raise StatementFileRefused(
            f"not readable as CSV ({error})", file=file_name, location=f"line {first_line}"
        ) from None
    if mapping.header_row:
        if not table:
            raise StatementFileRefused("the file is empty, without even its header row", file=file_name)
        header_line, header = table[0]
        table = table[1:]
        positions = {name.strip(): index for index, name in enumerate(header)}
    else:
        header_line, positions = 0, {}
    columns = _Columns(mapping, positions, file=file_name, header_line=header_line)
    lines = tuple(_line(columns, row, number=number) for number, row in table)
    if not lines:
        raise StatementFileRefused("the file holds no transactions", file=file_name)
    currency = lines[0].currency
    for line in lines:
        if line.currency != currency:
            raise StatementFileRefused(
                f"currency {line.currency} differs from the file's {currency} (one currency a file)",
                file=file_name,
                location=f"{line.location}, column {mapping.currency!r}",
            )
    dates = [line.booking_date for line in lines]
    account = mapping.account_id or mapping.name
    statement = ParsedStatement(
        statement_id=f"{account}:{min(dates).isoformat()}:{max(dates).isoformat()}",
        account_id=account,
        currency=currency,
        statement_date=max(dates),
        lines=lines,
    )
    # A CSV export has no identifier of its own: its content's digest stands in, so the same export
    # imported twice is recognised as one file.
    digest = hashlib.sha256(data).hexdigest()[:16]
    return ParsedFile(format=StatementFormat.CSV, file_id=f"{mapping.name}:{digest}", statements=(statement,))


class _Columns:
    """Finds a mapped column in a row, naming it (and the line) when it cannot."""

    def __init__(
        self, mapping: CsvMapping, positions: dict[str, int], *, file: str, header_line: int
    ) -> None:
        self.mapping = mapping
        self.file = file
        self.index: dict[str, int] = {}
        for column in (
            mapping.date,
            mapping.amount,
            mapping.credit,
            mapping.debit,
            mapping.reference,
            mapping.remittance,
            mapping.payer_name,
            mapping.currency,
        ):
            if not column:
                continue
            if mapping.header_row:
                if column not in positions:
                    raise StatementFileRefused(
                        f"the header has no column {column!r} (mapping {mapping.name!r})",
                        file=file,
                        location=f"line {header_line}",
                    )
                self.index[column] = positions[column]
            else:
                if not column.isdigit() or int(column) < 1:
                    raise StatementFileRefused(
                        f"column {column!r} must be a position (1, 2, …) in a file without a header",
                        file=file,
                    )
                self.index[column] = int(column) - 1

    def where(self, column: str, number: int) -> str:
        return f"line {number}, column {column!r}"

    def get(self, row: list[str], column: str, number: int, *, required: bool = False) -> str:
        if not column:
            return ""
        index = self.index[column]
        value = row[index].strip() if index < len(row) else ""
        if required and not value:
            raise StatementFileRefused("is empty", file=self.file, location=self.where(column, number))
        return value


def _line(columns: _Columns, row: list[str], *, number: int) -> ParsedLine:
    mapping, file = columns.mapping, columns.file
    currency = mapping.fixed_currency or columns.get(row, mapping.currency, number, required=True).upper()
    currency_known(currency, file=file, location=columns.where(mapping.currency or "currency", number))
    booked = columns.get(row, mapping.date, number, required=True)
    booking_date: date = date_from(
        booked, mapping.date_format, file=file, location=columns.where(mapping.date, number)
    )
    direction, amount = _amount(columns, row, number=number, currency=currency)
    remittance = columns.get(row, mapping.remittance, number)
    return ParsedLine(
        location=f"line {number}",
        booking_date=booking_date,
        value_date=None,
        direction=direction,
        amount_minor=amount,
        currency=currency,
        bank_reference=columns.get(row, mapping.reference, number),
        remittance=remittance,
        payer_name=columns.get(row, mapping.payer_name, number),
        return_code=return_code_in(remittance) if direction is Direction.DEBIT else "",
    )


def _amount(columns: _Columns, row: list[str], *, number: int, currency: str) -> tuple[Direction, int]:
    mapping, file = columns.mapping, columns.file

    def read(column: str, *, signed: bool) -> int:
        text = columns.get(row, column, number)
        if not text:
            return 0
        return decimal_minor(
            text,
            currency,
            file=file,
            location=columns.where(column, number),
            decimal_separator=mapping.decimal_separator,
            thousands_separator=mapping.thousands_separator,
            signed=signed,
        )

    if mapping.amount:
        signed = read(mapping.amount, signed=True)
        if mapping.sign is SignConvention.DEBIT_POSITIVE:
            signed = -signed
        if signed == 0:
            raise StatementFileRefused(
                "the amount is empty or zero", file=file, location=columns.where(mapping.amount, number)
            )
        return (Direction.CREDIT if signed > 0 else Direction.DEBIT), abs(signed)
    credit, debit = read(mapping.credit, signed=False), read(mapping.debit, signed=False)
    if bool(credit) == bool(debit):
        raise StatementFileRefused(
            "exactly one of the credit and debit columns must hold an amount",
            file=file,
            location=columns.where(f"{mapping.credit}/{mapping.debit}", number),
        )
    return (Direction.CREDIT, credit) if credit else (Direction.DEBIT, debit)
