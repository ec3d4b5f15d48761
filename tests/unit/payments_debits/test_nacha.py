"""NACHA files written and read: a worked example record by record, the controls, and any set of
debits reading back with the totals it was written with."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recoup.payments.debits.formats import nacha
from recoup.payments.debits.formats.errors import DebitFileRefused, DebitFileUnwritable

GOLDEN = Path(__file__).parents[2] / "fixtures" / "debits" / "worked_example.ach"
ORIGINATOR = nacha.Originator(
    company_name="Recoup Auto Fin",
    company_id="1234567890",
    odfi_routing="021000021",
    destination_routing="021000021",
    destination_name="JPMORGAN CHASE",
    origin="1234567890",
    origin_name="RECOUP AUTO FINANCE",
)
CREATED = datetime(2024, 1, 30, 9, 5, tzinfo=UTC)
FEB_1 = date(2024, 2, 1)


def worked_example() -> str:
    """Three customers debited on 1 February 2024: two under written authorizations (PPD), one of
    them from savings with a note to the payer, and one authorized on the web (WEB, recurring)."""
    ppd = nacha.Batch(
        "PPD",
        "LOAN PYMT",
        FEB_1,
        (
            nacha.Debit("111000025", "000123456789", "checking", 30415, "US0000001", "Maria Garcia", 1),
            nacha.Debit(
                "122105278",
                "4455-6677",
                "savings",
                29877,
                "US0000002",
                "Ana Lopez",
                2,
                addenda="INSTALLMENT 1 OF 60",
            ),
        ),
    )
    web = nacha.Batch(
        "WEB",
        "LOAN PYMT",
        FEB_1,
        (
            nacha.Debit(
                "011000015", "99887766", "checking", 12345, "US0000003", "John Smith", 3, payment_type="R"
            ),
        ),
    )
    return nacha.file_write(originator=ORIGINATOR, batches=[ppd, web], created_at=CREATED)


def test_the_worked_example_is_written_record_for_record() -> None:
    written = worked_example()

    assert written == GOLDEN.read_text()
    records = written.splitlines()
    assert records[2] == (
        "627111000025000123456789     0000030415US0000001      MARIA GARCIA            0021000020000001"
    )
    assert records[4] == "705" + "INSTALLMENT 1 OF 60".ljust(80) + "0001" + "0000002"
    assert records[7][76:79] == "R 0"  # WEB: payment type code in Discretionary Data


def test_the_batch_and_file_controls_carry_the_entry_hash_counts_and_totals() -> None:
    records = worked_example().splitlines()

    first_batch_control, file_control = records[5], records[9]

    assert first_batch_control[:4] == "8225"
    assert first_batch_control[4:10] == "000003"  # two entries and one addenda
    assert first_batch_control[10:20] == f"{11100002 + 12210527:010d}"
    assert first_batch_control[20:32] == f"{30415 + 29877:012d}"
    assert file_control[1:7] == "000002"
    assert file_control[7:13] == "000001"  # ten records: one block
    assert file_control[13:21] == "00000004"
    assert file_control[21:31] == f"{11100002 + 12210527 + 1100001:010d}"
    assert file_control[31:43] == f"{72637:012d}"


def test_the_entry_hash_keeps_the_last_ten_digits_of_the_sum() -> None:
    routings = ["99999999" + "2"] * 200

    assert nacha.entry_hash(routings) == (99999999 * 200) % 10**10


def test_a_short_file_is_filled_to_a_block_of_ten_with_nines() -> None:
    batch = nacha.Batch(
        "PPD", "LOAN PYMT", FEB_1, (nacha.Debit("111000025", "1234", "checking", 1, "A1", "B", 1),)
    )

    records = nacha.file_write(originator=ORIGINATOR, batches=[batch], created_at=CREATED).splitlines()

    assert len(records) == 10
    assert records[-5:] == ["9" * 94] * 5


def test_reading_back_the_worked_example_gives_its_entries() -> None:
    read = nacha.file_read(worked_example(), file="example.ach")

    assert [b.sec_code for b in read.batches] == ["PPD", "WEB"]
    savings = read.batches[0].entries[1]
    assert (savings.transaction_code, savings.account, savings.amount_minor) == ("37", "4455-6677", 29877)
    assert savings.addenda == ("05" + "INSTALLMENT 1 OF 60".ljust(80) + "00010000002",)
    assert (read.debit_total_minor, read.block_count) == (72637, 1)


def test_a_batch_control_total_that_does_not_add_up_is_refused_naming_its_line() -> None:
    records = worked_example().splitlines()
    records[5] = records[5][:20] + f"{60293:012d}" + records[5][32:]

    with pytest.raises(DebitFileRefused) as refused:
        nacha.file_read("\n".join(records), file="bad.ach")

    assert refused.value.location == "line 6"
    assert "Total Debit" in refused.value.reason


def test_a_record_of_the_wrong_length_is_refused_naming_its_line() -> None:
    records = worked_example().splitlines()
    records[2] += " "

    with pytest.raises(DebitFileRefused) as refused:
        nacha.file_read("\n".join(records), file="bad.ach")

    assert (refused.value.location, refused.value.file) == ("line 3", "bad.ach")


def test_a_name_that_is_not_ascii_cannot_be_written() -> None:
    batch = nacha.Batch(
        "PPD", "LOAN PYMT", FEB_1, (nacha.Debit("111000025", "1234", "checking", 1, "A1", "José", 1),)
    )

    with pytest.raises(DebitFileUnwritable) as refused:
        nacha.file_write(originator=ORIGINATOR, batches=[batch], created_at=CREATED)

    assert refused.value.field == "name"


def _return_file(addenda: str) -> str:
    """One returned entry (transaction code 26) of $304.15 with the addenda given, as an RDFI sends it."""
    lines = [
        "101 021000021 111000025240205"
        + "0600A094101"
        + "JPMORGAN CHASE".ljust(23)
        + "WELLS FARGO".ljust(23)
        + " " * 8,
        "5220RECOUP AUTO FIN                     1234567890PPDLOAN PYMT       240205   1111000020000001",
        "626021000021000123456789     0000030415US0000001      MARIA GARCIA            1111000020000001",
        addenda,
        "822000000200021000020000000000000000000304151234567890" + " " * 25 + "111000020000001",
        "9000001000001000000020002100002000000000000000000030415" + " " * 39,
    ]
    return "\n".join(lines + ["9" * 94] * 4) + "\n"


def test_a_return_addenda_gives_the_code_the_original_trace_and_the_date_of_death() -> None:
    addenda = "799R15021000020000001240120" + "02100002" + " " * 44 + "111000020000001"

    read = nacha.returns_read(_return_file(addenda), file="returns.ach")

    (returned,) = read.returns
    assert (returned.code, returned.original_trace, returned.amount_minor) == (
        "R15",
        "021000020000001",
        30415,
    )
    assert returned.date_of_death == date(2024, 1, 20)
    assert returned.location == "line 4"


def test_an_unknown_return_reason_code_is_refused_naming_the_addenda_line() -> None:
    addenda = "799R98021000020000001      " + "02100002" + " " * 44 + "111000020000001"

    with pytest.raises(DebitFileRefused) as refused:
        nacha.returns_read(_return_file(addenda), file="returns.ach")

    assert refused.value.location == "line 4"
    assert "R98" in refused.value.reason


def test_a_notification_of_change_is_told_apart_from_a_return() -> None:
    addenda = (
        "798C01021000020000001      " + "02100002" + "000987654321".ljust(29) + " " * 15 + "111000020000001"
    )

    read = nacha.returns_read(_return_file(addenda), file="noc.ach")

    assert read.returns == ()
    assert read.notices[0].code == "C01"
    assert read.notices[0].corrections() == {"account": "000987654321"}


def test_a_change_of_routing_account_and_type_is_read_by_its_code() -> None:
    notice = nacha.ChangeNotice(
        "line 4", "C07", "021000020000001", "122105278" + "4455-6677".ljust(17) + "37 "
    )

    assert notice.corrections() == {"routing": "122105278", "account": "4455-6677", "account_type": "savings"}


_debits = st.lists(
    st.builds(
        nacha.Debit,
        routing=st.sampled_from(["111000025", "122105278", "011000015", "021000021", "026009593"]),
        account=st.from_regex(r"[0-9]{4,17}", fullmatch=True),
        account_type=st.sampled_from(["checking", "savings"]),
        amount_minor=st.integers(min_value=1, max_value=99_999_999),
        individual_id=st.from_regex(r"[A-Z0-9]{1,15}", fullmatch=True),
        name=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ '-", min_size=1, max_size=30),
        trace_sequence=st.integers(min_value=0, max_value=9_999_999),
        addenda=st.sampled_from(["", "INSTALLMENT", "PAYMENT 12 OF 60"]),
    ),
    min_size=1,
    max_size=30,
)


@given(batches=st.lists(st.tuples(st.sampled_from(["PPD", "WEB", "TEL"]), _debits), min_size=1, max_size=4))
def test_any_set_of_debits_reads_back_with_the_totals_it_was_written_with(batches) -> None:  # type: ignore[no-untyped-def]
    written = nacha.file_write(
        originator=ORIGINATOR,
        batches=[nacha.Batch(sec, "LOAN PYMT", FEB_1, tuple(debits)) for sec, debits in batches],
        created_at=CREATED,
    )

    read = nacha.file_read(written, file="any.ach")

    records = written.splitlines()
    assert all(len(r) == 94 for r in records)
    assert len(records) % 10 == 0
    every = [d for _, debits in batches for d in debits]
    assert read.debit_total_minor == sum(d.amount_minor for d in every)
    assert read.entry_addenda_count == len(every) + sum(1 for d in every if d.addenda)
    assert read.entry_hash == nacha.entry_hash([d.routing for d in every])
    assert [e.amount_minor for b in read.batches for e in b.entries] == [d.amount_minor for d in every]
