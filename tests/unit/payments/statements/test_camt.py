import re
from datetime import date

import pytest

from recoup.payments.statements.formats.camt import parse_camt
from recoup.payments.statements.parsed import Direction, ParsedLine, StatementFileRefused, StatementFormat

NOV_19 = date(2026, 11, 19)


def gbp(location: str, direction: Direction, amount_minor: int, **details: str) -> ParsedLine:
    return ParsedLine(
        location=location,
        booking_date=NOV_19,
        value_date=NOV_19,
        direction=direction,
        amount_minor=amount_minor,
        currency="GBP",
        **details,
    )


def test_a_camt053_statement_gives_one_line_per_entry_and_per_batched_payment(statement_file):
    parsed = parse_camt(statement_file("camt053_two_accounts.xml"), file_name="camt053_two_accounts.xml")

    collections = parsed.statements[0]
    assert parsed.format is StatementFormat.CAMT053
    assert parsed.file_id == "BARCGB22-STMT-20261120-0001"
    assert (collections.statement_id, collections.account_id, collections.currency) == (
        "20261119-GB29BARC20000012345678",
        "GB29BARC20000012345678",
        "GBP",
    )
    assert collections.statement_date == NOV_19
    assert (collections.opening_balance_minor, collections.closing_balance_minor) == (1_500_000, 1_582_490)
    assert collections.lines == (
        gbp(
            "Stmt[1]/Ntry[1]",
            Direction.CREDIT,
            25000,
            bank_reference="FPS261119A00017",
            customer_reference="STO-THOMPSON-NOV",
            remittance="AGREEMENT 2000001234",
            payer_name="MRS SARAH THOMPSON",
            type_code="PMNT/RCDT/DMCT",
        ),
        gbp(
            "Stmt[1]/Ntry[2]/NtryDtls[1]/TxDtls[1]",
            Direction.CREDIT,
            18999,
            bank_reference="BACS261119DDC",
            customer_reference="DD-2000001457-1119",
            remittance="RECOUP 2000001457",
            payer_name="JAMES PATEL",
            type_code="PMNT/RDDT/PMDD",
        ),
        gbp(
            "Stmt[1]/Ntry[2]/NtryDtls[1]/TxDtls[2]",
            Direction.CREDIT,
            31240,
            bank_reference="BACS261119DDC",
            customer_reference="DD-2000001890-1119",
            remittance="2000001890",
            payer_name="EMMA WILSON",
            type_code="PMNT/RDDT/PMDD",
        ),
        gbp(
            "Stmt[1]/Ntry[2]/NtryDtls[1]/TxDtls[3]",
            Direction.CREDIT,
            27500,
            bank_reference="BACS261119DDC",
            customer_reference="DD-2000002001-1119",
            remittance="RECOUP 2000002001",
            payer_name="DAVID O'BRIEN",
            type_code="PMNT/RDDT/PMDD",
        ),
        gbp(
            "Stmt[1]/Ntry[3]",
            Direction.DEBIT,
            18999,
            bank_reference="ARUDD261119R01",
            customer_reference="DD-2000001457-1112",
            remittance="RECOUP 2000001457",
            payer_name="JAMES PATEL",
            type_code="PMNT/RDDT/UPDD",
            return_code="AC04",
        ),
        gbp(
            "Stmt[1]/Ntry[4]",
            Direction.DEBIT,
            1250,
            bank_reference="CHG261119",
            remittance="UNPAID DIRECT DEBIT FEE",
            type_code="ACMT/MDOP/CHRG",
        ),
    )


def test_the_second_account_of_a_camt053_file_is_its_own_statement(statement_file):
    parsed = parse_camt(statement_file("camt053_two_accounts.xml"), file_name="camt053_two_accounts.xml")

    arrears = parsed.statements[1]
    assert len(parsed.statements) == 2
    assert arrears.account_id == "GB94BARC20000087654321"
    assert (arrears.opening_balance_minor, arrears.closing_balance_minor) == (0, 45000)
    assert arrears.lines == (
        ParsedLine(
            location="Stmt[2]/Ntry[1]",
            booking_date=NOV_19,
            value_date=date(2026, 11, 20),
            direction=Direction.CREDIT,
            amount_minor=45000,
            currency="GBP",
            bank_reference="FPS261119B00342",
            remittance="2000002345 ARREARS",
            payer_name="ROBERT JOHNSON",
            type_code="PMNT/RCDT/DMCT",
        ),
    )


