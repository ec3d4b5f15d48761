"""NACHA files: writing a debit file (PPD, WEB, TEL) and reading one back, returns included.

Pure. The layout is that of the Nacha Operating Rules, Appendix One ("ACH File Exchange
Specifications"): 94-character records — File Header "1", Company/Batch Header "5", Entry Detail
"6", Addenda "7", Company/Batch Control "8", File Control "9" — in blocks of ten records, the last
block filled with records of nine "9"s. The Entry Hash of a batch or file is the sum of the
Receiving DFI Identifications (the first eight digits of each entry's routing number), of which
the last ten digits are kept. Amounts are in cents, ten digits on an entry, twelve in a control.

The ACH libraries on PyPI (ach, carta-ach, nacha, pynacha) were last released between 2014 and
2021 and none reads return addenda, so the fixed-width format is written here.

Returns (Appendix Four, "Return Entries") come back from the RDFI as entries of transaction code
26 (checking) or 36 (savings) for our 27 and 37 debits, each with an addenda record of type 99:
the return reason code (R01…), the original entry's trace number, the date of death for R14 and
R15, and the original RDFI. Notifications of change (addenda type 98) are read and told apart.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from recoup.payments.debits.formats.errors import DebitFileRefused, DebitFileUnwritable

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PAD_RECORD = "9" * RECORD_LENGTH
HASH_MODULUS = 10**10
DEBIT_CODES = {"checking": "27", "savings": "37"}
# Transaction codes by what they do: debits to the receiver, credits to the receiver.
DEBIT_TRANSACTION_CODES = frozenset({"27", "28", "29", "37", "38", "39", "47", "48", "49", "55"})
CREDIT_TRANSACTION_CODES = frozenset({"21", "22", "23", "24", "26", "31", "32", "33", "34", "36", "41", "42"})
SEC_CODES = frozenset({"PPD", "WEB", "TEL"})
SERVICE_CLASS_DEBITS = "225"

# The return reason codes of the Nacha Operating Rules, Appendix Four, that a debit originator meets.
RETURN_REASONS = {
    "R01": "Insufficient funds",
    "R02": "Account closed",
    "R03": "No account / unable to locate account",
    "R04": "Invalid account number structure",
    "R05": "Unauthorized debit to consumer account using corporate SEC code",
    "R06": "Returned per ODFI's request",
    "R07": "Authorization revoked by customer",
    "R08": "Payment stopped",
    "R09": "Uncollected funds",
    "R10": "Customer advises originator is not known and/or not authorized",
    "R11": "Customer advises entry not in accordance with the terms of the authorization",
    "R12": "Account sold to another DFI",
    "R13": "Invalid ACH routing number",
    "R14": "Representative payee deceased or unable to continue in that capacity",
    "R15": "Beneficiary or account holder deceased",
    "R16": "Account frozen / entry returned per OFAC instruction",
    "R17": "File record edit criteria, or an invalid account number under questionable circumstances",
    "R20": "Non-transaction account",
    "R23": "Credit entry refused by receiver",
    "R24": "Duplicate entry",
    "R29": "Corporate customer advises not authorized",
    "R31": "Permissible return entry (CCD and CTX only)",
    "R33": "Return of XCK entry",
}


@dataclass(frozen=True, slots=True)
class Originator:
    """The company debiting its customers, and the bank (ODFI) that sends its file to the ACH operator."""

    company_name: str  # 16
    company_id: str  # 10, the Company Identification the RDFI shows the customer
    odfi_routing: str  # 9 digits; the first 8 are the Originating DFI Identification
    destination_routing: str  # 9 digits: the ACH operator or bank the file goes to
    destination_name: str  # 23
    origin: str  # 10: Immediate Origin, often the company id or the ODFI routing with a leading blank
    origin_name: str  # 23


@dataclass(frozen=True, slots=True)
class Debit:
    """One debit entry: the customer's bank and account, the amount in cents, who they are to us."""

    routing: str  # 9 digits
    account: str  # up to 17
    account_type: str  # "checking" | "savings"
    amount_minor: int
    individual_id: str  # 15, our account number
    name: str  # 22
    trace_sequence: int  # 7 digits after the ODFI's 8 in the trace number
    payment_type: str = ""  # WEB and TEL: "R" recurring, "S" single (Discretionary Data)
    addenda: str = ""  # up to 80 characters of payment related information (addenda type 05)


