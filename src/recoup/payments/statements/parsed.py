"""What every bank-statement format is read into, before anything is matched or posted.

The parsers in `formats/` turn a file's bytes into a `ParsedFile`; the import reads nothing else.
Amounts are integer minor units, always positive, with the direction apart; nothing here is a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from recoup.kernel.errors import DomainError


class StatementFormat(StrEnum):
    BAI2 = "bai2"
    CAMT053 = "camt053"
    CAMT054 = "camt054"
    MT940 = "mt940"
    OFX = "ofx"
    CSV = "csv"


class Direction(StrEnum):
    CREDIT = "credit"  # money into the lender's account: a customer's payment
    DEBIT = "debit"  # money out: a returned payment, a bank charge, a refund


class StatementFileRefused(DomainError):
    """The file cannot be read: `file` names it, `location` the line ("line 14") or element
    ("Stmt[2]/Ntry[5]/Amt") at fault, and the message gives the reason. Nothing from it is posted."""

    def __init__(self, reason: str, *, file: str, location: str | None = None) -> None:
        where = f"{file}, {location}" if location else file
        super().__init__(f"{where}: {reason}", field=location)
        self.file = file
        self.location = location
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One transaction on a statement.

    `location` says where it sits in the file, in the words of StatementFileRefused ("line 14",
    "Stmt[1]/Ntry[3]"). `bank_reference` is the bank's own id for the transaction when the format
    has one (BAI2 bank reference, camt AcctSvcrRef / NtryRef, MT940 bank reference, OFX FITID);
    `customer_reference` the payer's end-to-end or customer reference. `remittance` is the free
    text that may carry an account number. `return_code` is the reason a returned or unpaid item
    came back (ACH R01, camt Rtr/Rsn, BACS ARUDD code), when the bank gives one.
    """

    location: str
    booking_date: date
    value_date: date | None
    direction: Direction
    amount_minor: int
    currency: str
    bank_reference: str = ""
    customer_reference: str = ""
    remittance: str = ""
    payer_name: str = ""
    type_code: str = ""
    return_code: str = ""


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """One statement (one bank account, one period) in a file; a file may hold several."""

    statement_id: str
    account_id: str
    currency: str
    statement_date: date
    opening_balance_minor: int | None = None
    closing_balance_minor: int | None = None
    lines: tuple[ParsedLine, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A whole file, its control totals already checked by the parser."""

    format: StatementFormat
    file_id: str
    statements: tuple[ParsedStatement, ...]

    @property
    def lines(self) -> tuple[ParsedLine, ...]:
        return tuple(line for statement in self.statements for line in statement.lines)
