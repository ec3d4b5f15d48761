"""OFX bank statements, 1.x (SGML) and 2.x (XML), read with `ofxtools`.

ofxtools reads the header and the markup of both versions into an element tree and validates it
against the OFX specification. The values are taken from the tree's text here, so amounts are read
exactly and each error names its element ("STMTRS[1]/BANKTRANLIST/STMTTRN[3]/TRNAMT").

FITID is the bank's reference, NAME the payer, MEMO the remittance; the sign of TRNAMT gives the
direction. OFX gives only the ledger balance at the end (LEDGERBAL), no opening balance, so there is
no balance equation to check: the ledger balance is read exactly and kept as the closing balance.
"""

from __future__ import annotations

import io
import re
from datetime import date
from xml.etree.ElementTree import Element

from ofxtools.header import OFXHeaderError, parse_header
from ofxtools.models.base import Aggregate
from ofxtools.Parser import ParseError, TreeBuilder

from recoup.payments.statements.formats.common import (
    currency_known,
    date_from,
    decimal_minor,
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

_OFX_DATE = re.compile(r"^\d{8}")
_SPEC_ERROR = re.compile(r"Can't set (\w+)\.(\w+)")


class _PlacedTreeBuilder(TreeBuilder):
    """ofxtools' markup reader fed one tag at a time, so an error knows where in the text it is."""

    position = 0

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def feed(self, data: str) -> None:
        for match in self.regex.finditer(data):
            self.position = match.start()
            super().feed(match.group(0))

    # The element tree closes whatever is open at an end tag; an end tag must close its own element,
    # or a stray one would be noticed only at the end of the file.
    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.open.append(tag)
        return super().start(tag, attrs)

    def end(self, tag: str) -> Element:
        if not self.open or self.open[-1] != tag:
            inside = f"<{self.open[-1]}>" if self.open else "nothing"
            raise ParseError(f"</{tag}> where {inside} is open")
        self.open.pop()
        return super().end(tag)


def _first_line(error: Exception) -> str:
    text = str(error).split(" - position=")[0].strip()
    return text.splitlines()[0][:120] if text else type(error).__name__


def parse_ofx(data: bytes, *, file_name: str) -> ParsedFile:
    """Read an OFX 1.x or 2.x file. Raises StatementFileRefused naming the element or line at fault."""
    content = data.removeprefix(b"\xef\xbb\xbf")
    stripped = content.rstrip()
    if not stripped.upper().endswith(b"</OFX>"):
        last_line = stripped.count(b"\n") + 1
        raise StatementFileRefused(
            "the file ends without </OFX> (cut short?)", file=file_name, location=f"line {last_line}"
        )
    try:
        _, message = parse_header(io.BytesIO(content))
    except (OFXHeaderError, ValueError, KeyError, IndexError, TypeError) as error:
        raise StatementFileRefused(
            f"the OFX header cannot be read ({_first_line(error)})", file=file_name, location="line 1"
        ) from None
    builder = _PlacedTreeBuilder()
    try:
        builder.feed(message)
        root = builder.close()
    except (SyntaxError, ValueError, KeyError, IndexError, TypeError, AssertionError) as error:
        # The markup is the end of the file: count its lines back from the file's last line.
        line = stripped.count(b"\n") - message.rstrip()[builder.position :].count("\n") + 1
        raise StatementFileRefused(
            f"the OFX markup cannot be read ({_first_line(error)})", file=file_name, location=f"line {line}"
        ) from None
    if root is None or root.tag != "OFX":
        raise StatementFileRefused("the markup has no OFX root element", file=file_name, location="OFX")
    found = [
        (transactions, response)
        for transactions in root.findall("BANKMSGSRSV1/STMTTRNRS")
        for response in transactions.findall("STMTRS")
    ]
    if not found:
        raise StatementFileRefused(
            "the file holds no bank statement (BANKMSGSRSV1/STMTTRNRS/STMTRS)", file=file_name, location="OFX"
        )
    statements = tuple(
        _statement(response, path=f"STMTRS[{number}]", file=file_name)
        for number, (_, response) in enumerate(found, 1)
    )
    try:
        Aggregate.from_etree(root)  # the rest of the OFX specification: required elements, enumerations
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as error:
        named = _SPEC_ERROR.search(str(error))
        raise StatementFileRefused(
            f"does not follow the OFX specification ({_first_line(error)})",
            file=file_name,
            location=f"{named.group(1)}/{named.group(2).upper()}" if named else "OFX",
        ) from None
    first = statements[0]
    return ParsedFile(format=StatementFormat.OFX, file_id=first.statement_id, statements=statements)


def _text(element: Element, name: str) -> str:
    found = element.find(name)
    return (found.text or "").strip() if found is not None else ""


def _need(element: Element, name: str, *, path: str, file: str) -> str:
    value = _text(element, name)
    if not value:
        raise StatementFileRefused(f"{name} is missing", file=file, location=f"{path}/{name}")
    return value


def _date(text: str, *, location: str, file: str) -> date:
    """The calendar date of an OFX datetime (YYYYMMDD[HHMMSS[.XXX]][[gmt offset:tz]])."""
    if not _OFX_DATE.match(text):
        raise StatementFileRefused(f"{text!r} is not an OFX date", file=file, location=location)
    return date_from(text[:8], "%Y%m%d", file=file, location=location)


def _statement(response: Element, *, path: str, file: str) -> ParsedStatement:
    currency = currency_known(
        _need(response, "CURDEF", path=path, file=file), file=file, location=f"{path}/CURDEF"
    )
    account = _need(response, "BANKACCTFROM/ACCTID", path=path, file=file)
    listing = response.find("BANKTRANLIST")
    if listing is None:
        raise StatementFileRefused("BANKTRANLIST is missing", file=file, location=f"{path}/BANKTRANLIST")
    list_path = f"{path}/BANKTRANLIST"
    start = _date(
        _need(listing, "DTSTART", path=list_path, file=file), location=f"{list_path}/DTSTART", file=file
    )
    end = _date(_need(listing, "DTEND", path=list_path, file=file), location=f"{list_path}/DTEND", file=file)
    lines = tuple(
        _line(transaction, path=f"{list_path}/STMTTRN[{number}]", currency=currency, file=file)
        for number, transaction in enumerate(listing.findall("STMTTRN"), 1)
    )
    closing = None
    if response.find("LEDGERBAL") is not None:
        where = f"{path}/LEDGERBAL/BALAMT"
        closing = decimal_minor(
            _need(response, "LEDGERBAL/BALAMT", path=path, file=file),
            currency,
            file=file,
            location=where,
            signed=True,
        )
    return ParsedStatement(
        statement_id=f"{account}:{start.isoformat()}:{end.isoformat()}",
        account_id=account,
        currency=currency,
        statement_date=end,
        closing_balance_minor=closing,
        lines=lines,
    )


def _line(transaction: Element, *, path: str, currency: str, file: str) -> ParsedLine:
    amount_text = _need(transaction, "TRNAMT", path=path, file=file)
    if _text(transaction, "CURRENCY/CURSYM") or _text(transaction, "ORIGCURRENCY/CURSYM"):
        raise StatementFileRefused(
            "a transaction in a foreign currency is not read", file=file, location=f"{path}/CURRENCY"
        )
    signed = decimal_minor(amount_text, currency, file=file, location=f"{path}/TRNAMT", signed=True)
    direction = Direction.CREDIT if signed >= 0 else Direction.DEBIT
    posted = _date(
        _need(transaction, "DTPOSTED", path=path, file=file), location=f"{path}/DTPOSTED", file=file
    )
    available = _text(transaction, "DTAVAIL")
    memo = _text(transaction, "MEMO")
    name = _text(transaction, "NAME") or _text(transaction, "PAYEE/NAME")
    return ParsedLine(
        location=path,
        booking_date=posted,
        value_date=_date(available, location=f"{path}/DTAVAIL", file=file) if available else None,
        direction=direction,
        amount_minor=abs(signed),
        currency=currency,
        bank_reference=_need(transaction, "FITID", path=path, file=file),
        customer_reference=_text(transaction, "REFNUM") or _text(transaction, "CHECKNUM"),
        remittance=memo,
        payer_name=name,
        type_code=_text(transaction, "TRNTYPE"),
        return_code=return_code_in(memo) if direction is Direction.DEBIT else "",
    )
