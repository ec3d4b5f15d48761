import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
