import os

import pytest
from hypothesis import settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests check what is computed, not how fast: speed is for the benchmarks. Hypothesis's
# per-example deadline (200 ms) failed them on a busy two-core machine (an example took 764 ms).
settings.register_profile("recoup", deadline=None)
settings.load_profile("recoup")

TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests (the browser's among them) empty the database when they end, taking the
    rows migrations seed with it: standard products, contact policies, letter and notice templates.
    Serialized rollback puts those rows back at the start of each such test. pytest-django runs the
    transactional tests after the others, so no other test ever sees the emptied database."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and bool(marker.kwargs.get("transaction"))
        if not transactional and not any(name in item.fixturenames for name in TRANSACTIONAL_FIXTURES):
            continue
        kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# The seeded rows as Django serialized them when it set the test databases up, by alias.
_SEEDED: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> None:
    """pytest-django's set-up, keeping the serialized seed rows aside: a browser test runs inside
    Playwright's event loop, where Django hands out connection objects of their own, and the next
    transactional test may be given one without them (so serialized rollback would skip)."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            _SEEDED[alias] = contents


@pytest.fixture(autouse=True)
def _seeded_rows_back(request: pytest.FixtureRequest) -> None:
    """Before a transactional test, put the seeded rows back if a flush took them and serialized
    rollback could not (see django_db_setup); and give the connection the serialized rows, so its
    own teardown flushes as serialized rollback does."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("serialized_rollback")) or not _SEEDED:
        return
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connections

    from recoup.portfolio.models import Product

    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        for alias, contents in _SEEDED.items():
            connection = connections[alias]
            if not hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = contents
            if not Product.objects.using(alias).exists():
                connection.creation.deserialize_db_from_string(contents)
            # The rows come back with their ids (put back here or by Django), but a flush may have
            # restarted the sequences (the browser tests' does): move each past the highest id.
            resets = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
            with connection.cursor() as cursor:
                for statement in resets:
                    cursor.execute(statement)
