import pytest

from recoup.payments.statements.formats import CsvMapping, parse, sniff
from recoup.payments.statements.parsed import StatementFileRefused, StatementFormat


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bai2_two_accounts.bai", StatementFormat.BAI2),
        ("camt053_two_accounts.xml", StatementFormat.CAMT053),
        ("camt054_notification.xml", StatementFormat.CAMT054),
        ("mt940_statement.sta", StatementFormat.MT940),
        ("ofx1_checking.ofx", StatementFormat.OFX),
        ("ofx2_savings.ofx", StatementFormat.OFX),
        ("csv_processor_export.csv", None),
    ],
)
def test_each_format_is_recognised_from_its_first_bytes(statement_file, name, expected):
    assert sniff(statement_file(name)) is expected


def test_parse_reads_a_file_in_the_format_it_shows(statement_file):
    parsed = parse(statement_file("camt054_notification.xml"), file_name="n.xml")

    assert parsed.format is StatementFormat.CAMT054
    assert len(parsed.lines) == 2


def test_a_byte_order_mark_and_leading_blank_lines_do_not_hide_the_format(statement_file):
    data = b"\xef\xbb\xbf\r\n" + statement_file("bai2_two_accounts.bai")

    assert parse(data, file_name="bom.bai").format is StatementFormat.BAI2


def test_a_csv_is_read_when_its_mapping_is_given(statement_file):
    mapping = CsvMapping(
        name="export",
        date="Posted Date",
        date_format="%d/%m/%Y",
        credit="Paid In",
        debit="Paid Out",
        fixed_currency="GBP",
        thousands_separator=",",
    )

    parsed = parse(statement_file("csv_processor_export.csv"), file_name="e.csv", mapping=mapping)

    assert parsed.format is StatementFormat.CSV
    assert len(parsed.lines) == 5


def test_an_unknown_format_is_refused_saying_which_formats_are_read():
    with pytest.raises(StatementFileRefused) as refused:
        parse(b"%PDF-1.7 statement", file_name="statement.pdf")

    assert refused.value.file == "statement.pdf"
    assert "BAI2, camt.053, camt.054, MT940 and OFX" in refused.value.reason


def test_a_csv_named_without_its_mapping_is_refused(statement_file):
    with pytest.raises(StatementFileRefused) as refused:
        parse(statement_file("csv_processor_export.csv"), file_name="e.csv", format=StatementFormat.CSV)

    assert "column mapping" in refused.value.reason


def test_a_file_of_another_format_than_the_one_named_is_refused(statement_file):
    with pytest.raises(StatementFileRefused) as refused:
        parse(statement_file("camt054_notification.xml"), file_name="n.xml", format=StatementFormat.CAMT053)

    assert refused.value.reason == "the file is camt054, not camt053"


def test_a_named_format_is_read_even_when_the_file_does_not_look_like_it(statement_file):
    with pytest.raises(StatementFileRefused) as refused:
        parse(statement_file("ofx1_checking.ofx"), file_name="x.bai", format=StatementFormat.BAI2)

    assert refused.value.location == "line 1"


def test_a_mapping_makes_a_csv_whose_first_cells_look_like_bai2_read_as_csv():
    mapping = CsvMapping(
        name="n", date="2", date_format="%Y-%m-%d", amount="3", fixed_currency="USD", header_row=False
    )

    parsed = parse(b"01,2026-11-19,45.00\n", file_name="odd.csv", mapping=mapping)

    assert parsed.format is StatementFormat.CSV
