from datetime import date

import pytest

from recoup.payments.statements.formats.csv_mapped import (
    CsvMapping,
    InvalidCsvMapping,
    SignConvention,
    parse_csv,
)
from recoup.payments.statements.parsed import Direction, ParsedLine, StatementFileRefused, StatementFormat

BUSINESS_ACCOUNT = CsvMapping(
    name="barclays-business",
    date="Posted Date",
    date_format="%d/%m/%Y",
    credit="Paid In",
    debit="Paid Out",
    reference="Reference",
    remittance="Description",
    payer_name="Payer",
    fixed_currency="GBP",
    account_id="20-00-00 12345678",
    thousands_separator=",",
)


def line(number: int, day: int, direction: Direction, amount_minor: int, **details: str) -> ParsedLine:
    return ParsedLine(
        location=f"line {number}",
        booking_date=date(2026, 11, day),
        value_date=None,
        direction=direction,
        amount_minor=amount_minor,
        currency="GBP",
        **details,
    )


def test_a_mapped_csv_export_gives_its_rows_as_lines(statement_file):
    parsed = parse_csv(
        statement_file("csv_processor_export.csv"), file_name="export.csv", mapping=BUSINESS_ACCOUNT
    )

    (statement,) = parsed.statements
    assert parsed.format is StatementFormat.CSV
    assert parsed.file_id.startswith("barclays-business:")
    assert (statement.statement_id, statement.account_id, statement.statement_date) == (
        "20-00-00 12345678:2026-11-19:2026-11-20",
        "20-00-00 12345678",
        date(2026, 11, 20),
    )
    assert statement.lines == (
        line(
            2,
            19,
            Direction.CREDIT,
            25000,
            bank_reference="FPS261119A00017",
            remittance="FASTER PAYMENT AGREEMENT 2000001234",
            payer_name="MRS SARAH THOMPSON",
        ),
        line(
            3,
            19,
            Direction.CREDIT,
            18999,
            bank_reference="SO261119000044",
            remittance="STANDING ORDER RECOUP 2000001457, NOV",
            payer_name="JAMES PATEL",
        ),
        line(
            4,
            20,
            Direction.CREDIT,
            127500,
            bank_reference="BGC261120000002",
            remittance="BANK GIRO CREDIT 2000002001",
            payer_name="DAVID O'BRIEN",
        ),
        line(
            5,
            20,
            Direction.DEBIT,
            31240,
            bank_reference="ARUDD261120003",
            remittance="UNPAID DIRECT DEBIT ARUDD 0 2000001890",
            payer_name="EMMA WILSON",
            return_code="0",
        ),
        line(6, 20, Direction.DEBIT, 800, bank_reference="CHG261120", remittance="UNPAID ITEM CHARGE"),
    )


def test_the_same_export_read_twice_has_the_same_file_id(statement_file):
    data = statement_file("csv_processor_export.csv")

    first = parse_csv(data, file_name="a.csv", mapping=BUSINESS_ACCOUNT)
    second = parse_csv(data, file_name="b.csv", mapping=BUSINESS_ACCOUNT)

    assert first.file_id == second.file_id


@pytest.mark.parametrize(
    ("name", "location", "reason"),
    [
        ("csv_bad_amount.csv", "line 4, column 'Paid In'", "'1,275.0O' is not an amount"),
        ("csv_wrong_date.csv", "line 6, column 'Posted Date'", "'2026-11-20' is not a date (%d/%m/%Y)"),
    ],
)
def test_a_broken_csv_row_is_refused_naming_line_and_column(statement_file, name, location, reason):
    with pytest.raises(StatementFileRefused) as refused:
        parse_csv(statement_file(name), file_name=name, mapping=BUSINESS_ACCOUNT)

    assert refused.value.file == name
    assert refused.value.location == location
    assert reason in refused.value.reason


