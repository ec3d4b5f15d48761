from datetime import date

import pytest

from recoup.payments.statements.formats.mt940 import parse_mt940
from recoup.payments.statements.parsed import Direction, ParsedLine, StatementFileRefused, StatementFormat

NOV_19 = date(2026, 11, 19)


def gbp(line: int, type_code: str, direction: Direction, amount_minor: int, **details: str) -> ParsedLine:
    return ParsedLine(
        location=f"line {line}",
        booking_date=NOV_19,
        value_date=NOV_19,
        direction=direction,
        amount_minor=amount_minor,
        currency="GBP",
        type_code=type_code,
        **details,
    )


def test_an_mt940_statement_gives_its_movements_with_their_structured_details(statement_file):
    parsed = parse_mt940(statement_file("mt940_statement.sta"), file_name="mt940_statement.sta")

    (statement,) = parsed.statements
    assert parsed.format is StatementFormat.MT940
    assert parsed.file_id == "STMT261119001/00322/001"
    assert (statement.statement_id, statement.account_id, statement.currency, statement.statement_date) == (
        "STMT261119001/00322/001",
        "40-11-62/71234567",
        "GBP",
        NOV_19,
    )
    assert (statement.opening_balance_minor, statement.closing_balance_minor) == (842150, 897140)
    assert statement.lines == (
        gbp(
            6,
            "NTRF",
            Direction.CREDIT,
            25000,
            bank_reference="FPS261119A00017",
            customer_reference="STO-THOMPSON-NOV",
            remittance="AGREEMENT 2000001234",
            payer_name="MRS SARAH THOMPSON",
        ),
        gbp(
            9,
            "NDDT",
            Direction.CREDIT,
            18999,
            bank_reference="BACS261119DDC",
            customer_reference="DD-2000001457",
            remittance="DIRECT DEBIT JAMES PATEL RECOUP 2000001457",
        ),
        gbp(
            11,
            "NTRF",
            Direction.CREDIT,
            31240,
            bank_reference="FPS261119A00233",
            remittance="RECOUP 2000001890",
            payer_name="EMMA WILSON",
        ),
        gbp(
            13,
            "NRTI",
            Direction.DEBIT,
            18999,
            bank_reference="ARUDD261119R01",
            customer_reference="DD-2000001457-1112",
            remittance="RECOUP 2000001457 ACCOUNT CLOSED",
            payer_name="JAMES PATEL",
            return_code="AC04",
        ),
        gbp(
            17,
            "NCHG",
            Direction.DEBIT,
            1250,
            bank_reference="CHG261119",
            remittance="UNPAID DIRECT DEBIT FEE",
        ),
    )


@pytest.mark.parametrize(
    ("name", "location", "reason"),
    [
        ("mt940_bad_balance.sta", "line 19", "not the closing balance 891740"),
        ("mt940_bad_amount.sta", "line 11", "field :61: cannot be read"),
        ("mt940_truncated.sta", "line 15", "without its :62F: closing balance"),
        ("mt940_wrong_date.sta", "line 17", "month must be in 1..12"),
    ],
)
def test_a_broken_mt940_file_is_refused_naming_the_line(statement_file, name, location, reason):
    with pytest.raises(StatementFileRefused) as refused:
        parse_mt940(statement_file(name), file_name=name)

    assert refused.value.file == name
    assert refused.value.location == location
    assert reason in refused.value.reason


def test_each_20_starts_a_statement_of_its_own(statement_file):
    one = statement_file("mt940_statement.sta")
    second = (
        b":20:STMT261120001\n:25:40-11-62/71234567\n:28C:00323/001\n:60F:C261119GBP8971,40\n"
        b":61:2611201120C100,NTRFNONREF//FPS261120A00001\n:86:/NAME/KEVIN LEE/REMI/2000003377\n"
        b":62F:C261120GBP9071,40\n-}\n"
    )

    parsed = parse_mt940(one + b"{1:F01RECOGB2LAXXX0000000000}{2:O940}{4:\n" + second, file_name="two.sta")

    assert [s.statement_id for s in parsed.statements] == [
        "STMT261119001/00322/001",
        "STMT261120001/00323/001",
    ]
    assert parsed.file_id == "STMT261119001/00322/001"
    assert parsed.statements[1].lines[0].location == "line 27"
    assert (parsed.statements[1].lines[0].amount_minor, parsed.statements[1].lines[0].payer_name) == (
        10000,
        "KEVIN LEE",
    )


def test_a_reversed_credit_moves_money_out(statement_file):
    data = statement_file("mt940_statement.sta").replace(b"D12,50NCHG", b"RC12,50NCHG")

    parsed = parse_mt940(data, file_name="rc.sta")

    assert parsed.lines[-1].direction is Direction.DEBIT


def test_a_debit_opening_balance_is_negative():
    data = (
        b":20:OD1\n:25:ACC\n:28C:1/1\n:60F:D261118GBP100,00\n:61:2611191119C250,00NTRFNONREF//X1\n"
        b":86:2000001234\n:62F:C261119GBP150,00\n"
    )

    parsed = parse_mt940(data, file_name="od.sta")

    assert (parsed.statements[0].opening_balance_minor, parsed.statements[0].closing_balance_minor) == (
        -10000,
        15000,
    )


def test_swift_envelope_trailers_are_skipped(statement_file):
    data = statement_file("mt940_statement.sta").replace(b"-}\n", b"-}{5:{CHK:4F2A9C7D01B3}}\n")

    parsed = parse_mt940(data, file_name="enveloped.sta")

    assert len(parsed.lines) == 5


def test_a_line_outside_any_field_is_refused_naming_it():
    with pytest.raises(StatementFileRefused) as refused:
        parse_mt940(
            b"HEADER OF SOME EXPORT\n:20:X\n:60F:C261118GBP1,00\n:62F:C261118GBP1,00\n", file_name="h.sta"
        )

    assert refused.value.location == "line 1"
