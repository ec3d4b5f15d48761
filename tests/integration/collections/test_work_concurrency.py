"""Many agents pressing Get next at the same instant: no account is ever handed out twice."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from recoup.collections.errors import NothingToWork
from recoup.collections.models import WorkItem
from recoup.collections.strategy_batch import strategies_apply
from recoup.collections.work import work_next
from recoup.portfolio.operations import products_install_standard
from tests.integration.collections.work_builders import (
    AS_OF,
    AT,
    account_in_arrears,
    strategy_make,
    user_make,
)

pytestmark = pytest.mark.django_db(transaction=True)

AGENTS = 12


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL; SQLite serialises writers instead")
    products_install_standard()  # a transactional test starts from a flushed database


def _race(acts: list[Callable[[], object]]) -> tuple[list[object], list[Exception]]:
    """Run the acts in threads released together; each thread has its own database connection."""
    start = threading.Barrier(len(acts))
    results: list[object] = []
    errors: list[Exception] = []

    def run(act: Callable[[], object]) -> None:
        try:
            start.wait()
            results.append(act())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_agents_taking_work_at_the_same_instant_never_get_the_same_account():
    strategy_make("all", "all", rules={})
    for _ in range(AGENTS * 2):
        account_in_arrears()
    strategies_apply(as_of=AS_OF, at=AT)
    agents = [user_make() for _ in range(AGENTS)]

    taken, errors = _race([lambda agent=agent: work_next(agent=agent, at=AT) for agent in agents])

    assert errors == []
    assert len({t.contract_id for t in taken}) == AGENTS
    assert WorkItem.objects.filter(held_by__isnull=False).count() == AGENTS


def test_more_agents_than_accounts_leaves_the_rest_with_nothing_to_work():
    strategy_make("all", "all", rules={})
    for _ in range(AGENTS // 2):
        account_in_arrears()
    strategies_apply(as_of=AS_OF, at=AT)
    agents = [user_make() for _ in range(AGENTS)]

    taken, errors = _race([lambda agent=agent: work_next(agent=agent, at=AT) for agent in agents])

    assert len({t.contract_id for t in taken}) == len(taken) == AGENTS // 2
    assert [type(e) for e in errors] == [NothingToWork] * (AGENTS - AGENTS // 2)
