"""Bank statement files read into a ParsedFile: BAI2, camt.053/camt.054, MT940, OFX and mapped CSV.

`parse` recognises the format when it is not given, and refuses a file it cannot read with a
StatementFileRefused naming the file and the line or element at fault. Pure: no Django, no clock.

The OFX and MT940 readers are imported when a file of theirs comes: ofxtools alone takes 0.2 s
to import, which every camt or BAI2 import would otherwise pay.
"""

from __future__ import annotations

import re

from recoup.payments.statements.formats.bai2 import parse_bai2
from recoup.payments.statements.formats.camt import namespace_of, parse_camt
from recoup.payments.statements.formats.csv_mapped import (
    CsvMapping,
    InvalidCsvMapping,
    SignConvention,
    parse_csv,
)
from recoup.payments.statements.parsed import ParsedFile, StatementFileRefused, StatementFormat

__all__ = ["CsvMapping", "InvalidCsvMapping", "SignConvention", "parse", "sniff"]

_HEAD = 8192
_CAMT = {"camt.053": StatementFormat.CAMT053, "camt.054": StatementFormat.CAMT054}


def sniff(data: bytes) -> StatementFormat | None:
    """The format a file's first bytes show, or None (a CSV is only read with its mapping)."""
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"01,"):
        return StatementFormat.BAI2
    message = namespace_of(head)
    if message is not None:
        return _CAMT[message]
    if b"OFXHEADER" in head or b"<OFX>" in head.upper():
        return StatementFormat.OFX
    text = head.decode("latin-1")
    if re.search(r"(?m)^:20:", text) and re.search(r"(?m)^:(61|60F|60M):", text):
        return StatementFormat.MT940
    return None


def parse(
    data: bytes,
    *,
    file_name: str,
    format: StatementFormat | None = None,
    mapping: CsvMapping | None = None,
) -> ParsedFile:
    """Read a statement file in `format`, else as CSV when a column mapping is given, else in the
    format its first bytes show.

    Raises StatementFileRefused: unknown format, or a file that fails its format's rules or totals.
    """
    # A column mapping says the file is a CSV export, even one whose first cells look like BAI2.
    chosen = format or (StatementFormat.CSV if mapping is not None else sniff(data))
    if chosen is None:
        raise StatementFileRefused(
            "the format is not recognised: BAI2, camt.053, camt.054, MT940 and OFX are read, "
            "and a CSV export with its column mapping",
            file=file_name,
        )
    try:
        parsed = _read(data, chosen, file_name=file_name, mapping=mapping)
    except StatementFileRefused:
        raise
    except (ValueError, LookupError, TypeError, AttributeError, ArithmeticError) as error:
        # A library tripping over a malformed file must still give a refusal, never a crash.
        raise StatementFileRefused(
            f"cannot be read as {chosen.value} ({type(error).__name__}: {error})", file=file_name
        ) from error
    if parsed.format is not chosen:
        raise StatementFileRefused(f"the file is {parsed.format.value}, not {chosen.value}", file=file_name)
    return parsed


def _read(data: bytes, chosen: StatementFormat, *, file_name: str, mapping: CsvMapping | None) -> ParsedFile:
    if chosen is StatementFormat.BAI2:
        return parse_bai2(data, file_name=file_name)
    if chosen in (StatementFormat.CAMT053, StatementFormat.CAMT054):
        return parse_camt(data, file_name=file_name)
    if chosen is StatementFormat.MT940:
        from recoup.payments.statements.formats.mt940 import parse_mt940

        return parse_mt940(data, file_name=file_name)
    if chosen is StatementFormat.OFX:
        from recoup.payments.statements.formats.ofx import parse_ofx

        return parse_ofx(data, file_name=file_name)
    if mapping is None:
        raise StatementFileRefused("a CSV file is read only with its column mapping", file=file_name)
    return parse_csv(data, file_name=file_name, mapping=mapping)