def test_a_camt054_notification_splits_per_transaction_and_leaves_pending_entries_out(statement_file):
    parsed = parse_camt(statement_file("camt054_notification.xml"), file_name="camt054_notification.xml")

    notification = parsed.statements[0]
    assert parsed.format is StatementFormat.CAMT054
    assert parsed.file_id == "LOYDGB2L-NTF-20261121-0042"
    assert notification.account_id == "30-94-77 41295577"
    assert (notification.opening_balance_minor, notification.closing_balance_minor) == (None, None)
    assert [
        (line.location, line.amount_minor, line.payer_name, line.remittance) for line in notification.lines
    ] == [
        ("Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]", 32000, "AISHA KHAN", "2000003110"),
        ("Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls[2]", 20000, "PETER HUGHES", "HP AGREEMENT 2000003254"),
    ]
    assert notification.lines[0].customer_reference == "PAY-2000003110"
    assert notification.lines[1].customer_reference == ""


@pytest.mark.parametrize(
    ("name", "location", "reason"),
    [
        ("camt053_bad_control_total.xml", "Stmt[1]/TxsSummry/TtlCdtNtries/Sum", "Sum says 1027.93"),
        ("camt053_bad_balance.xml", "Stmt[1]/Bal[2]/Amt", "not the closing balance 1584290"),
        ("camt053_bad_amount.xml", "Stmt[1]/Ntry[2]/NtryDtls[1]/TxDtls[2]/AmtDtls/TxAmt/Amt", "'312,40'"),
        ("camt053_wrong_date.xml", "Stmt[1]/Ntry[3]/BookgDt/Dt", "'2026-11-31' is not a date"),
        ("camt053_truncated.xml", "line 61, column 1", "not well-formed XML"),
    ],
)
def test_a_broken_camt_file_is_refused_naming_the_element(statement_file, name, location, reason):
    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(statement_file(name), file_name=name)

    assert refused.value.file == name
    assert refused.value.location == location
    assert reason in refused.value.reason
    assert str(refused.value).startswith(f"{name}, {location}: ")


def test_batched_transactions_that_do_not_add_up_to_their_entry_are_refused(statement_file):
    data = statement_file("camt053_two_accounts.xml").replace(b">275.00<", b">275.01<")

    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(data, file_name="batch.xml")

    assert refused.value.location == "Stmt[1]/Ntry[2]/Amt"


def test_an_entry_in_another_currency_than_its_statement_is_refused(statement_file):
    data = statement_file("camt053_two_accounts.xml").replace(
        b'<Amt Ccy="GBP">250.00', b'<Amt Ccy="EUR">250.00'
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(data, file_name="ccy.xml")

    assert refused.value.location == "Stmt[1]/Ntry[1]/Amt"


def test_an_amount_with_more_decimals_than_the_currency_is_refused_not_rounded(statement_file):
    data = statement_file("camt053_two_accounts.xml").replace(b">12.50<", b">12.505<")

    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(data, file_name="decimals.xml")

    assert refused.value.location == "Stmt[1]/Ntry[4]/Amt"
    assert "more than 2 decimal places" in refused.value.reason


def test_an_xml_document_of_another_kind_is_refused():
    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>', file_name="pain.xml"
        )

    assert "not a camt.053/camt.054 document" in refused.value.reason


def test_entity_expansion_is_refused_rather_than_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&b;</Document>'
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(bomb, file_name="bomb.xml")

    assert "unsafe XML" in refused.value.reason


def test_a_namespace_prefix_on_every_element_reads_the_same(statement_file):
    plain = statement_file("camt054_notification.xml")
    prefixed = re.sub(rb"<(/?)(?=[A-Za-z])", rb"<\1c:", plain).replace(
        b"<c:Document xmlns=", b"<c:Document xmlns:c="
    )

    assert parse_camt(prefixed, file_name="prefixed.xml") == parse_camt(plain, file_name="plain.xml")


def test_a_statement_with_no_currency_anywhere_is_refused():
    data = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt>'
        b"<GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id><CreDtTm>2026-11-20T06:00:00</CreDtTm>"
        b"<Acct><Id><IBAN>GB29BARC20000012345678</IBAN></Id></Acct></Stmt></BkToCstmrStmt></Document>"
    )

    with pytest.raises(StatementFileRefused) as refused:
        parse_camt(data, file_name="noccy.xml")

    assert refused.value.location == "Stmt[1]/Acct/Ccy"


def test_an_xml_declaration_with_an_unknown_encoding_is_refused(statement_file):
    data = statement_file("camt054_notification.xml").replace(b'encoding="UTF-8"', b'encoding="UF-8"', 1)
    assert b'encoding="UF-8"' in data

    with pytest.raises(StatementFileRefused, match="encoding is unknown"):
        parse_camt(data, file_name="camt054_notification.xml")
