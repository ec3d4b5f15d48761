"""Properties of the parsers over generated files: any amounts come back exact, and totals that a
writer computed always check while any other total is refused."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recoup.payments.statements.formats import parse
from recoup.payments.statements.formats.csv_mapped import CsvMapping
from recoup.payments.statements.parsed import Direction, StatementFileRefused, StatementFormat

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "statements"
MINOR = st.integers(min_value=1, max_value=10**13)
MOVEMENTS = st.lists(st.tuples(st.sampled_from([Direction.CREDIT, Direction.DEBIT]), MINOR), max_size=12)


def as_decimal(minor: int, separator: str = ".") -> str:
    return f"{minor // 100}{separator}{minor % 100:02d}"


@given(
    amounts=st.lists(st.integers(min_value=-(10**13), max_value=10**13).filter(bool), min_size=1, max_size=20)
)
def test_csv_amounts_written_then_parsed_come_back_exact(amounts):
    mapping = CsvMapping(name="p", date="Date", date_format="%Y-%m-%d", amount="Amount", fixed_currency="USD")
    rows = [f"2026-11-19,{'-' if a < 0 else ''}{as_decimal(abs(a))}" for a in amounts]
    data = ("Date,Amount\n" + "\n".join(rows) + "\n").encode()

    parsed = parse(data, file_name="p.csv", mapping=mapping)

    signed = [
        line.amount_minor if line.direction is Direction.CREDIT else -line.amount_minor
        for line in parsed.lines
    ]
    assert signed == amounts


def bai2_file(accounts: list[list[tuple[Direction, int]]], *, opening: int) -> str:
    records = [
        "01,121000248,RECOUPAUTO,261120,0615,FILE1,,,2/",
        "02,RECOUPAUTO,121000248,1,261119,2400,USD,2/",
    ]
    group_total = 0
    group_records = 1
    for number, movements in enumerate(accounts):
        account_records = [f"03,40000000{number:02d},USD,010,{opening},,/"]
        total = opening
        for direction, amount in movements:
            code = "165" if direction is Direction.CREDIT else "555"
            account_records.append(f"16,{code},{amount},0,REF{len(account_records)},,PAYMENT 2000001234")
            total += amount
        account_records.append(f"49,{total},{len(account_records) + 1}/")
        records += account_records
        group_total += total
        group_records += len(account_records)
    records.append(f"98,{group_total},{len(accounts)},{group_records + 1}/")
    records.append(f"99,{group_total},1,{len(records) + 1}/")
    return "\n".join(records) + "\n"


@settings(max_examples=60)
@given(accounts=st.lists(MOVEMENTS, min_size=1, max_size=4), opening=st.integers(-(10**12), 10**12))
def test_a_generated_bai2_file_round_trips_and_its_totals_check(accounts, opening):
    parsed = parse(bai2_file(accounts, opening=opening).encode(), file_name="gen.bai")

    assert parsed.format is StatementFormat.BAI2
    assert [[(line.direction, line.amount_minor) for line in s.lines] for s in parsed.statements] == accounts
    assert all(s.opening_balance_minor == opening for s in parsed.statements)


@settings(max_examples=40)
@given(accounts=st.lists(MOVEMENTS, min_size=1, max_size=3), error=st.integers(-1000, 1000).filter(bool))
def test_a_generated_bai2_file_with_any_other_file_total_is_refused(accounts, error):
    text = bai2_file(accounts, opening=0)
    lines = text.splitlines()
    fields = lines[-1].split(",")
    lines[-1] = ",".join([fields[0], str(int(fields[1]) + error), *fields[2:]])

    with pytest.raises(StatementFileRefused) as refused:
        parse("\n".join(lines).encode(), file_name="gen.bai")

    assert refused.value.location == f"line {len(lines)}"
    assert "file control total" in refused.value.reason


def camt_file(version: int, movements: list[tuple[Direction, int]], *, opening: int, message: str) -> str:
    ns = f"urn:iso:std:iso:20022:tech:xsd:{message}.001.{version:02d}"
    credits = [a for d, a in movements if d is Direction.CREDIT]
    debits = [a for d, a in movements if d is Direction.DEBIT]
    closing = opening + sum(credits) - sum(debits)

    def balance(code: str, minor: int) -> str:
        indicator = "CRDT" if minor >= 0 else "DBIT"
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f"<Amt Ccy='EUR'>{as_decimal(abs(minor))}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2026-11-19</Dt></Dt></Bal>"
        )

    entries = "".join(
        f"<Ntry><Amt Ccy='EUR'>{as_decimal(a)}</Amt><CdtDbtInd>{'CRDT' if d is Direction.CREDIT else 'DBIT'}"
        f"</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-19</Dt></BookgDt><AcctSvcrRef>R{i}</AcctSvcrRef></Ntry>"
        for i, (d, a) in enumerate(movements)
    )
    summary = (
        f"<TxsSummry><TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries><Sum>{as_decimal(sum(credits))}</Sum>"
        f"</TtlCdtNtries><TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries><Sum>{as_decimal(sum(debits))}</Sum>"
        "</TtlDbtNtries></TxsSummry>"
    )
    root, statement = (
        ("BkToCstmrStmt", "Stmt") if message == "camt.053" else ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
    )
    return (
        f"<?xml version='1.0'?><Document xmlns='{ns}'><{root}><GrpHdr><MsgId>GEN-{version}</MsgId>"
        f"<CreDtTm>2026-11-20T06:00:00</CreDtTm></GrpHdr><{statement}><Id>S1</Id>"
        "<CreDtTm>2026-11-20T06:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
        f"{balance('OPBD', opening)}{balance('CLBD', closing)}{summary}{entries}"
        f"</{statement}></{root}></Document>"
    )


@settings(max_examples=60)
@given(
    version=st.integers(2, 8),
    message=st.sampled_from(["camt.053", "camt.054"]),
    movements=MOVEMENTS,
    opening=st.integers(-(10**12), 10**12),
)
def test_a_generated_camt_file_of_any_version_round_trips_and_its_totals_check(
    version, message, movements, opening
):
    parsed = parse(
        camt_file(version, movements, opening=opening, message=message).encode(), file_name="gen.xml"
    )

    assert parsed.format is (StatementFormat.CAMT053 if message == "camt.053" else StatementFormat.CAMT054)
    assert parsed.file_id == f"GEN-{version}"
    assert [(line.direction, line.amount_minor) for line in parsed.lines] == movements
    assert all(line.booking_date == date(2026, 11, 19) for line in parsed.lines)
    assert parsed.statements[0].opening_balance_minor == opening


@settings(max_examples=40)
@given(
    movements=MOVEMENTS.filter(lambda m: any(d is Direction.CREDIT for d, _ in m)),
    error=st.integers(1, 10**6),
)
def test_a_generated_camt_file_whose_credit_sum_is_off_is_refused(movements, error):
    credits = sum(a for d, a in movements if d is Direction.CREDIT)
    text = camt_file(2, movements, opening=0, message="camt.053").replace(
        f"<Sum>{as_decimal(credits)}</Sum>", f"<Sum>{as_decimal(credits + error)}</Sum>", 1
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse(text.encode(), file_name="gen.xml")

    assert refused.value.location == "Stmt[1]/TxsSummry/TtlCdtNtries/Sum"


@settings(max_examples=40)
@given(movements=MOVEMENTS, opening=st.integers(0, 10**12))
def test_a_generated_mt940_statement_round_trips_with_decimal_commas(movements, opening):
    closing = opening + sum(a if d is Direction.CREDIT else -a for d, a in movements)
    body = "".join(
        f":61:2611191119{'C' if d is Direction.CREDIT else 'D'}{as_decimal(a, ',')}NTRFNONREF//B{i}\n"
        ":86:2000001234\n"
        for i, (d, a) in enumerate(movements)
    )
    text = (
        f":20:GEN\n:25:ACC\n:28C:1/1\n:60F:C261118GBP{as_decimal(opening, ',')}\n{body}"
        f":62F:{'C' if closing >= 0 else 'D'}261119GBP{as_decimal(abs(closing), ',')}\n"
    )

    parsed = parse(text.encode(), file_name="gen.sta")

    assert [(line.direction, line.amount_minor) for line in parsed.lines] == movements
    assert parsed.statements[0].closing_balance_minor == closing


OFX1_HEADER = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
)
OFX2_HEADER = (
    '<?xml version="1.0"?>\n'
    '<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
)


def ofx_file(amounts: list[int], *, sgml: bool) -> str:
    def element(name: str, value: str) -> str:
        # OFX 1 (SGML) leaves data elements unclosed; OFX 2 is XML.
        return f"<{name}>{value}\n" if sgml else f"<{name}>{value}</{name}>"

    def signed(minor: int) -> str:
        return f"{'-' if minor < 0 else ''}{as_decimal(abs(minor))}"

    status = f"<STATUS>{element('CODE', '0')}{element('SEVERITY', 'INFO')}</STATUS>"
    transactions = "".join(
        f"<STMTTRN>{element('TRNTYPE', 'CREDIT' if a > 0 else 'DEBIT')}{element('DTPOSTED', '20261119')}"
        f"{element('TRNAMT', signed(a))}{element('FITID', f'F{i}')}</STMTTRN>"
        for i, a in enumerate(amounts)
    )
    return (
        (OFX1_HEADER if sgml else OFX2_HEADER)
        + f"<OFX><SIGNONMSGSRSV1><SONRS>{status}{element('DTSERVER', '20261120')}{element('LANGUAGE', 'ENG')}"
        + f"</SONRS></SIGNONMSGSRSV1><BANKMSGSRSV1><STMTTRNRS>{element('TRNUID', '1')}{status}<STMTRS>"
        + f"{element('CURDEF', 'USD')}<BANKACCTFROM>{element('BANKID', '071000013')}"
        + f"{element('ACCTID', '5550123456')}{element('ACCTTYPE', 'CHECKING')}</BANKACCTFROM>"
        + f"<BANKTRANLIST>{element('DTSTART', '20261119')}{element('DTEND', '20261119')}{transactions}"
        + f"</BANKTRANLIST><LEDGERBAL>{element('BALAMT', signed(sum(amounts)))}"
        + f"{element('DTASOF', '20261119')}</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>"
    )


@settings(max_examples=40)
@given(amounts=st.lists(st.integers(-(10**12), 10**12).filter(bool), max_size=12), sgml=st.booleans())
def test_generated_ofx_amounts_of_either_version_come_back_exact(amounts, sgml):
    parsed = parse(ofx_file(amounts, sgml=sgml).encode(), file_name="gen.ofx")

    back = [
        line.amount_minor if line.direction is Direction.CREDIT else -line.amount_minor
        for line in parsed.lines
    ]
    assert back == amounts
    assert parsed.statements[0].closing_balance_minor == sum(amounts)


GOOD_FILES = {
    "bai2_two_accounts.bai": None,
    "camt053_two_accounts.xml": None,
    "camt054_notification.xml": None,
    "mt940_statement.sta": None,
    "ofx1_checking.ofx": None,
    "ofx2_savings.ofx": None,
    "csv_processor_export.csv": CsvMapping(
        name="export",
        date="Posted Date",
        date_format="%d/%m/%Y",
        credit="Paid In",
        debit="Paid Out",
        remittance="Description",
        fixed_currency="GBP",
        thousands_separator=",",
    ),
}


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(GOOD_FILES)),
    cut=st.floats(0, 1),
    at=st.floats(0, 1),
    inserted=st.binary(max_size=6).filter(lambda b: b"\r" not in b)
    | st.sampled_from([b"", b",", b"<", b"/", b":"]),
    removed=st.integers(0, 12),
)
def test_a_damaged_file_is_read_or_refused_never_crashes(name, cut, at, inserted, removed):
    data = (FIXTURES / name).read_bytes()
    data = data[: max(1, int(len(data) * (0.5 + cut / 2)))]
    place = int(len(data) * at)
    damaged = data[:place] + inserted + data[place + removed :]

    refusal = None
    try:
        parse(damaged, file_name=name, mapping=GOOD_FILES[name])
    except StatementFileRefused as refused:
        refusal = refused

    assert refusal is None or refusal.file == name
