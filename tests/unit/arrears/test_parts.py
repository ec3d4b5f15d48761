"""The ranges of contracts a close of business is split into."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recoup.arrears.batch.parts import WHOLE, Part, parts_split


def test_the_whole_book_adds_no_condition() -> None:
    assert WHOLE.where("s.contract_id") == ("", [])


def test_a_part_bounds_the_column_it_is_given() -> None:
    assert Part(10, 20).where("b.contract_id") == (" AND b.contract_id >= %s AND b.contract_id < %s", [10, 20])
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
