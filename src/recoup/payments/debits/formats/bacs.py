"""Bacs Direct Debit files: a Standard 18 submission written and read back, and the ARUDD and ADDACS
reports read.

Pure. Sources: the Bacs Service User Guide and its "Standard 18" file format (volume and file labels
VOL1, HDR1, HDR2, UHL1 of 80 characters, data records of 100 characters, EOF1, EOF2 and the user
trailer UTL1 carrying the file's debit and credit values and counts), and the Bacs "Reports and
Advices" XML formats for the Automated Return of Unpaid Direct Debits (ARUDD) and the Automated
Direct Debit Amendment and Cancellation Service (ADDACS), read with `kernel.xml_read`, which refuses
a DTD, so that a hostile report cannot expand entities.

Transaction codes written: 0N a new Direct Debit Instruction and 0C its cancellation (AUDDIS,
amounts zero, no contra), 01 a first collection, 17 a regular collection, and 99 the contra that
credits the service user's own account with the collections' total. AUDDIS instructions go in a
file of their own within the submission, as the Service User Guide asks; dates are Bacs's " YYDDD"
(a blank then the year and the day of the year).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from recoup.kernel.xml_read import UnsafeXml, xml_read
from recoup.payments.debits.formats.errors import DebitFileRefused, DebitFileUnwritable

LABEL_LENGTH = 80
RECORD_LENGTH = 100
INSTRUCTION_CODES = frozenset({"0N", "0C", "0S"})
COLLECTION_CODES = frozenset({"01", "17", "18", "19"})
CONTRA_CODE = "99"

UNPAID_REASONS = {
    "0": "Refer to payer",
    "1": "Instruction cancelled",
    "2": "Payer deceased",
    "3": "Account transferred",
    "4": "Advance notice disputed",
    "5": "No account (or wrong account type)",
    "6": "No instruction",
    "7": "Amount differs",
    "8": "Amount not yet due",
    "9": "Presentation overdue",
    "A": "Service user differs",
    "B": "Account closed",
}
AMENDMENT_REASONS = {
    "0": "Instruction cancelled - refer to payer",
    "1": "Instruction cancelled by payer",
    "2": "Payer deceased",
    "3": "Account transferred to a new bank or building society",
    "B": "Account closed",
    "C": "Account transferred to a new account at the same bank",
    "D": "Advance notice disputed",
    "E": "Instruction amended",
    "R": "Instruction re-instated",
}


@dataclass(frozen=True, slots=True)
class ServiceUser:
    number: str  # the six-digit Service User Number (SUN)
    name: str  # 18, shown on the payer's statement
    sort_code: str  # the service user's own account, credited by the contra
    account_number: str
    account_name: str


@dataclass(frozen=True, slots=True)
class Record:
    """One standard record: an AUDDIS instruction (0N, 0C; no amount) or a collection (01, 17)."""

    code: str
    sort_code: str
    account_number: str
    account_name: str
    reference: str  # the DDI reference: what the payer's bank and statement show
    amount_minor: int = 0


@dataclass(frozen=True, slots=True)
class ReadRecord:
    line: int
    code: str
    sort_code: str
    account_number: str
    account_name: str
    reference: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class ReadFile:
    processing_date: date
    records: tuple[ReadRecord, ...]
    contras: tuple[ReadRecord, ...]
    debit_total_minor: int
    credit_total_minor: int
    debit_count: int
    credit_count: int


@dataclass(frozen=True, slots=True)
class Submission:
    serial: str
    service_user_number: str
    files: tuple[ReadFile, ...]


@dataclass(frozen=True, slots=True)
class UnpaidDebit:
    """One returned Direct Debit of an ARUDD report."""

    location: str
    reference: str
    transaction_code: str
    reason_code: str
    reason: str
    original_processing_date: date
    amount_minor: int
    currency: str
    payer_sort_code: str
    payer_account_number: str
    payer_name: str


@dataclass(frozen=True, slots=True)
class UnpaidReport:
    service_user_number: str
    processing_date: date
    items: tuple[UnpaidDebit, ...]


@dataclass(frozen=True, slots=True)
class MandateAdvice:
    """One ADDACS advice: a payer's bank cancelled, amended or re-instated an instruction."""

    location: str
    service_user_number: str
    reference: str
    reason_code: str
    reason: str
    effective_date: date
    payer_name: str
    payer_sort_code: str
    payer_account_number: str
    new_sort_code: str
    new_account_number: str


