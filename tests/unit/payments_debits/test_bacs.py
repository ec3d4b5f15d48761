"""Bacs Standard 18 submissions written and read back; ARUDD and ADDACS reports read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.payments.debits.formats import bacs
from recoup.payments.debits.formats.errors import DebitFileRefused, DebitFileUnwritable

FIXTURES = Path(__file__).parents[2] / "fixtures" / "debits"
USER = bacs.ServiceUser("123456", "Recoup Motor Fin", "400515", "12345678", "Recoup Motor Finance")
APRIL_11, APRIL_12 = date(2024, 4, 11), date(2024, 4, 12)


def worked_example() -> str:
    """A new instruction lodged for Callum Reid, his first collection of £312.50 and a regular one of
    £200.00 for Alice Smith, processed on Friday 12 April 2024 (day 103 of a leap year)."""
    return bacs.submission_write(
        service_user=USER,
        serial="000001",
        created_date=APRIL_11,
        processing_date=APRIL_12,
        records=[
            bacs.Record("0N", "203040", "87654321", "C Reid", "RCP000123"),
            bacs.Record("01", "203040", "87654321", "C Reid", "RCP000123", 31250),
            bacs.Record("17", "309634", "11223344", "A Smith", "RCP000124", 20000),
        ],
    )


def test_the_worked_example_is_written_record_for_record() -> None:
    written = worked_example()

    assert written == (FIXTURES / "worked_example.bacs").read_text()
    lines = written.splitlines()
    assert lines[4] == (
        "2030408765432100N40051512345678    00000000000RECOUP MOTOR FIN  RCP000123         C REID            "
    )
    assert lines[11][15:17] == "01"
    assert lines[13][:17] == "40051512345678099"  # the contra credits the service user's own account
    assert lines[13][35:46] == "00000051250"
    assert lines[10][4:10] == " 24103"  # UHL1: processing day 103 of 2024


def test_each_file_ends_with_a_trailer_of_its_values_and_counts() -> None:
    lines = worked_example().splitlines()

    auddis_trailer, collections_trailer = lines[7], lines[16]

    assert auddis_trailer == "UTL1" + "0" * 13 + "0" * 13 + "0000001" + "0000000" + " " * 36
    assert collections_trailer[4:44] == f"{51250:013d}{51250:013d}{2:07d}{1:07d}"


def test_every_label_is_80_characters_and_every_record_100() -> None:
    lengths = {line[:4]: len(line) for line in worked_example().splitlines()}

    assert {
        k: v for k, v in lengths.items() if k[:3] in {"VOL", "HDR", "UHL", "EOF", "UTL"}
    } == dict.fromkeys(["VOL1", "HDR1", "HDR2", "UHL1", "EOF1", "EOF2", "UTL1"], 80)
    assert {len(line) for line in worked_example().splitlines() if line[:1].isdigit()} == {100}


def test_an_instruction_with_an_amount_cannot_be_written() -> None:
    with pytest.raises(DebitFileUnwritable) as refused:
        bacs.submission_write(
            service_user=USER,
            serial="000002",
            created_date=APRIL_11,
            processing_date=APRIL_12,
            records=[bacs.Record("0N", "203040", "87654321", "C Reid", "RCP000123", 100)],
        )

    assert refused.value.field == "amount"


def test_a_trailer_that_does_not_match_its_records_is_refused_naming_its_line() -> None:
    lines = worked_example().splitlines()
    lines[16] = "UTL1" + f"{51251:013d}" + lines[16][17:]

    with pytest.raises(DebitFileRefused) as refused:
        bacs.submission_read("\n".join(lines), file="bad.bacs")

    assert refused.value.location == "line 17"


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=99_999_999), min_size=1, max_size=40),
    codes=st.lists(st.sampled_from(["01", "17"]), min_size=40, max_size=40),
)
def test_any_collections_read_back_with_their_total_and_contra(amounts: list[int], codes: list[str]) -> None:
    records = [
        bacs.Record(code, "203040", f"{n:08d}", "PAYER", f"RCP{n:06d}", amount)
        for n, (amount, code) in enumerate(zip(amounts, codes, strict=False))
    ]

    read = bacs.submission_read(
        bacs.submission_write(
            service_user=USER,
            serial="000003",
            created_date=APRIL_11,
            processing_date=APRIL_12,
            records=records,
        ),
        file="any.bacs",
    )

    (collections,) = read.files
    assert collections.debit_total_minor == collections.credit_total_minor == sum(amounts)
    assert [r.amount_minor for r in collections.records] == amounts


def test_an_arudd_report_gives_each_unpaid_debit_with_its_reason() -> None:
    report = bacs.arudd_read((FIXTURES / "arudd_sample.xml").read_bytes(), file="arudd_sample.xml")

    assert (report.service_user_number, report.processing_date) == ("123456", date(2024, 5, 17))
    first, second = report.items
    assert (first.reference, first.reason_code, first.reason, first.amount_minor) == (
        "RCP0001234",
        "0",
        "Refer to payer",
        31250,
    )
    assert first.original_processing_date == date(2024, 5, 14)
    assert (second.reason_code, second.reason, second.location) == (
        "B",
        "Account closed",
        "ReturnedDebitItem[2]",
    )


def test_an_arudd_amount_with_three_decimals_is_refused_naming_the_attribute() -> None:
    data = (FIXTURES / "arudd_sample.xml").read_text().replace('valueOf="312.50"', 'valueOf="312.505"', 1)

    with pytest.raises(DebitFileRefused) as refused:
        bacs.arudd_read(data, file="arudd.xml")

    assert refused.value.location == "ReturnedDebitItem[1]/@valueOf"


def test_an_arudd_report_with_an_entity_declaration_is_refused() -> None:
    data = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><BACSDocument>&a;</BACSDocument>'

    with pytest.raises(DebitFileRefused):
        bacs.arudd_read(data, file="hostile.xml")


def test_an_addacs_report_gives_each_advice() -> None:
    advices = bacs.addacs_read((FIXTURES / "addacs_sample.xml").read_bytes(), file="addacs_sample.xml")

    cancelled, moved = advices
    assert (cancelled.reference, cancelled.reason_code, cancelled.effective_date) == (
        "RCP0001234",
        "1",
        date(2024, 5, 2),
    )
    assert (moved.reason_code, moved.new_sort_code, moved.new_account_number) == ("C", "203040", "11112222")


def test_a_bacs_date_is_the_day_of_the_year() -> None:
    assert bacs.julian(date(2024, 12, 31)) == " 24366"
    assert bacs.julian(date(2025, 1, 1)) == " 25001"
