"""On PostgreSQL, a first close leaves the state as compact as its live rows, once it has committed."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from recoup.arrears.models import ArrearsState, CobRun
from recoup.arrears.operations import cob_run
from recoup.portfolio.demo import demo_load

AS_OF = date(2025, 6, 10)
AT = datetime(2025, 6, 10, 23, 0, tzinfo=UTC)


def _pages_and_rows() -> tuple[int, int, int]:
    """The state table's pages, its rows, and the rows one page holds at their average width."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('arrears_arrearsstate') / current_setting('block_size')::int, "
            "COUNT(*), AVG(pg_column_size(s.*)) FROM arrears_arrearsstate s"
        )
        pages, rows, width = cursor.fetchone()
    return int(pages), int(rows), int((8192 - 24) // (float(width) + 28))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps each row version until vacuumed"
)
# Alone: a transaction open beside it anywhere in the cluster (another test's, in another database)
# keeps the row versions the close replaced, and the compacted table holds them.
@pytest.mark.alone
@pytest.mark.django_db(transaction=True)
def test_a_first_close_leaves_the_state_no_larger_than_its_live_rows() -> None:
    demo_load(accounts=300, seed=2, as_of=AS_OF)

    summary = cob_run(as_of=AS_OF, at=AT).summaries[AS_OF.isoformat()]

    pages, rows, per_page = _pages_and_rows()
    assert rows == ArrearsState.objects.count() == 300
    # Written three times in the close (filled, refreshed, placed), the table would be three times this.
    assert pages <= math.ceil(rows / per_page) + 1
    assert summary["state_init"]["compacted"] is True
    assert CobRun.objects.get(business_date=AS_OF).summary["state_init"]["compacted"] is True