# --- writing -------------------------------------------------------------------------------------------


def julian(day: date) -> str:
    """Bacs's date: a blank, the year's last two digits and the day of the year (" 24045")."""
    return f" {day:%y}{day.timetuple().tm_yday:03d}"


def _alpha(value: str, width: int, name: str) -> str:
    text = " ".join(value.upper().split())
    if not text.isascii() or any(not ch.isprintable() for ch in text):
        raise DebitFileUnwritable(f"{name}: only plain ASCII can be written, not {value!r}", field=name)
    return text[:width].ljust(width)


def _digits(value: str, width: int, name: str) -> str:
    if len(value) != width or not (value.isascii() and value.isdigit()):
        raise DebitFileUnwritable(f"{name}: must be {width} digits, not {value!r}", field=name)
    return value


def _amount(value: int, name: str = "amount") -> str:
    if value < 0 or value >= 10**11:
        raise DebitFileUnwritable(f"{name}: {value} does not fit eleven digits of pence", field=name)
    return str(value).zfill(11)


def _record(record: Record, user: ServiceUser) -> str:
    if record.code in INSTRUCTION_CODES:
        if record.amount_minor:
            raise DebitFileUnwritable("amount: an AUDDIS instruction carries no amount", field="amount")
    elif record.code in COLLECTION_CODES:
        if record.amount_minor <= 0:
            raise DebitFileUnwritable("amount: a collection is more than zero", field="amount")
    else:
        raise DebitFileUnwritable(
            f"code: {record.code!r} is not a Direct Debit transaction code", field="code"
        )
    if not record.reference.strip() or len(record.reference.strip()) < 6:
        raise DebitFileUnwritable("reference: a DDI reference has at least six characters", field="reference")
    return (
        _digits(record.sort_code, 6, "sort_code")
        + _digits(record.account_number, 8, "account_number")
        + "0"
        + record.code
        + _digits(user.sort_code, 6, "service_user.sort_code")
        + _digits(user.account_number, 8, "service_user.account_number")
        + " " * 4
        + _amount(record.amount_minor)
        + _alpha(user.name, 18, "service_user.name")
        + _alpha(record.reference, 18, "reference")
        + _alpha(record.account_name, 18, "account_name")
    )


def _contra(user: ServiceUser, total_minor: int) -> str:
    return (
        _digits(user.sort_code, 6, "service_user.sort_code")
        + _digits(user.account_number, 8, "service_user.account_number")
        + "0"
        + CONTRA_CODE
        + user.sort_code
        + user.account_number
        + " " * 4
        + _amount(total_minor, "contra")
        + _alpha("CONTRA", 18, "narrative")
        + _alpha("DD COLLECTIONS", 18, "reference")
        + _alpha(user.account_name, 18, "service_user.account_name")
    )


def _file(
    user: ServiceUser, *, serial: str, sequence: int, created: date, processing: date, lines: list[str]
) -> list[str]:
    identifier = f"A{user.number}S  {user.number} "
    hdr1 = (
        "HDR1"
        + identifier
        + serial
        + "0001"
        + f"{sequence:04d}"
        + " " * 6
        + julian(created)
        + julian(created + timedelta(days=10))
        + " "
        + "000000"
        + " " * 13
        + " " * 7
    )
    hdr2 = "HDR2" + "F" + "02000" + f"{RECORD_LENGTH:05d}" + " " * 35 + "00" + " " * 28
    uhl1 = (
        "UHL1"
        + julian(processing)
        + "999999    "
        + "00"
        + "000000"
        + "1 DAILY  "
        + f"{sequence:03d}"
        + " " * 40
    )
    return [hdr1, hdr2, uhl1, *lines, "EOF1" + hdr1[4:], "EOF2" + hdr2[4:]]