@dataclass(frozen=True, slots=True)
class Batch:
    sec_code: str  # PPD, WEB or TEL
    entry_description: str  # 10, e.g. "AUTOPAY"
    effective_date: date
    debits: tuple[Debit, ...]


@dataclass(frozen=True, slots=True)
class ReadEntry:
    """An entry as read back, with its addenda records' text after the record type ("05…", "99…")."""

    line: int
    transaction_code: str
    routing: str
    account: str
    amount_minor: int
    individual_id: str
    name: str
    trace: str
    addenda: tuple[str, ...] = ()
    addenda_lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadBatch:
    line: int
    service_class: str
    company_name: str
    company_id: str
    sec_code: str
    entry_description: str
    effective_date: date | None
    batch_number: int
    entries: tuple[ReadEntry, ...]
    debit_total_minor: int
    credit_total_minor: int
    entry_hash: int


@dataclass(frozen=True, slots=True)
class ReadFile:
    destination: str
    origin: str
    created_date: date
    batches: tuple[ReadBatch, ...]
    entry_addenda_count: int
    debit_total_minor: int
    credit_total_minor: int
    entry_hash: int
    block_count: int


@dataclass(frozen=True, slots=True)
class Return:
    """A returned entry: `original_trace` is the trace of our debit; `trace` the RDFI's own."""

    location: str
    code: str
    description: str
    original_trace: str
    amount_minor: int
    trace: str
    individual_id: str
    date_of_death: date | None
    information: str


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """A notification of change: the account details to use next time (COR entries, addenda 98).
    `corrected_data` is the 29-character field as sent; `corrections` reads it by the change code."""

    location: str
    code: str
    original_trace: str
    corrected_data: str

    def corrections(self) -> dict[str, str]:
        """What the change code corrects (Nacha Rules, Appendix Five): "account" (C01, C03, C06,
        C07), "routing" (C02, C03, C07), "account_type" (C05, C06, C07: checking or savings)."""
        data = self.corrected_data.ljust(29)
        account = {"C01": data[0:17], "C03": data[12:29], "C06": data[0:17], "C07": data[9:26]}
        routing = {"C02": data[0:9], "C03": data[0:9], "C07": data[0:9]}
        code = {"C05": data[0:2], "C06": data[20:22], "C07": data[26:28]}
        found: dict[str, str] = {}
        if self.code in account:
            found["account"] = account[self.code].strip()
        if self.code in routing:
            found["routing"] = routing[self.code].strip()
        if self.code in code:
            kind = {"2": "checking", "3": "savings"}.get(code[self.code].strip()[:1], "")
            found["account_type"] = kind
        return found


@dataclass(frozen=True, slots=True)
class ReturnFile:
    returns: tuple[Return, ...]
    notices: tuple[ChangeNotice, ...] = field(default=())


# --- writing -------------------------------------------------------------------------------------------


def _alpha(value: str, width: int, name: str) -> str:
    text = " ".join(value.upper().split())
    if not text.isascii() or any(not ch.isprintable() for ch in text):
        raise DebitFileUnwritable(f"{name}: only plain ASCII can be written, not {value!r}", field=name)
    return text[:width].ljust(width)


def _num(value: int, width: int, name: str) -> str:
    if value < 0 or value >= 10**width:
        raise DebitFileUnwritable(f"{name}: {value} does not fit {width} digits", field=name)
    return str(value).zfill(width)


def _digits(value: str, width: int, name: str) -> str:
    if len(value) != width or not (value.isascii() and value.isdigit()):
        raise DebitFileUnwritable(f"{name}: must be {width} digits, not {value!r}", field=name)
    return value


