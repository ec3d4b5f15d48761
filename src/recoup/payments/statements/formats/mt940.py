"""SWIFT MT940 customer statements, read with the `mt-940` library.

The file is first split here into fields, each with the line it starts on (SWIFT envelopes
`{1:…}{2:…}{4:`, `-}` and `{5:…}` are skipped), and into statements at each :20:. Each field is then
handed to the library on its own, so a field it cannot read is refused naming its line. The library
reads amounts loosely, so :61: and the balances are first checked against SWIFT's patterns and their
amounts read exactly from the text here. A statement's :60F:/:60M: opening balance plus its
movements must give its :62F:/:62M: closing balance.

Structured :86: details (/EREF/, /NAME/, /REMI/, /RTRN/, as many European banks send them) give the
customer reference, payer, remittance and return reason; free text is kept whole as remittance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import mt940

from recoup.payments.statements.formats.common import currency_known, date_from, decimal_minor, decode_text
from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    StatementFileRefused,
    StatementFormat,
)

_FIELD = re.compile(r"^:(\d{2}[A-Z]?|NS):(.*)$")
# SWIFT envelope lines: the {1:…}{2:…}{4: blocks before the fields, -} and {5:…} trailers after.
_ENVELOPE = re.compile(r"^(\{|-\}|-$)")
_STRUCTURED = re.compile(r"/(EREF|NAME|REMI|RTRN|ORDP|BENM|MARF|CSID|IREF)/")
_NONE_REFERENCES = {"NONREF", "NOTPROVIDED"}
# SWIFT's :61: (6!n[4!n]2a[1!a]15d1!a3!c…) and :60a:/:62a: (1!a6!n3!a15d) as far as amounts go.
_STATEMENT_LINE = re.compile(
    r"^\d{6}(\d{4})?(?P<mark>R?[CD])[A-Z]?(?P<amount>\d{1,14},\d{0,2})[NSF][A-Z0-9]{3}"
)
_BALANCE = re.compile(r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d{1,15},\d{0,2})$")


@dataclass(slots=True)
class _Field:
    tag: str
    line: int
    value: str


@dataclass(slots=True)
class _Block:
    fields: list[_Field] = field(default_factory=list)


def parse_mt940(data: bytes, *, file_name: str) -> ParsedFile:
    """Read an MT940 file. Raises StatementFileRefused naming the line at fault."""
    blocks = _blocks(decode_text(data), file=file_name)
    statements = tuple(_statement(block, file=file_name) for block in blocks)
    return ParsedFile(format=StatementFormat.MT940, file_id=statements[0].statement_id, statements=statements)


def _blocks(text: str, *, file: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Field | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        matched = _FIELD.match(line)
        if matched:
            current = _Field(matched.group(1), number, matched.group(2))
            if current.tag == "20":
                blocks.append(_Block())
            elif not blocks:
                raise StatementFileRefused(
                    f"field :{current.tag}: comes before the statement's :20:",
                    file=file,
                    location=f"line {number}",
                )
            blocks[-1].fields.append(current)
        elif not line.strip():
            continue
        elif _ENVELOPE.match(line.strip()):
            current = None
        elif current is not None:
            current.value += "\n" + line
        else:
            raise StatementFileRefused(
                f"{line[:20]!r} is not an MT940 field", file=file, location=f"line {number}"
            )
    if not blocks:
        raise StatementFileRefused("no statement (:20:) in the file", file=file, location="line 1")
    return blocks


def _statement(block: _Block, *, file: str) -> ParsedStatement:
    transactions = mt940.models.Transactions()
    amounts: dict[int, tuple[int, str]] = {}  # transaction id -> (line, amount text as written)
    balances: dict[str, tuple[int, re.Match[str]]] = {}
    previous = ""
    for item in block.fields:
        where = f"line {item.line}"
        if item.tag == "86" and previous not in ("61", "86"):
            continue  # statement-level information, not a transaction's details
        previous = item.tag
        if item.tag not in transactions.tags and _tag_number(item.tag) not in transactions.tags:
            raise StatementFileRefused(f"field :{item.tag}: is not an MT940 field", file=file, location=where)
        # The library reads loosely ("312.4" as 312 and a reference); the amount fields are checked
        # against SWIFT's own patterns first, and their amounts read from the text here.
        checked = None
        if item.tag == "61":
            checked = _STATEMENT_LINE.match(item.value)
            if checked is None:
                raise StatementFileRefused(
                    "field :61: cannot be read: it needs a value date YYMMDD, an optional entry date MMDD, "
                    "C/D/RC/RD, an amount with a decimal comma and a transaction type such as NTRF",
                    file=file,
                    location=where,
                )
        elif item.tag[:2] in ("60", "62"):
            checked = _BALANCE.match(item.value.strip())
            if checked is None:
                raise StatementFileRefused(
                    f"field :{item.tag}: cannot be read: it needs C/D, a date YYMMDD, a currency and an "
                    "amount with a decimal comma",
                    file=file,
                    location=where,
                )
            balances.setdefault(item.tag[:2], (item.line, checked))
        try:
            transactions.parse(f":{item.tag}:{item.value}")
        except (RuntimeError, ValueError, KeyError, TypeError, ArithmeticError) as error:
            raise StatementFileRefused(
                f"field :{item.tag}: cannot be read ({_reason(error)})", file=file, location=where
            ) from None
        if item.tag == "61" and checked is not None:
            amounts[id(transactions.transactions[-1])] = (item.line, checked.group("amount"))

    last = block.fields[-1].line
    for tag, name in (("60", "opening"), ("62", "closing")):
        if tag not in balances:
            raise StatementFileRefused(
                f"the statement ends without its :{tag}F: {name} balance (cut short?)",
                file=file,
                location=f"line {last}",
            )
    opening_line, opening = balances["60"]
    closing_line, closing = balances["62"]
    currency = currency_known(opening.group("currency"), file=file, location=f"line {opening_line}")
    if closing.group("currency") != currency:
        raise StatementFileRefused(
            f"closing balance is in {closing.group('currency')}, the opening balance in {currency}",
            file=file,
            location=f"line {closing_line}",
        )
    opening_minor = _balance_minor(opening, currency, file=file, line=opening_line)
    closing_minor = _balance_minor(closing, currency, file=file, line=closing_line)

    lines = tuple(
        _line(transaction.data, amounts[id(transaction)], currency=currency, file=file)
        for transaction in transactions.transactions
    )
    moved = sum(
        line.amount_minor if line.direction is Direction.CREDIT else -line.amount_minor for line in lines
    )
    if opening_minor + moved != closing_minor:
        raise StatementFileRefused(
            f"opening balance {opening_minor} + movements {moved} is {opening_minor + moved}, "
            f"not the closing balance {closing_minor} (minor units)",
            file=file,
            location=f"line {closing_line}",
        )
    data = transactions.data
    reference = str(data.get("transaction_reference") or "").strip()
    number = "/".join(str(data[key]) for key in ("statement_number", "sequence_number") if data.get(key))
    return ParsedStatement(
        statement_id=f"{reference}/{number}" if number else reference,
        account_id=str(data.get("account_identification") or "").strip(),
        currency=currency,
        statement_date=date_from(closing.group("date"), "%y%m%d", file=file, location=f"line {closing_line}"),
        opening_balance_minor=opening_minor,
        closing_balance_minor=closing_minor,
        lines=lines,
    )


def _plain(day: date) -> date:
    """The library's date subclass as a plain date."""
    return date(day.year, day.month, day.day)


