"""Work beside the caller runs on a database connection of its own, closed in its thread as it ends."""

from __future__ import annotations

import pytest
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from recoup.threads import beside


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_work_has_a_connection_of_its_own_closed_as_it_ends() -> None:
    def work() -> BaseDatabaseWrapper:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        return connections["default"]

    own = beside(work, name="worker").result()

    assert own is not connections["default"]
    # Django keeps a connection to an in-memory SQLite database open: closing it would lose the data.
    in_memory = getattr(own, "is_in_memory_db", lambda: False)()
    assert own.connection is None or in_memory