def _origin(value: str) -> str:
    """Immediate Origin: ten characters; a routing number of nine digits is written with a leading blank."""
    if len(value) == 9 and value.isascii() and value.isdigit():
        return " " + value
    if len(value) != 10 or not value.isascii() or not value.strip():
        raise DebitFileUnwritable(f"origin: ten characters, or nine digits, not {value!r}", field="origin")
    return value.upper()


def _yymmdd(day: date) -> str:
    return day.strftime("%y%m%d")


def entry_hash(routings: Sequence[str]) -> int:
    """The Entry Hash: the sum of the Receiving DFI Identifications, its last ten digits."""
    return sum(int(r[:8]) for r in routings) % HASH_MODULUS


def trace_number(odfi_routing: str, sequence: int) -> str:
    return odfi_routing[:8] + _num(sequence, 7, "trace_sequence")


def _entry(debit: Debit, odfi_routing: str, sec_code: str) -> list[str]:
    code = DEBIT_CODES.get(debit.account_type)
    if code is None:
        raise DebitFileUnwritable(
            f"account_type: {debit.account_type!r} is neither checking nor savings", field="account_type"
        )
    if debit.amount_minor <= 0:
        raise DebitFileUnwritable("amount: a debit is more than zero", field="amount")
    routing = _digits(debit.routing, 9, "routing")
    account = debit.account.strip().upper()
    if not account or len(account) > 17:
        raise DebitFileUnwritable("account: 1 to 17 characters", field="account")
    discretionary = _alpha(debit.payment_type, 2, "payment_type") if sec_code in {"WEB", "TEL"} else "  "
    trace = trace_number(odfi_routing, debit.trace_sequence)
    records = [
        "6"
        + code
        + routing
        + account.ljust(17)
        + _num(debit.amount_minor, 10, "amount")
        + _alpha(debit.individual_id, 15, "individual_id")
        + _alpha(debit.name, 22, "name")
        + discretionary
        + ("1" if debit.addenda else "0")
        + trace
    ]
    if debit.addenda:
        records.append("705" + _alpha(debit.addenda, 80, "addenda") + "0001" + trace[-7:])
    return records


