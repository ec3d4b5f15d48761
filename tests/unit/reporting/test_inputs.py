from datetime import date

import pytest

from recoup.arrears.buckets import DEFAULT_BUCKETS, buckets_from_boundaries
from recoup.reporting.errors import ReportInputInvalid
from recoup.reporting.inputs import by_parse, date_parse
from recoup.reporting.ordering import bucket_order


def test_a_business_date_reads_as_iso():
    assert date_parse("2024-02-29", field="as_of") == date(2024, 2, 29)


def test_a_date_that_is_not_a_date_is_named_by_its_field():
    with pytest.raises(ReportInputInvalid) as raised:
        date_parse("14/06/2024", field="as_of")

    assert raised.value.field == "as_of"
    assert "'14/06/2024' is not a date" in raised.value.message


def test_grouping_keeps_the_order_given_and_always_ends_with_currency():
    assert by_parse("jurisdiction, product") == ("jurisdiction", "product", "currency")
    assert by_parse("currency,product") == ("currency", "product")
    assert by_parse("") == ("currency",)
    assert by_parse(None) == ("currency",)


def test_an_unknown_grouping_key_is_named_with_the_choices():
    with pytest.raises(ReportInputInvalid) as raised:
        by_parse("product,dealer")

    assert raised.value.field == "by"
    assert "unknown key 'dealer'" in raised.value.message
    assert "product, jurisdiction, currency" in raised.value.message


def test_buckets_are_ordered_by_the_day_they_start_across_schemes():
    uk = buckets_from_boundaries((1, 30, 90))

    order = [h.code for h in bucket_order([DEFAULT_BUCKETS, uk], seen=["charged-off"])]

    assert order == [
        *("current", "1-29", "30-59", "30-89", "60-89", "90-119", "90+", "120-179", "180+"),
        "charged-off",
    ]
