"""ISO 20022 camt.053 (bank-to-customer statement) and camt.054 (debit/credit notification), any
version from 001.02 to 001.08, read with `kernel.xml_read`, which refuses a DTD, so a hostile file
cannot expand entities.

An entry (Ntry) that batches several transactions (TxDtls) each with its own amount becomes one line
per transaction, so each customer's payment can be matched on its own; their amounts must add up to
the entry's. The statement's own totals (TxsSummry) and its opening + credits − debits = closing
balance equation are checked when the bank sends them. Places are element paths such as
"Stmt[1]/Ntry[3]/Amt".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from xml.etree.ElementTree import Element, ParseError

from recoup.kernel.xml_read import UnsafeXml, xml_read
from recoup.payments.statements.formats.common import currency_known, decimal_minor
from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    StatementFileRefused,
    StatementFormat,
)

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.0([2-8])$")
_MESSAGES = {
    "camt.053": (StatementFormat.CAMT053, "BkToCstmrStmt", "Stmt"),
    "camt.054": (StatementFormat.CAMT054, "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
_OPENING = ("OPBD", "PRCD")
_CLOSING = ("CLBD",)


_TAGS: dict[tuple[str, str], tuple[str, ...]] = {}


def _tags(ns: str, dotted: str) -> tuple[str, ...]:
    """The qualified tags of a path such as "Acct/Id/IBAN", worked out once per namespace and path."""
    tags = _TAGS.get((ns, dotted))
    if tags is None:
        tags = _TAGS[(ns, dotted)] = tuple(f"{{{ns}}}{name}" for name in dotted.split("/"))
    return tags


def _text(element: Element, tags: tuple[str, ...]) -> str:
    """The stripped text at the qualified path `tags` below `element`, or ""."""
    found: Element | None = element
    for tag in tags:
        found = found.find(tag)  # type: ignore[union-attr]
        if found is None:
            return ""
    return (found.text or "").strip()  # type: ignore[union-attr]


class _Node:
    """An element, and how to name it in an error: its path from the message is worked out only
    when asked for, as most elements are read and never named."""

    __slots__ = ("element", "index", "ns", "parent", "tag")

    def __init__(self, element: Element, ns: str, parent: _Node | None = None, tag: str = "", index: int = 0):
        self.element = element
        self.ns = ns
        self.parent = parent
        self.tag = tag  # as written in the path, without the namespace
        self.index = index  # its place among siblings of its tag, from 1; 0 when not counted

    @property
    def name(self) -> str:
        return f"{self.tag}[{self.index}]" if self.index else self.tag

    @property
    def path(self) -> str:
        if self.parent is None:
            return self.name
        above = self.parent.path
        return f"{above}/{self.name}" if above else self.name

    def _child_path(self, name: str) -> str:
        path = self.path
        return f"{path}/{name}" if path else name

    def all(self, name: str) -> list[_Node]:
        children = self.element.findall(_tags(self.ns, name)[0])
        ns = self.ns
        return [_Node(child, ns, self, name, i) for i, child in enumerate(children, 1)]

    def get(self, dotted: str) -> _Node | None:
        node = self
        for name, tag in zip(dotted.split("/"), _tags(self.ns, dotted), strict=True):
            found = node.element.find(tag)
            if found is None:
                return None
            node = _Node(found, self.ns, node, name)
        return node

    def text(self, dotted: str) -> str:
        return _text(self.element, _tags(self.ns, dotted))

    def need(self, dotted: str, file: str) -> _Node:
        """The element, which must be there and hold text or elements."""
        node = self.get(dotted)
        if node is None or (not (node.element.text or "").strip() and not len(node.element)):
            raise StatementFileRefused(f"{dotted} is missing", file=file, location=self._child_path(dotted))
        return node


def namespace_of(data: bytes) -> str | None:
    """The camt message ("camt.053"/"camt.054") a document declares, if it is one; for sniffing."""
    found = re.search(rb"urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.0[2-8]", data[:4096])
    return found.group(1).decode() if found else None


def parse_camt(data: bytes, *, file_name: str) -> ParsedFile:
    """Read a camt.053 or camt.054 file. Raises StatementFileRefused naming the element at fault."""
    try:
        root = xml_read(data)
    except ParseError as error:
        line, column = error.position
        raise StatementFileRefused(
            f"not well-formed XML, damaged or cut short ({str(error).split(':')[0]})",
            file=file_name,
            location=f"line {line}, column {column + 1}",
        ) from None
    except UnsafeXml as error:
        raise StatementFileRefused(f"refused unsafe XML: {error}", file=file_name) from None
    except LookupError as error:  # the XML declaration names an encoding there is no codec for
        raise StatementFileRefused(
            f"the XML declaration's encoding is unknown ({error})", file=file_name
        ) from None
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    matched = NAMESPACE.match(ns)
    if not matched or root.tag != f"{{{ns}}}Document":
        raise StatementFileRefused(
            f"not a camt.053/camt.054 document (root {root.tag!r}, versions 001.02 to 001.08 are read)",
            file=file_name,
        )
    fmt, message_name, statement_name = _MESSAGES[matched.group(1)]
    document = _Node(root, ns)
    message = document.get(message_name)
    if message is None:
        raise StatementFileRefused(f"{message_name} is missing", file=file_name, location=message_name)
    message = _Node(message.element, ns)
    file_id = message.need("GrpHdr/MsgId", file_name).element.text or ""
    statements = tuple(_statement(node, file=file_name) for node in message.all(statement_name))
    if not statements:
        raise StatementFileRefused(
            f"the file holds no {statement_name}", file=file_name, location=statement_name
        )
    return ParsedFile(format=fmt, file_id=file_id.strip(), statements=statements)


def _statement(node: _Node, *, file: str) -> ParsedStatement:
    statement_id = node.need("Id", file).element.text or ""
    account = node.text("Acct/Id/IBAN") or node.text("Acct/Id/Othr/Id")
    if not account:
        raise StatementFileRefused(
            "Acct/Id (IBAN or Othr/Id) is missing", file=file, location=f"{node.path}/Acct/Id"
        )
    balances = {_balance_code(b): b for b in node.all("Bal")}
    entries = node.all("Ntry")
    currency = node.text("Acct/Ccy") or _first_currency(node, list(balances.values()) + entries, file=file)
    currency_known(currency, file=file, location=f"{node.path}/Acct/Ccy")
    statement_date = _statement_date(node, file=file)

    lines: list[ParsedLine] = []
    totals = {Direction.CREDIT: [0, 0], Direction.DEBIT: [0, 0]}  # [sum, count] of all entries
    booked = {Direction.CREDIT: 0, Direction.DEBIT: 0}
    for entry in entries:
        direction, amount = _amount(entry, currency=currency, file=file)
        totals[direction][0] += amount
        totals[direction][1] += 1
        if (entry.text("Sts/Cd") or entry.text("Sts")) in ("BOOK", ""):
            booked[direction] += amount
            lines.extend(
                _entry_lines(entry, direction=direction, amount=amount, currency=currency, file=file)
            )
        # pending and information-only entries are not money that has moved: no line, no balance

    _check_summary(node, totals, currency=currency, file=file)
    opening = _balance(balances, _OPENING, currency=currency, file=file)
    closing = _balance(balances, _CLOSING, currency=currency, file=file)
    credits, debits = booked[Direction.CREDIT], booked[Direction.DEBIT]
    if opening is not None and closing is not None and opening + credits - debits != closing:
        raise StatementFileRefused(
            f"opening balance {opening} + credits {credits} − debits {debits} is "
            f"{opening + credits - debits}, not the closing balance {closing} (minor units)",
            file=file,
            location=f"{balances['CLBD'].path}/Amt",
        )
    return ParsedStatement(
        statement_id=statement_id.strip(),
        account_id=account,
        currency=currency,
        statement_date=statement_date,
        opening_balance_minor=opening,
        closing_balance_minor=closing,
        lines=tuple(lines),
    )


def _balance_code(node: _Node) -> str:
    return node.text("Tp/CdOrPrtry/Cd") or node.text("Tp/CdOrPrtry/Prtry")


def _first_currency(statement: _Node, nodes: list[_Node], *, file: str) -> str:
    for node in nodes:
        amount = node.get("Amt")
        if amount is not None and amount.element.get("Ccy"):
            return amount.element.get("Ccy", "")
    raise StatementFileRefused(
        "no currency is given (Acct/Ccy or Amt/@Ccy)", file=file, location=f"{statement.path}/Acct/Ccy"
    )


def _date(node: _Node, dotted: str, *, file: str, required: bool) -> date | None:
    """An ISO date from <X><Dt>…</Dt></X> or <X><DtTm>…</DtTm></X> (the date part, as the bank wrote it)."""
    for child in ("Dt", "DtTm"):
        text = node.text(f"{dotted}/{child}") if dotted else node.text(child)
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                where = f"{node.path}/{dotted}/{child}" if dotted else f"{node.path}/{child}"
                raise StatementFileRefused(f"{text!r} is not a date", file=file, location=where) from None
    if required:
        raise StatementFileRefused(f"{dotted} is missing", file=file, location=f"{node.path}/{dotted}")
    return None


def _statement_date(node: _Node, *, file: str) -> date:
    for dotted in ("FrToDt/ToDtTm", "CreDtTm"):
        text = node.text(dotted)
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                raise StatementFileRefused(
                    f"{text!r} is not a date", file=file, location=f"{node.path}/{dotted}"
                ) from None
    raise StatementFileRefused("CreDtTm is missing", file=file, location=f"{node.path}/CreDtTm")


def _direction(node: _Node, *, file: str, default: Direction | None = None) -> Direction:
    indicator = node.text("CdtDbtInd")
    if not indicator and default is not None:
        return default
    if indicator == "CRDT":
        return Direction.CREDIT
    if indicator == "DBIT":
        return Direction.DEBIT
    raise StatementFileRefused(
        f"CdtDbtInd {indicator!r} is neither CRDT nor DBIT", file=file, location=f"{node.path}/CdtDbtInd"
    )


def _amount(
    node: _Node, *, currency: str, file: str, dotted: str = "Amt", default: Direction | None = None
) -> tuple[Direction, int]:
    amount = node.need(dotted, file)
    written_in = amount.element.get("Ccy", currency)
    if written_in != currency:
        raise StatementFileRefused(
            f"amount is in {written_in}, the statement in {currency}", file=file, location=amount.path
        )
    try:
        minor = decimal_minor(amount.element.text or "", currency, file=file, location="")
    except StatementFileRefused as refused:  # named only when at fault: most amounts are fine
        raise StatementFileRefused(refused.reason, file=file, location=amount.path) from None
    return _direction(node, file=file, default=default), minor


def _balance(balances: dict[str, _Node], codes: tuple[str, ...], *, currency: str, file: str) -> int | None:
    for code in codes:
        if code in balances:
            direction, minor = _amount(balances[code], currency=currency, file=file)
            return minor if direction is Direction.CREDIT else -minor
    return None


def _check_summary(node: _Node, totals: dict[Direction, list[int]], *, currency: str, file: str) -> None:
    for name, direction in (("TtlCdtNtries", Direction.CREDIT), ("TtlDbtNtries", Direction.DEBIT)):
        total, count = totals[direction]
        summary = node.get(f"TxsSummry/{name}")
        if summary is None:
            continue
        stated_count = summary.text("NbOfNtries")
        if stated_count and stated_count != str(count):
            raise StatementFileRefused(
                f"NbOfNtries says {stated_count} entries, the statement has {count}",
                file=file,
                location=f"{summary.path}/NbOfNtries",
            )
        stated_sum = summary.text("Sum")
        if stated_sum:
            where = f"{summary.path}/Sum"
            minor = decimal_minor(stated_sum, currency, file=file, location=where)
            if minor != total:
                raise StatementFileRefused(
                    f"Sum says {stated_sum}, the entries add up to {total} minor units",
                    file=file,
                    location=where,
                )


def _entry_lines(
    entry: _Node, *, direction: Direction, amount: int, currency: str, file: str
) -> list[ParsedLine]:
    booking_date = _date(entry, "BookgDt", file=file, required=True)
    assert booking_date is not None
    value_date = _date(entry, "ValDt", file=file, required=False)
    bank_reference = entry.text("AcctSvcrRef") or entry.text("NtryRef")
    type_code = _type_code(entry)
    details = [tx for details in entry.all("NtryDtls") for tx in details.all("TxDtls")]

    def line(location: str, direction: Direction, amount: int, reference: str, about: _Details) -> ParsedLine:
        return ParsedLine(
            location=location,
            booking_date=booking_date,
            value_date=value_date,
            direction=direction,
            amount_minor=amount,
            currency=currency,
            bank_reference=reference,
            customer_reference=about.customer_reference,
            remittance=about.remittance,
            payer_name=about.payer_name,
            type_code=type_code,
            return_code=about.return_code,
        )

    if len(details) > 1 and all(_transaction_amount(tx) is not None for tx in details):
        lines: list[ParsedLine] = []
        total = 0
        for tx in details:
            tx_direction, tx_amount = _amount(
                tx, currency=currency, file=file, dotted=_transaction_amount(tx) or "Amt", default=direction
            )
            total += tx_amount if tx_direction is direction else -tx_amount
            reference = tx.text("Refs/AcctSvcrRef") or bank_reference
            lines.append(line(tx.path, tx_direction, tx_amount, reference, _transaction_details([tx])))
        if total != amount:
            raise StatementFileRefused(
                f"the transactions add up to {total} minor units, the entry's amount is {amount}",
                file=file,
                location=f"{entry.path}/Amt",
            )
        return lines
    about = _transaction_details(details)
    if not about.remittance and entry.text("AddtlNtryInf"):
        about = replace(about, remittance=entry.text("AddtlNtryInf"))
    return [line(entry.path, direction, amount, bank_reference, about)]


def _transaction_amount(tx: _Node) -> str | None:
    """Where a transaction's own amount sits: TxDtls/Amt (from version 3) or AmtDtls/TxAmt/Amt."""
    for dotted in ("Amt", "AmtDtls/TxAmt/Amt"):
        if tx.get(dotted) is not None:
            return dotted
    return None