def _tag_number(tag: str) -> int | str:
    return int(tag[:2]) if tag[:2].isdigit() else tag


def _reason(error: Exception) -> str:
    if isinstance(error, RuntimeError) and error.args:
        return str(error.args[0])
    return str(error) or type(error).__name__


def _balance_minor(balance: re.Match[str], currency: str, *, file: str, line: int) -> int:
    minor = decimal_minor(
        balance.group("amount"), currency, file=file, location=f"line {line}", decimal_separator=","
    )
    return -minor if balance.group("mark") == "D" else minor


def _line(data: dict[str, Any], amount: tuple[int, str], *, currency: str, file: str) -> ParsedLine:
    line, amount_text = amount
    # C credit, D debit; RC reverses a credit (money out), RD reverses a debit (money back in).
    mark = str(data.get("status") or "").upper()
    direction = Direction.CREDIT if mark in ("C", "RD") else Direction.DEBIT
    details = _details(str(data.get("transaction_details") or ""))
    customer_reference = str(data.get("customer_reference") or "").strip()
    if customer_reference.upper() in _NONE_REFERENCES:
        customer_reference = ""
    value_date = _plain(data["date"])
    return ParsedLine(
        location=f"line {line}",
        booking_date=_plain(data.get("entry_date") or value_date),
        value_date=value_date,
        direction=direction,
        amount_minor=decimal_minor(
            amount_text, currency, file=file, location=f"line {line}", decimal_separator=","
        ),
        currency=currency,
        bank_reference=str(data.get("bank_reference") or "").strip(),
        customer_reference=details.get("EREF") or customer_reference,
        remittance=details.get("REMI", ""),
        payer_name=details.get("NAME", ""),
        type_code=str(data.get("id") or ""),
        return_code=details.get("RTRN", ""),
    )


def _details(text: str) -> dict[str, str]:
    """The sub-fields of a structured :86:, or the whole free text as REMI. A wrapped line is joined
    without a space: banks wrap at a fixed width, even inside a word or an account number."""
    joined = "".join(part for part in text.splitlines()).strip()
    if not _STRUCTURED.search(joined):
        return {"REMI": joined}
    found: dict[str, str] = {}
    parts = _STRUCTURED.split(joined)
    for code, value in zip(parts[1::2], parts[2::2], strict=True):
        value = value.strip().strip("/")
        if code == "REMI" and value.startswith("USTD//"):
            value = value.removeprefix("USTD//")
        if code == "ORDP" and value.startswith("/NAME/"):
            code, value = "NAME", value.removeprefix("/NAME/")
        found.setdefault(code, value.strip())
    return found
