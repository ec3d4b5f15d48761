from datetime import date

import pytest

from recoup.payments.statements.formats.bai2 import parse_bai2
from recoup.payments.statements.parsed import Direction, ParsedLine, StatementFileRefused, StatementFormat

NOV_19 = date(2026, 11, 19)


def usd(line: int, type_code: str, direction: Direction, amount_minor: int, **details) -> ParsedLine:
    return ParsedLine(
        location=f"line {line}",
        booking_date=NOV_19,
        value_date=details.pop("value_date", None),
        direction=direction,
        amount_minor=amount_minor,
        currency="USD",
        type_code=type_code,
        **details,
    )


def test_a_bai2_file_gives_each_account_as_a_statement_with_its_detail_lines(statement_file):
    parsed = parse_bai2(statement_file("bai2_two_accounts.bai"), file_name="bai2_two_accounts.bai")

    first, second = parsed.statements
    assert parsed.format is StatementFormat.BAI2
    assert parsed.file_id == "121000248:2611200001:2026-11-20"
    assert (first.statement_id, first.account_id, first.currency, first.statement_date) == (
        "4000123456:2026-11-19",
        "4000123456",
        "USD",
        NOV_19,
    )
    assert (first.opening_balance_minor, first.closing_balance_minor) == (8_450_000, 8_643_265)
    assert first.lines == (
        usd(
            4,
            "165",
            Direction.CREDIT,
            45000,
            bank_reference="ACH261119000171",
            customer_reference="2000001234",
            remittance="PPD AUTO PMT JOHN SMITH ACCT 2000001234",
        ),
        usd(
            5,
            "195",
            Direction.CREDIT,
            125000,
            bank_reference="FW2611190001",
            customer_reference="2000002001",
            remittance="WIRE IN ORIG: ROBERT JOHNSON, REF PAYOFF OBI: PAYOFF CONTRACT 2000002001",
        ),
        usd(
            7,
            "301",
            Direction.CREDIT,
            69965,
            value_date=date(2026, 11, 20),
            bank_reference="DEP000451",
            remittance="LOCKBOX DEPOSIT MARIA GARCIA 2000001457",
        ),
        usd(
            8,
            "555",
            Direction.DEBIT,
            41200,
            bank_reference="RTN261119000003",
            customer_reference="2000000987",
            remittance="ACH RETURN R01 INSUFFICIENT FUNDS ANGELA BROWN",
            return_code="R01",
        ),
        usd(9, "698", Direction.DEBIT, 5500, bank_reference="FEE261119", remittance="RETURN ITEM FEE"),
    )
    assert (second.account_id, second.opening_balance_minor, second.closing_balance_minor) == (
        "4000987654",
        120000,
        151850,
    )
    assert second.lines == (
        usd(
            12,
            "142",
            Direction.CREDIT,
            31850,
            bank_reference="ACH261119000402",
            customer_reference="2000003377",
            remittance="CCD PAYMENT KEVIN LEE 2000003377",
        ),
    )


@pytest.mark.parametrize(
    ("name", "location", "reason"),
    [
        ("bai2_bad_control_total.bai", "line 10", "account control total says 17666495"),
        ("bai2_bad_record_count.bai", "line 13", "account trailer says 4 records, there are 3"),
        ("bai2_bad_amount.bai", "line 4", "'45O00'"),
        ("bai2_truncated.bai", "line 9", "without its 99 file trailer"),
        ("bai2_wrong_date.bai", "line 2", "date (YYMMDD)"),
    ],
)
def test_a_broken_bai2_file_is_refused_naming_the_line(statement_file, name, location, reason):
    with pytest.raises(StatementFileRefused) as refused:
        parse_bai2(statement_file(name), file_name=name)

    assert refused.value.file == name
    assert refused.value.location == location
    assert reason in refused.value.reason


def test_group_and_file_control_totals_are_checked_too(statement_file):
    good = statement_file("bai2_two_accounts.bai")

    with pytest.raises(StatementFileRefused) as group:
        parse_bai2(good.replace(b"98,18002145,2,13/", b"98,18002146,2,13/"), file_name="g.bai")
    with pytest.raises(StatementFileRefused) as accounts:
        parse_bai2(good.replace(b"98,18002145,2,13/", b"98,18002145,3,13/"), file_name="g.bai")
    with pytest.raises(StatementFileRefused) as file_total:
        parse_bai2(good.replace(b"99,18002145,1,15/", b"99,18002145,1,16/"), file_name="f.bai")

    assert (group.value.location, accounts.value.location, file_total.value.location) == ("line 14",) * 2 + (
        "line 15",
    )
    assert "group control total says 18002146" in group.value.reason
    assert "says 3 accounts" in accounts.value.reason
    assert "file trailer says 16 records, there are 15" in file_total.value.reason


def test_a_bank_defined_type_code_is_refused_since_its_direction_is_unknown(statement_file):
    data = statement_file("bai2_two_accounts.bai").replace(b"16,698,5500", b"16,951,5500")

    with pytest.raises(StatementFileRefused) as refused:
        parse_bai2(data, file_name="custom.bai")

    assert refused.value.location == "line 9"
    assert "951" in refused.value.reason


def test_records_after_the_file_trailer_are_refused(statement_file):
    good = statement_file("bai2_two_accounts.bai")

    with pytest.raises(StatementFileRefused) as refused:
        parse_bai2(good + b"\n" + good, file_name="twice.bai")

    assert refused.value.location == "line 15"
    assert "records follow the 99 file trailer" in refused.value.reason


def test_blank_lines_do_not_shift_the_line_numbers(statement_file):
    data = statement_file("bai2_two_accounts.bai").replace(b"\n16,165", b"\n\n16,165")

    parsed = parse_bai2(data, file_name="blank.bai")

    assert parsed.statements[0].lines[0].location == "line 5"
    assert parsed.statements[1].lines[0].location == "line 13"


def test_a_detail_or_summary_without_its_type_code_is_refused_naming_the_line(statement_file):
    good = statement_file("bai2_two_accounts.bai")

    with pytest.raises(StatementFileRefused) as detail:
        parse_bai2(good.replace(b"16,698,5500", b"16,,5500"), file_name="d.bai")
    with pytest.raises(StatementFileRefused) as summary:
        parse_bai2(good.replace(b"015,151850", b",151850"), file_name="s.bai")

    assert (detail.value.location, summary.value.location) == ("line 9", "line 11")
