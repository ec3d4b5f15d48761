from datetime import date

import pytest

from recoup.payments.statements.formats.ofx import parse_ofx
from recoup.payments.statements.parsed import Direction, ParsedLine, StatementFileRefused, StatementFormat

NOV_19 = date(2026, 11, 19)
NOV_20 = date(2026, 11, 20)
TRANSACTIONS = "STMTRS[1]/BANKTRANLIST/STMTTRN"


def test_an_ofx1_sgml_statement_gives_its_transactions(statement_file):
    parsed = parse_ofx(statement_file("ofx1_checking.ofx"), file_name="ofx1_checking.ofx")

    (statement,) = parsed.statements
    assert parsed.format is StatementFormat.OFX
    assert parsed.file_id == "5550123456:2026-11-19:2026-11-19"
    assert (statement.account_id, statement.currency, statement.statement_date) == (
        "5550123456",
        "USD",
        NOV_19,
    )
    assert (statement.opening_balance_minor, statement.closing_balance_minor) == (None, 2_481_050)
    assert statement.lines == (
        ParsedLine(
            location=f"{TRANSACTIONS}[1]",
            booking_date=NOV_19,
            value_date=None,
            direction=Direction.CREDIT,
            amount_minor=45000,
            currency="USD",
            bank_reference="20261119-0001",
            remittance="AUTO LOAN PMT 2000001234",
            payer_name="JOHN SMITH",
            type_code="DIRECTDEP",
        ),
        ParsedLine(
            location=f"{TRANSACTIONS}[2]",
            booking_date=NOV_19,
            value_date=NOV_20,
            direction=Direction.CREDIT,
            amount_minor=38750,
            currency="USD",
            bank_reference="20261119-0002",
            remittance="ACCT 2000001457 NOV INSTALLMENT",
            payer_name="MARIA GARCIA",
            type_code="CREDIT",
        ),
        ParsedLine(
            location=f"{TRANSACTIONS}[3]",
            booking_date=NOV_19,
            value_date=None,
            direction=Direction.DEBIT,
            amount_minor=41200,
            currency="USD",
            bank_reference="20261119-0003",
            remittance="R01 INSUFFICIENT FUNDS 2000000987",
            payer_name="ACH RETURN ANGELA BROWN",
            type_code="DEBIT",
            return_code="R01",
        ),
        ParsedLine(
            location=f"{TRANSACTIONS}[4]",
            booking_date=NOV_19,
            value_date=None,
            direction=Direction.DEBIT,
            amount_minor=1500,
            currency="USD",
            bank_reference="20261119-0004",
            payer_name="RETURNED ITEM FEE",
            type_code="SRVCHG",
        ),
    )


def test_an_ofx2_xml_statement_gives_its_transactions_and_an_overdrawn_ledger_balance(statement_file):
    parsed = parse_ofx(statement_file("ofx2_savings.ofx"), file_name="ofx2_savings.ofx")

    (statement,) = parsed.statements
    assert parsed.file_id == "41295577:2026-11-20:2026-11-20"
    assert (statement.currency, statement.closing_balance_minor) == ("GBP", -125040)
    assert [
        (line.direction, line.amount_minor, line.payer_name, line.remittance, line.return_code)
        for line in statement.lines
    ] == [
        (Direction.CREDIT, 32000, "AISHA KHAN", "2000003110 NOV", ""),
        (Direction.DEBIT, 27500, "DAVID O'BRIEN", "UNPAID DD ARUDD 0 REFER TO PAYER 2000002001", "0"),
        (Direction.DEBIT, 800, "UNPAID ITEM CHARGE", "", ""),
    ]
    assert [line.bank_reference for line in statement.lines] == [
        "FP261120000101",
        "AR261120000007",
        "CH261120000001",
    ]


@pytest.mark.parametrize(
    ("name", "location", "reason"),
    [
        ("ofx1_bad_amount.ofx", f"{TRANSACTIONS}[3]/TRNAMT", "'-412.0.0' is not an amount"),
        ("ofx1_truncated.ofx", "line 57", "ends without </OFX>"),
        ("ofx2_wrong_date.ofx", f"{TRANSACTIONS}[1]/DTPOSTED", "'20261131' is not a date"),
    ],
)
def test_a_broken_ofx_file_is_refused_naming_the_element(statement_file, name, location, reason):
    with pytest.raises(StatementFileRefused) as refused:
        parse_ofx(statement_file(name), file_name=name)

    assert refused.value.file == name
    assert refused.value.location == location
    assert reason in refused.value.reason


def test_a_transaction_without_its_fitid_is_refused(statement_file):
    data = (
        statement_file("ofx1_checking.ofx")
        .replace(b"<FITID>20261119-0002\r\n", b"")
        .replace(b"<FITID>20261119-0002\n", b"")
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse_ofx(data, file_name="nofitid.ofx")

    assert refused.value.location == f"{TRANSACTIONS}[2]/FITID"


def test_what_the_ofx_specification_forbids_is_refused_by_ofxtools(statement_file):
    data = statement_file("ofx2_savings.ofx").replace(b"<TRNTYPE>FEE</TRNTYPE>", b"<TRNTYPE>CHARGE</TRNTYPE>")

    with pytest.raises(StatementFileRefused) as refused:
        parse_ofx(data, file_name="trntype.ofx")

    assert "does not follow the OFX specification" in refused.value.reason
    assert refused.value.location == "STMTTRN/TRNTYPE"


@pytest.mark.parametrize("name", ["ofx1_checking.ofx", "ofx2_savings.ofx"])
def test_a_byte_order_mark_before_the_header_is_ignored(statement_file, name):
    data = statement_file(name)

    assert parse_ofx(b"\xef\xbb\xbf" + data, file_name=name) == parse_ofx(data, file_name=name)


def test_a_damaged_header_is_refused_in_one_line():
    with pytest.raises(StatementFileRefused) as refused:
        parse_ofx(b"OFXHEADER:999\nDATA:OFXSGML\n<OFX></OFX>", file_name="bad.ofx")

    assert refused.value.location == "line 1"
    assert refused.value.reason.startswith("the OFX header cannot be read (")
    assert "\n" not in refused.value.reason


def test_broken_markup_is_refused_naming_its_line(statement_file):
    data = statement_file("ofx1_checking.ofx").replace(
        b"</STMTTRN>\n<STMTTRN>\n<TRNTYPE>DEBIT", b"</STMTTRN>\n</STMTTRN>\n<TRNTYPE>DEBIT"
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse_ofx(data, file_name="markup.ofx")

    assert refused.value.location == "line 60"
    assert refused.value.reason.startswith("the OFX markup cannot be read")


def test_what_the_specification_requires_is_named_by_element(statement_file):
    data = statement_file("ofx1_checking.ofx").replace(
        b"<SEVERITY>INFO\n</STATUS>\n<DTSERVER>", b"</STATUS>\n<DTSERVER>"
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse_ofx(data, file_name="severity.ofx")

    assert refused.value.location == "STATUS/SEVERITY"
