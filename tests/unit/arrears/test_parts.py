"""The ranges of contracts a close of business is split into."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from recoup.arrears.batch.parts import WHOLE, Part, parts_split, unseen


def test_the_whole_book_adds_no_condition() -> None:
    assert WHOLE.where("s.contract_id") == ("", [])


def test_a_part_bounds_the_column_it_is_given() -> None:
    assert Part(10, 20).where("b.contract_id") == (
        " AND b.contract_id >= %s AND b.contract_id < %s",
        [10, 20],
    )
    assert Part(None, 20).where("c.id") == (" AND c.id < %s", [20])
    assert Part(10, None).where("c.id") == (" AND c.id >= %s", [10])


def test_one_part_or_one_contract_is_the_whole_book() -> None:
    assert parts_split(1, 1_000, 1) == [WHOLE]
    assert parts_split(7, 7, 4) == [WHOLE]


def test_parts_of_equal_width_open_at_both_ends() -> None:
    assert parts_split(1, 100, 4) == [Part(None, 26), Part(26, 51), Part(51, 76), Part(76, None)]


@given(
    low=st.integers(min_value=1, max_value=10_000),
    span=st.integers(min_value=0, max_value=10_000),
    count=st.integers(min_value=1, max_value=16),
    probe=st.integers(min_value=-5, max_value=30_000),
)
def test_every_contract_id_is_in_exactly_one_part(low: int, span: int, count: int, probe: int) -> None:
    split = parts_split(low, low + span, count)

    holding = [
        part
        for part in split
        if (part.low is None or probe >= part.low) and (part.high is None or probe < part.high)
    ]

    assert len(holding) == 1
    assert 1 <= len(split) <= count


def test_what_the_part_holding_a_contract_had_seen_is_dropped() -> None:
    """The last close ran in two parts, below contract 100 up to entry 50 and from 100 up to 70."""
    read = pl.DataFrame(
        {"contract_id": [5, 6, 100, 101, 300], "last_entry_id": [50, 51, 70, 71, 60]},
    )

    kept = unseen(read, ((None, 100, 50), (100, None, 70)), "last_entry_id")

    assert kept["contract_id"].to_list() == [6, 101]
    assert unseen(read, (), "last_entry_id").equals(read)