def test_a_semicolon_export_with_decimal_commas_and_no_header_is_read_by_position():
    mapping = CsvMapping(
        name="sparkasse",
        date="1",
        date_format="%d.%m.%Y",
        amount="3",
        remittance="2",
        currency="4",
        delimiter=";",
        header_row=False,
        decimal_separator=",",
    )
    data = b"19.11.2026;RATE 2000004411;-1234,5;EUR\n\n20.11.2026;VERTRAG 2000004412;310,00;EUR\n"

    parsed = parse_csv(data, file_name="sk.csv", mapping=mapping)

    assert [(line.location, line.direction, line.amount_minor, line.currency) for line in parsed.lines] == [
        ("line 1", Direction.DEBIT, 123450, "EUR"),
        ("line 3", Direction.CREDIT, 31000, "EUR"),
    ]


def test_a_debit_positive_export_reads_positive_amounts_as_money_out():
    mapping = CsvMapping(
        name="card",
        date="Date",
        date_format="%Y-%m-%d",
        amount="Amount",
        sign=SignConvention.DEBIT_POSITIVE,
        fixed_currency="USD",
    )

    parsed = parse_csv(
        b"Date,Amount\n2026-11-19,15.00\n2026-11-19,-450.00\n", file_name="c.csv", mapping=mapping
    )

    assert [(line.direction, line.amount_minor) for line in parsed.lines] == [
        (Direction.DEBIT, 1500),
        (Direction.CREDIT, 45000),
    ]


def test_a_row_with_both_credit_and_debit_is_refused_naming_the_columns():
    data = b"Posted Date,Description,Payer,Reference,Paid In,Paid Out\n19/11/2026,X,Y,Z,10.00,5.00\n"

    with pytest.raises(StatementFileRefused) as refused:
        parse_csv(data, file_name="both.csv", mapping=BUSINESS_ACCOUNT)

    assert refused.value.location == "line 2, column 'Paid In/Paid Out'"


def test_a_missing_mapped_column_is_refused_naming_the_header_line():
    with pytest.raises(StatementFileRefused) as refused:
        parse_csv(b"Date,Amount\n19/11/2026,1.00\n", file_name="h.csv", mapping=BUSINESS_ACCOUNT)

    assert refused.value.location == "line 1"
    assert "'Posted Date'" in refused.value.reason


def test_mixed_currencies_in_one_export_are_refused():
    mapping = CsvMapping(name="m", date="Date", date_format="%Y-%m-%d", amount="Amount", currency="Ccy")

    with pytest.raises(StatementFileRefused) as refused:
        parse_csv(
            b"Date,Amount,Ccy\n2026-11-19,1.00,GBP\n2026-11-19,2.00,USD\n",
            file_name="mix.csv",
            mapping=mapping,
        )

    assert refused.value.location == "line 3, column 'Ccy'"


def test_an_unknown_currency_is_refused_naming_line_and_column():
    mapping = CsvMapping(name="m", date="Date", date_format="%Y-%m-%d", amount="Amount", currency="Ccy")

    with pytest.raises(StatementFileRefused) as refused:
        parse_csv(b"Date,Amount,Ccy\n2026-11-19,1.00,JPY\n", file_name="jpy.csv", mapping=mapping)

    assert refused.value.location == "line 2, column 'Ccy'"


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"amount": "A", "credit": "C", "debit": "D", "fixed_currency": "GBP"}, "amount"),
        ({"credit": "C", "fixed_currency": "GBP"}, "credit"),
        ({"amount": "A"}, "currency"),
        ({"amount": "A", "fixed_currency": "XYZ"}, "fixed_currency"),
        ({"amount": "A", "fixed_currency": "GBP", "delimiter": ";;"}, "delimiter"),
        (
            {"amount": "A", "fixed_currency": "GBP", "decimal_separator": ",", "thousands_separator": ","},
            "thousands_separator",
        ),
    ],
)
def test_a_mapping_that_cannot_read_any_file_is_refused_naming_the_setting(settings, field):
    with pytest.raises(InvalidCsvMapping) as refused:
        CsvMapping(name="bad", date="Date", date_format="%Y-%m-%d", **settings)

    assert refused.value.field == field