def file_write(
    *, originator: Originator, batches: Sequence[Batch], created_at: datetime, file_id_modifier: str = "A"
) -> str:
    """A debits-only NACHA file, one batch per element of `batches` (service class 225).

    Lines end with "\\n"; every record is 94 characters and the file is a whole number of blocks.
    Raises DebitFileUnwritable naming the field that cannot be written.
    """
    if not (len(file_id_modifier) == 1 and file_id_modifier.isascii() and file_id_modifier.isalnum()):
        raise DebitFileUnwritable("file_id_modifier: one letter or digit", field="file_id_modifier")
    odfi = _digits(originator.odfi_routing, 9, "odfi_routing")
    records = [
        "101"
        + " "
        + _digits(originator.destination_routing, 9, "destination_routing")
        + _origin(originator.origin)
        + created_at.strftime("%y%m%d%H%M")
        + file_id_modifier.upper()
        + "094"
        + "10"
        + "1"
        + _alpha(originator.destination_name, 23, "destination_name")
        + _alpha(originator.origin_name, 23, "origin_name")
        + " " * 8
    ]
    file_count = file_debit = file_hash = 0
    for number, batch in enumerate(batches, start=1):
        if batch.sec_code not in SEC_CODES:
            raise DebitFileUnwritable(
                f"sec_code: {batch.sec_code!r} is not PPD, WEB or TEL", field="sec_code"
            )
        if not batch.debits:
            raise DebitFileUnwritable(f"batches: batch {number} has no entries", field="batches")
        company_id = _alpha(originator.company_id, 10, "company_id")
        records.append(
            "5"
            + SERVICE_CLASS_DEBITS
            + _alpha(originator.company_name, 16, "company_name")
            + " " * 20
            + company_id
            + batch.sec_code
            + _alpha(batch.entry_description, 10, "entry_description")
            + " " * 6
            + _yymmdd(batch.effective_date)
            + "   "
            + "1"
            + odfi[:8]
            + _num(number, 7, "batch_number")
        )
        count = 0
        for debit in batch.debits:
            lines = _entry(debit, odfi, batch.sec_code)
            records += lines
            count += len(lines)
        batch_hash = entry_hash([d.routing for d in batch.debits])
        batch_debit = sum(d.amount_minor for d in batch.debits)
        records.append(
            "8"
            + SERVICE_CLASS_DEBITS
            + _num(count, 6, "entry_addenda_count")
            + _num(batch_hash, 10, "entry_hash")
            + _num(batch_debit, 12, "total_debit")
            + _num(0, 12, "total_credit")
            + company_id
            + " " * 19
            + " " * 6
            + odfi[:8]
            + _num(number, 7, "batch_number")
        )
        file_count += count
        file_debit += batch_debit
        file_hash = (file_hash + batch_hash) % HASH_MODULUS
    blocks = -(-(len(records) + 1) // BLOCKING_FACTOR)
    records.append(
        "9"
        + _num(len(batches), 6, "batch_count")
        + _num(blocks, 6, "block_count")
        + _num(file_count, 8, "entry_addenda_count")
        + _num(file_hash, 10, "entry_hash")
        + _num(file_debit, 12, "total_debit")
        + _num(0, 12, "total_credit")
        + " " * 39
    )
    records += [PAD_RECORD] * (blocks * BLOCKING_FACTOR - len(records))
    return "\n".join(records) + "\n"


# --- reading -------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.lines = text.splitlines()

    def refuse(self, line: int, reason: str) -> DebitFileRefused:
        return DebitFileRefused(reason, file=self.file, location=f"line {line}")

    def number(self, line: int, record: str, start: int, end: int, name: str) -> int:
        """Positions are the Rules' own, counted from 1 and inclusive."""
        text = record[start - 1 : end]
        if not (text.isascii() and text.isdigit()):
            raise self.refuse(line, f"{name} (positions {start}-{end}) is not numeric: {text!r}")
        return int(text)

    def day(self, line: int, record: str, start: int, name: str, *, blank_ok: bool = False) -> date | None:
        text = record[start - 1 : start + 5]
        if blank_ok and not text.strip():
            return None
        try:
            if not (text.isascii() and text.isdigit()):
                raise ValueError(text)
            return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
        except ValueError:
            raise self.refuse(
                line, f"{name} (positions {start}-{start + 5}) is not a date YYMMDD: {text!r}"
            ) from None


def file_read(text: str, *, file: str) -> ReadFile:
    """Read a NACHA file and prove its controls: every record 94 characters, the records in the
    order the Rules set, each batch's and the file's counts, entry hash and totals as written.

    Raises DebitFileRefused naming the line at fault.
    """
    reader = _Reader(text, file)
    records: list[tuple[int, str]] = []
    for number, raw in enumerate(reader.lines, start=1):
        if not raw.strip():
            continue
        if len(raw) != RECORD_LENGTH:
            raise reader.refuse(number, f"a record is {RECORD_LENGTH} characters, this one {len(raw)}")
        records.append((number, raw))
    if not records:
        raise DebitFileRefused("the file is empty", file=file)
    line, header = records[0]
    if header[0] != "1":
        raise reader.refuse(line, f"a NACHA file starts with a File Header Record (1), not {header[0]!r}")
    if header[34:39] != "09410":
        raise reader.refuse(line, "the File Header must give record size 094 and blocking factor 10")
    created = reader.day(line, header, 24, "File Creation Date")
    assert created is not None
    batches: list[ReadBatch] = []
    position = 1
    control: tuple[int, str] | None = None
    while position < len(records):
        line, record = records[position]
        kind = record[0]
        if kind == "5":
            batch, position = _batch_read(reader, records, position)
            batches.append(batch)
        elif kind == "9" and record != PAD_RECORD:
            control = (line, record)
            position += 1
            break
        else:
            raise reader.refuse(
                line, f"expected a Batch Header (5) or File Control (9), found record type {kind!r}"
            )
    if control is None:
        raise reader.refuse(records[-1][0], "the file has no File Control Record (9)")
    for line, record in records[position:]:
        if record != PAD_RECORD:
            raise reader.refuse(line, "only filler records of 9s may follow the File Control Record")
    line, record = control
    count = sum(len(e.addenda) + 1 for b in batches for e in b.entries)
    expected = {
        "Batch Count": (reader.number(line, record, 2, 7, "Batch Count"), len(batches)),
        "Entry/Addenda Count": (reader.number(line, record, 14, 21, "Entry/Addenda Count"), count),
        "Entry Hash": (
            reader.number(line, record, 22, 31, "Entry Hash"),
            sum(b.entry_hash for b in batches) % HASH_MODULUS,
        ),
        "Total Debit Entry Dollar Amount": (
            reader.number(line, record, 32, 43, "Total Debit"),
            sum(b.debit_total_minor for b in batches),
        ),
        "Total Credit Entry Dollar Amount": (
            reader.number(line, record, 44, 55, "Total Credit"),
            sum(b.credit_total_minor for b in batches),
        ),
    }
    for name, (written, counted) in expected.items():
        if written != counted:
            raise reader.refuse(line, f"File Control {name} is {written}, the batches add up to {counted}")
    blocks = reader.number(line, record, 8, 13, "Block Count")
    if blocks != -(-len(records) // BLOCKING_FACTOR):
        raise reader.refuse(line, f"File Control Block Count is {blocks} for {len(records)} records")
    return ReadFile(
        destination=header[3:13].strip(),
        origin=header[13:23].strip(),
        created_date=created,
        batches=tuple(batches),
        entry_addenda_count=count,
        debit_total_minor=expected["Total Debit Entry Dollar Amount"][1],
        credit_total_minor=expected["Total Credit Entry Dollar Amount"][1],
        entry_hash=expected["Entry Hash"][1],
        block_count=blocks,
    )


def _batch_read(reader: _Reader, records: list[tuple[int, str]], position: int) -> tuple[ReadBatch, int]:
    header_line, header = records[position]
    service_class = header[1:4]
    batch_number = reader.number(header_line, header, 88, 94, "Batch Number")
    entries: list[ReadEntry] = []
    position += 1
    while position < len(records) and records[position][1][0] in "67":
        line, record = records[position]
        if record[0] == "7":
            if not entries:
                raise reader.refuse(line, "an Addenda Record (7) must follow an Entry Detail Record (6)")
            last = entries[-1]
            entries[-1] = dataclasses.replace(
                last, addenda=(*last.addenda, record[1:]), addenda_lines=(*last.addenda_lines, line)
            )
        else:
            if record[78] not in "01":
                raise reader.refuse(
                    line, f"Addenda Record Indicator (position 79) is {record[78]!r}, not 0 or 1"
                )
            reader.number(line, record, 4, 12, "Receiving DFI Identification and Check Digit")
            entries.append(
                ReadEntry(
                    line=line,
                    transaction_code=record[1:3],
                    routing=record[3:12],
                    account=record[12:29].strip(),
                    amount_minor=reader.number(line, record, 30, 39, "Amount"),
                    individual_id=record[39:54].strip(),
                    name=record[54:76].strip(),
                    trace=str(reader.number(line, record, 80, 94, "Trace Number")).zfill(15),
                )
            )
        position += 1
    if position >= len(records) or records[position][1][0] != "8":
        at = records[min(position, len(records) - 1)][0]
        raise reader.refuse(at, f"the batch begun on line {header_line} has no Batch Control Record (8) here")
    line, control = records[position]
    for entry in entries:
        if entry.transaction_code not in DEBIT_TRANSACTION_CODES | CREDIT_TRANSACTION_CODES:
            raise reader.refuse(
                entry.line, f"Transaction Code {entry.transaction_code!r} is not one of the Rules'"
            )
    debits = sum(e.amount_minor for e in entries if e.transaction_code in DEBIT_TRANSACTION_CODES)
    credits = sum(e.amount_minor for e in entries if e.transaction_code in CREDIT_TRANSACTION_CODES)
    batch_hash = entry_hash([e.routing for e in entries])
    checks = {
        "Service Class Code": (control[1:4], service_class),
        "Entry/Addenda Count": (
            reader.number(line, control, 5, 10, "Entry/Addenda Count"),
            sum(len(e.addenda) + 1 for e in entries),
        ),
        "Entry Hash": (reader.number(line, control, 11, 20, "Entry Hash"), batch_hash),
        "Total Debit Entry Dollar Amount": (reader.number(line, control, 21, 32, "Total Debit"), debits),
        "Total Credit Entry Dollar Amount": (reader.number(line, control, 33, 44, "Total Credit"), credits),
        "Batch Number": (reader.number(line, control, 88, 94, "Batch Number"), batch_number),
    }
    for name, (written, counted) in checks.items():
        if written != counted:
            raise reader.refuse(line, f"Batch Control {name} is {written}, the batch gives {counted}")
    batch = ReadBatch(
        line=header_line,
        service_class=service_class,
        company_name=header[4:20].strip(),
        company_id=header[40:50].strip(),
        sec_code=header[50:53],
        entry_description=header[53:63].strip(),
        effective_date=reader.day(header_line, header, 70, "Effective Entry Date", blank_ok=True),
        batch_number=batch_number,
        entries=tuple(entries),
        debit_total_minor=debits,
        credit_total_minor=credits,
        entry_hash=batch_hash,
    )
    return batch, position + 1


def returns_read(text: str, *, file: str) -> ReturnFile:
    """The returns (addenda 99) and notifications of change (addenda 98) of a NACHA return file.

    Raises DebitFileRefused naming the line: an unreadable file, an entry that is neither, a return
    reason code the Rules do not have, a date of death on anything but R14 or R15.
    """
    read = file_read(text, file=file)
    reader = _Reader(text, file)
    returns: list[Return] = []
    notices: list[ChangeNotice] = []
    for batch in read.batches:
        for entry in batch.entries:
            if len(entry.addenda) != 1 or entry.addenda[0][:2] not in {"98", "99"}:
                raise reader.refuse(
                    entry.line, "a return entry carries one Addenda Record of type 99 (or 98 for a change)"
                )
            addenda, addenda_line = "7" + entry.addenda[0], entry.addenda_lines[0]
            original_trace = addenda[6:21]
            if not original_trace.isdigit():
                raise reader.refuse(
                    addenda_line, f"Original Entry Trace Number is not numeric: {original_trace!r}"
                )
            code = addenda[3:6]
            if addenda[1:3] == "98":
                notices.append(ChangeNotice(f"line {addenda_line}", code, original_trace, addenda[35:64]))
                continue
            if code not in RETURN_REASONS:
                raise reader.refuse(addenda_line, f"Return Reason Code {code!r} is not one of the Rules'")
            death = reader.day(addenda_line, addenda, 22, "Date of Death", blank_ok=True)
            if death is not None and code not in {"R14", "R15"}:
                raise reader.refuse(
                    addenda_line, f"a Date of Death is given only with R14 or R15, not {code}"
                )
            returns.append(
                Return(
                    location=f"line {addenda_line}",
                    code=code,
                    description=RETURN_REASONS[code],
                    original_trace=original_trace,
                    amount_minor=entry.amount_minor,
                    trace=entry.trace,
                    individual_id=entry.individual_id,
                    date_of_death=death,
                    information=addenda[35:79].strip(),
                )
            )
    return ReturnFile(tuple(returns), tuple(notices))