def submission_write(
    *,
    service_user: ServiceUser,
    serial: str,
    created_date: date,
    processing_date: date,
    records: Sequence[Record],
) -> str:
    """A Standard 18 submission: the AUDDIS instructions in one file, the collections with their contra
    in another (each only when there is something for it). Lines end with "\\n".

    Raises DebitFileUnwritable naming the field that cannot be written.
    """
    _digits(service_user.number, 6, "service_user.number")
    serial = _alpha(serial, 6, "serial")
    if not serial.strip():
        raise DebitFileUnwritable("serial: a submission serial number is required", field="serial")
    instructions = [r for r in records if r.code in INSTRUCTION_CODES]
    collections = [r for r in records if r.code not in INSTRUCTION_CODES]
    if not records:
        raise DebitFileUnwritable("records: a submission has at least one record", field="records")
    volume = "VOL1" + serial + " " + " " * 26 + "    " + service_user.number + "    " + " " * 28 + "1"
    out = [volume]
    sequence = 0
    for group in (instructions, collections):
        if not group:
            continue
        sequence += 1
        lines = [_record(r, service_user) for r in group]
        debit = sum(r.amount_minor for r in group)
        credit_count = 0
        if group is collections:
            lines.append(_contra(service_user, debit))
            credit_count = 1
        out += _file(
            service_user,
            serial=serial,
            sequence=sequence,
            created=created_date,
            processing=processing_date,
            lines=lines,
        )
        out.append(
            "UTL1"
            + str(debit).zfill(13)
            + str(debit if credit_count else 0).zfill(13)
            + str(len(group)).zfill(7)
            + str(credit_count).zfill(7)
            + " " * 8
            + " " * 28
        )
    return "\n".join(out) + "\n"


# --- reading a submission ------------------------------------------------------------------------------


def _from_julian(text: str) -> date:
    if len(text) != 6 or text[0] != " " or not text[1:].isdigit():
        raise ValueError(text)
    day = int(text[3:])
    start = date(2000 + int(text[1:3]), 1, 1)
    if not 1 <= day <= (date(start.year + 1, 1, 1) - start).days:
        raise ValueError(text)
    return start + timedelta(days=day - 1)


