"""Statements a test can import, written as a bank would send them, one line at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    StatementFormat,
)

AT = datetime(2024, 3, 6, 9, 0, tzinfo=UTC)


def credit(amount_minor: int, **changes: object) -> ParsedLine:
    values: dict[str, object] = {
        "location": "Stmt[1]/Ntry[1]",
        "booking_date": date(2024, 3, 5),
        "value_date": date(2024, 3, 5),
        "direction": Direction.CREDIT,
        "amount_minor": amount_minor,
        "currency": "USD",
        **changes,
    }
    return ParsedLine(**values)  # type: ignore[arg-type]


def debit(amount_minor: int, **changes: object) -> ParsedLine:
    return credit(amount_minor, direction=Direction.DEBIT, **changes)


def statement_file(
    *lines: ParsedLine,
    statement_id: str = "STMT-2024-03-05",
    account_id: str = "US33000000001234",
    statement_date: date = date(2024, 3, 5),
    currency: str = "USD",
) -> ParsedFile:
    numbered = tuple(
        ParsedLine(**{**_fields(line), "location": f"Stmt[1]/Ntry[{n}]"})
        for n, line in enumerate(lines, start=1)
    )
    return ParsedFile(
        format=StatementFormat.CAMT053,
        file_id=f"MSG-{statement_id}",
        statements=(
            ParsedStatement(
                statement_id=statement_id,
                account_id=account_id,
                currency=currency,
                statement_date=statement_date,
                lines=numbered,
            ),
        ),
    )


def file_bytes(parsed: ParsedFile) -> bytes:
    """Stand-in bytes for a parsed file: the same statements always give the same bytes."""
    return repr(parsed).encode()


def _fields(line: ParsedLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in ParsedLine.__slots__}


def camt053(
    *entries: ParsedLine,
    statement_id: str = "STMT-2024-03-05",
    iban: str = "GB29NWBK60161331926819",
    currency: str = "USD",
    statement_date: date = date(2024, 3, 5),
    opening_minor: int = 1_000_000,
) -> bytes:
    """A camt.053.001.02 file of one statement with these entries, its control totals and balances right."""
    credits = [e.amount_minor for e in entries if e.direction == Direction.CREDIT]
    debits = [e.amount_minor for e in entries if e.direction == Direction.DEBIT]
    closing = opening_minor + sum(credits) - sum(debits)
    day = statement_date.isoformat()
    body = "".join(_entry(e, currency) for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt>
<GrpHdr><MsgId>MSG-{statement_id}</MsgId><CreDtTm>{day}T06:00:00+00:00</CreDtTm></GrpHdr>
<Stmt>
<Id>{statement_id}</Id><CreDtTm>{day}T06:00:00+00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{currency}</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">{_decimal(opening_minor)}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">{_decimal(closing)}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
<TxsSummry>
<TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries><Sum>{_decimal(sum(credits))}</Sum></TtlCdtNtries>
<TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries><Sum>{_decimal(sum(debits))}</Sum></TtlDbtNtries>
</TxsSummry>
{body}</Stmt>
</BkToCstmrStmt>
</Document>
""".encode()


def _entry(line: ParsedLine, currency: str) -> str:
    indicator = "CRDT" if line.direction == Direction.CREDIT else "DBIT"
    parts = []
    if line.customer_reference:
        parts.append(f"<Refs><EndToEndId>{line.customer_reference}</EndToEndId></Refs>")
    if line.payer_name:
        parts.append(f"<RltdPties><Dbtr><Nm>{line.payer_name}</Nm></Dbtr></RltdPties>")
    if line.remittance:
        parts.append(f"<RmtInf><Ustrd>{line.remittance}</Ustrd></RmtInf>")
    if line.return_code:
        parts.append(f"<RtrInf><Rsn><Cd>{line.return_code}</Cd></Rsn></RtrInf>")
    details = f"<NtryDtls><TxDtls>{''.join(parts)}</TxDtls></NtryDtls>" if parts else ""
    return (
        f'<Ntry><Amt Ccy="{currency}">{_decimal(line.amount_minor)}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{line.booking_date.isoformat()}</Dt></BookgDt>"
        f"<AcctSvcrRef>{line.bank_reference}</AcctSvcrRef>{details}</Ntry>\n"
    )


def _decimal(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"