def _type_code(entry: _Node) -> str:
    domain = entry.text("BkTxCd/Domn/Cd")
    if domain:
        return "/".join(
            part
            for part in (domain, entry.text("BkTxCd/Domn/Fmly/Cd"), entry.text("BkTxCd/Domn/Fmly/SubFmlyCd"))
            if part
        )
    return entry.text("BkTxCd/Prtry/Cd")


@dataclass(slots=True)  # not frozen: built for every entry, read only
class _Details:
    customer_reference: str
    payer_name: str
    return_code: str
    remittance: str


def _transaction_details(details: list[_Node]) -> _Details:
    """References, remittance, payer and return reason from the entry's transaction details."""
    customer_reference = payer_name = return_code = ""
    remittance: list[str] = []
    for tx in details:
        end_to_end = tx.text("Refs/EndToEndId")
        if end_to_end and end_to_end != "NOTPROVIDED" and not customer_reference:
            customer_reference = end_to_end
        payer_name = payer_name or (
            tx.text("RltdPties/Dbtr/Nm")
            or tx.text("RltdPties/Dbtr/Pty/Nm")
            or tx.text("RltdPties/UltmtDbtr/Nm")
            or tx.text("RltdPties/UltmtDbtr/Pty/Nm")
        )
        return_code = return_code or tx.text("RtrInf/Rsn/Cd") or tx.text("RtrInf/Rsn/Prtry")
        # Read element by element: the remittance is never named in an error.
        unstructured, structured, reference = (
            _tags(tx.ns, name) for name in ("Ustrd", "Strd", "CdtrRefInf/Ref")
        )
        for information in tx.element.findall(_tags(tx.ns, "RmtInf")[0]):
            remittance.extend(
                (element.text or "").strip()
                for element in information.findall(unstructured[0])
                if element.text
            )
            for element in information.findall(structured[0]):
                found = _text(element, reference)
                if found:
                    remittance.append(found)
    return _Details(
        customer_reference=customer_reference,
        payer_name=payer_name,
        return_code=return_code,
        remittance=" ".join(part for part in remittance if part),
    )