def submission_read(text: str, *, file: str) -> Submission:
    """Read a Standard 18 submission back and prove each file's UTL1 against its records.

    Raises DebitFileRefused naming the line at fault.
    """

    def refuse(line: int, reason: str) -> DebitFileRefused:
        return DebitFileRefused(reason, file=file, location=f"line {line}")

    rows = [(n, raw) for n, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not rows:
        raise DebitFileRefused("the file is empty", file=file)
    line, volume = rows[0]
    if not volume.startswith("VOL1") or len(volume) != LABEL_LENGTH:
        raise refuse(line, "a Standard 18 submission starts with an 80-character VOL1 label")
    files: list[ReadFile] = []
    position = 1
    while position < len(rows):
        line, label = rows[position]
        if not label.startswith("HDR1"):
            raise refuse(line, f"expected an HDR1 label, found {label[:4]!r}")
        expected = ["HDR1", "HDR2", "UHL1"]
        for offset, name in enumerate(expected):
            if position + offset >= len(rows) or not rows[position + offset][1].startswith(name):
                raise refuse(
                    rows[min(position + offset, len(rows) - 1)][0], f"expected the {name} label here"
                )
            if len(rows[position + offset][1]) != LABEL_LENGTH:
                raise refuse(rows[position + offset][0], f"a label is {LABEL_LENGTH} characters")
        uhl_line, uhl = rows[position + 2]
        try:
            processing = _from_julian(uhl[4:10])
        except ValueError:
            raise refuse(
                uhl_line, f'UHL1 processing date (positions 5-10) is not " YYDDD": {uhl[4:10]!r}'
            ) from None
        position += 3
        records: list[ReadRecord] = []
        contras: list[ReadRecord] = []
        while position < len(rows) and not rows[position][1].startswith("EOF1"):
            line, raw = rows[position]
            if len(raw) != RECORD_LENGTH:
                raise refuse(line, f"a data record is {RECORD_LENGTH} characters, this one {len(raw)}")
            code = raw[15:17]
            if code not in INSTRUCTION_CODES | COLLECTION_CODES | {CONTRA_CODE}:
                raise refuse(line, f"transaction code (positions 16-17) {code!r} is not a Direct Debit code")
            amount = raw[35:46]
            if not amount.isdigit():
                raise refuse(line, f"amount (positions 36-46) is not numeric: {amount!r}")
            read = ReadRecord(
                line, code, raw[0:6], raw[6:14], raw[82:100].strip(), raw[64:82].strip(), int(amount)
            )
            (contras if code == CONTRA_CODE else records).append(read)
            position += 1
        for name in ("EOF1", "EOF2", "UTL1"):
            if position >= len(rows) or not rows[position][1].startswith(name):
                raise refuse(rows[min(position, len(rows) - 1)][0], f"expected the {name} label here")
            position += 1
        line, trailer = rows[position - 1]
        if len(trailer) != LABEL_LENGTH or not trailer[4:44].isdigit():
            raise refuse(line, "UTL1 carries four numeric totals in positions 5-44")
        debit = sum(r.amount_minor for r in records)
        credit = sum(r.amount_minor for r in contras)
        checks = {
            "debit value": (int(trailer[4:17]), debit),
            "credit value": (int(trailer[17:30]), credit),
            "debit count": (int(trailer[30:37]), len(records)),
            "credit count": (int(trailer[37:44]), len(contras)),
        }
        for name, (written, counted) in checks.items():
            if written != counted:
                raise refuse(line, f"UTL1 {name} is {written}, the records give {counted}")
        if contras and credit != debit:
            raise refuse(contras[0].line, f"the contra credits {credit}, the collections total {debit}")
        files.append(
            ReadFile(processing, tuple(records), tuple(contras), debit, credit, len(records), len(contras))
        )
    if not files:
        raise refuse(rows[-1][0], "the submission holds no file")
    return Submission(volume[4:10].strip(), volume[41:47], tuple(files))


# --- reading the reports -------------------------------------------------------------------------------


class _Xml:
    def __init__(self, data: bytes | str, file: str) -> None:
        self.file = file
        try:
            self.root = xml_read(data)
        except UnsafeXml:
            raise DebitFileRefused("entities and DTDs are not accepted in a Bacs report", file=file) from None
        except ET.ParseError as error:
            line, column = error.position
            raise DebitFileRefused(
                f"not well-formed XML (column {column + 1})", file=file, location=f"line {line}"
            ) from None

    def refuse(self, location: str, reason: str) -> DebitFileRefused:
        return DebitFileRefused(reason, file=self.file, location=location)

    def attribute(self, element: ET.Element, name: str, where: str, *, required: bool = True) -> str:
        value = (element.get(name) or "").strip()
        if required and not value:
            raise self.refuse(f"{where}/@{name}", "is required")
        return value

    def day(self, element: ET.Element, name: str, where: str) -> date:
        text = self.attribute(element, name, where)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.refuse(f"{where}/@{name}", f"{text!r} is not a date YYYY-MM-DD") from None

    def pence(self, element: ET.Element, name: str, where: str) -> int:
        text = self.attribute(element, name, where)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise self.refuse(f"{where}/@{name}", f"{text!r} is not an amount") from None
        pence = value.scaleb(2)
        if not value.is_finite() or pence != pence.to_integral_value() or value <= 0:
            raise self.refuse(f"{where}/@{name}", f"{text!r} is not a positive amount in pounds and pence")
        return int(pence)


def _document(xml: _Xml, report: str) -> ET.Element:
    data = xml.root.find("Data")
    if xml.root.tag != "BACSDocument" or data is None:
        raise xml.refuse("BACSDocument", "not a Bacs report (a BACSDocument with Data)")
    body = data.find(report)
    if body is None:
        raise xml.refuse("BACSDocument/Data", f"this is not an {report} report")
    return body


def arudd_read(data: bytes | str, *, file: str) -> UnpaidReport:
    """The unpaid Direct Debits of an ARUDD report. Raises DebitFileRefused naming the element."""
    xml = _Xml(data, file)
    body = _document(xml, "ARUDD")
    header = body.find("Header")
    if header is None:
        raise xml.refuse("ARUDD/Header", "is required")
    processing = xml.day(header, "currentProcessingDate", "ARUDD/Header")
    licence = body.find("ServiceLicenseInformation")
    if licence is None:
        raise xml.refuse("ARUDD/ServiceLicenseInformation", "is required")
    user_number = xml.attribute(licence, "userNumber", "ARUDD/ServiceLicenseInformation")
    items: list[UnpaidDebit] = []
    for index, item in enumerate(body.iter("ReturnedDebitItem"), start=1):
        where = f"ReturnedDebitItem[{index}]"
        code = xml.attribute(item, "returnCode", where)
        if code not in UNPAID_REASONS:
            raise xml.refuse(f"{where}/@returnCode", f"{code!r} is not an ARUDD reason code")
        payer = item.find("PayerAccount")
        if payer is None:
            raise xml.refuse(f"{where}/PayerAccount", "is required")
        items.append(
            UnpaidDebit(
                location=where,
                reference=xml.attribute(item, "ref", where),
                transaction_code=xml.attribute(item, "transCode", where),
                reason_code=code,
                reason=UNPAID_REASONS[code],
                original_processing_date=xml.day(item, "originalProcessingDate", where),
                amount_minor=xml.pence(item, "valueOf", where),
                currency=xml.attribute(item, "currency", where, required=False) or "GBP",
                payer_sort_code=xml.attribute(payer, "sortCode", f"{where}/PayerAccount"),
                payer_account_number=xml.attribute(payer, "number", f"{where}/PayerAccount"),
                payer_name=xml.attribute(payer, "name", f"{where}/PayerAccount", required=False),
            )
        )
    for index, totals in enumerate(body.iter("Totals"), start=1):
        where = f"Totals[{index}]"
        count = xml.attribute(totals, "numberOf", where)
        if not count.isdigit() or int(count) != len(items):
            raise xml.refuse(f"{where}/@numberOf", f"says {count} items, the report has {len(items)}")
        if xml.pence(totals, "valueOf", where) != sum(i.amount_minor for i in items):
            raise xml.refuse(f"{where}/@valueOf", "does not equal the sum of the items")
    return UnpaidReport(user_number, processing, tuple(items))


def addacs_read(data: bytes | str, *, file: str) -> tuple[MandateAdvice, ...]:
    """The advices of an ADDACS report. Raises DebitFileRefused naming the element."""
    xml = _Xml(data, file)
    body = _document(xml, "MessagingAdvices")
    advices: list[MandateAdvice] = []
    for index, advice in enumerate(body.iter("MessagingAdvice"), start=1):
        where = f"MessagingAdvice[{index}]"
        code = xml.attribute(advice, "reason-code", where)
        if code not in AMENDMENT_REASONS:
            raise xml.refuse(f"{where}/@reason-code", f"{code!r} is not an ADDACS reason code")
        advices.append(
            MandateAdvice(
                location=where,
                service_user_number=xml.attribute(advice, "user-number", where),
                reference=xml.attribute(advice, "reference", where),
                reason_code=code,
                reason=AMENDMENT_REASONS[code],
                effective_date=xml.day(advice, "effective-date", where),
                payer_name=xml.attribute(advice, "payer-name", where, required=False),
                payer_sort_code=xml.attribute(advice, "payer-sort-code", where, required=False),
                payer_account_number=xml.attribute(advice, "payer-account-number", where, required=False),
                new_sort_code=xml.attribute(advice, "payer-new-sort-code", where, required=False),
                new_account_number=xml.attribute(advice, "payer-new-account-number", where, required=False),
            )
        )
    return tuple(advices)


def report_kind(data: bytes | str) -> str:
    """ "nacha", "arudd", "addacs" or "" for what the file looks like, from its first bytes."""
    head = (data[:4096].decode("utf-8", "replace") if isinstance(data, bytes) else data[:4096]).lstrip(
        "\ufeff"
    )
    if head.startswith("101"):
        return "nacha"
    if "<ARUDD" in head:
        return "arudd"
    if "<MessagingAdvices" in head:
        return "addacs"
    return ""
