"""A batch job's database settings hold for the job and are put back after it, even when it fails."""

from contextlib import nullcontext

import pytest
from django.db import connection, transaction

from recoup.kernel import bulk

pytestmark = pytest.mark.django_db(transaction=True)


def _setting(cursor: object, name: str) -> str:
    if connection.vendor == "sqlite":
        cursor.execute(f"PRAGMA {name}")  # type: ignore[attr-defined]
    else:
        cursor.execute("SELECT current_setting(%s)", [name])  # type: ignore[attr-defined]
    return str(cursor.fetchone()[0])  # type: ignore[attr-defined]


def _held(cursor: object, name: str, value: str):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        return bulk.sqlite_pragmas_held(cursor, {name: value})
    return bulk.postgres_settings_held(cursor, {name: value})


@pytest.mark.parametrize("fails", [False, True])
def test_a_setting_holds_inside_the_job_and_is_put_back_after_it(fails):
    name, value = ("cache_size", "-4096") if connection.vendor == "sqlite" else ("random_page_cost", "1.1")
    with connection.cursor() as cursor:
        before = _setting(cursor, name)
        assert before != value
        with pytest.raises(RuntimeError) if fails else nullcontext():
            with _held(cursor, name, value):
                assert _setting(cursor, name) == value
                if fails:
                    raise RuntimeError("the job failed")
        assert _setting(cursor, name) == before


def test_a_name_that_is_not_a_plain_identifier_is_refused():
    with connection.cursor() as cursor, pytest.raises(ValueError, match="not a plain SQL identifier"):
        with _held(cursor, "cache_size; DROP TABLE x", "1"):
            pass


def test_a_local_setting_holds_for_the_statements_in_between_inside_a_transaction():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's SET LOCAL")
    with connection.cursor() as cursor:
        before = _setting(cursor, "enable_indexonlyscan")
        with transaction.atomic():
            with bulk.postgres_settings_held(cursor, {"enable_indexonlyscan": "off"}, local=True):
                assert _setting(cursor, "enable_indexonlyscan") == "off"
            assert _setting(cursor, "enable_indexonlyscan") == before
        assert _setting(cursor, "enable_indexonlyscan") == before
