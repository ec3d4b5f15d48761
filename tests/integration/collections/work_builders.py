"""Accounts in arrears, queues, strategies and agents for the strategy and Get next tests, made directly."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from recoup.access.models import User
from recoup.access.operations import user_create
from recoup.arrears.models import ArrearsState
from recoup.collections.models import Queue, Strategy, WorkItem
from recoup.collections.work import queue_save, strategy_save
from recoup.parties.models import Address, Phone
from recoup.portfolio.models import Contract
from tests.integration.reporting.factories import contract_make

AS_OF = date(2024, 6, 14)
# 11:00 in New York, 10:00 in Chicago, 09:00 in Denver, 08:00 in Los Angeles, 16:00 in London.
AT = datetime(2024, 6, 14, 15, 0, tzinfo=UTC)
_users = itertools.count(1)


def account_in_arrears(
    *,
    days_past_due: int = 35,
    arrears_minor: int = 40_000,
    bucket: str = "30-59",
    collections_flag: bool = True,
    product: str = "US-RIC",
    jurisdiction: str = "US-TX",
    time_zones: str | None = None,
) -> Contract:
    """A contract and its arrears state after the close of `AS_OF`, its customer with a phone to call;
    with `time_zones`, a home address."""
    contract = contract_make(product=product, jurisdiction=jurisdiction)
    Phone.objects.create(
        party=contract.customer, e164="+17135550100", digits_reversed="00105553171", is_primary=True
    )
    ArrearsState.objects.create(
        contract=contract,
        currency=contract.currency,
        changed_date=AS_OF,
        bucket_since_date=AS_OF,
        arrears_minor=arrears_minor,
        oldest_unpaid_due_date=AS_OF - timedelta(days=days_past_due) if arrears_minor else None,
        bucket=bucket,
        receivable_minor=1_200_000,
        product_code=product,
        jurisdiction=jurisdiction,
        collections_flag=collections_flag,
    )
    if time_zones is not None:
        Address.objects.create(
            party=contract.customer,
            line1="1 Main St",
            city="Somewhere",
            region="NY",
            postal_code="10001",
            country="US",
            time_zones=time_zones,
            is_primary=True,
        )
    return contract


def queue_make(code: str, priority: int = 0, members: list[User] | None = None) -> Queue:
    return queue_save(code=code, name=code.title(), priority=priority, members=members, by=None, at=AT)


def strategy_make(
    code: str, queue: str, priority: int = 0, rules: dict | None = None, **more: object
) -> Strategy:
    if not Queue.objects.filter(code=queue).exists():
        queue_make(queue)
    return strategy_save(
        code=code,
        name=code.title(),
        queue_code=queue,
        rules=rules or {},
        priority=priority,
        by=None,
        at=AT,
        **more,
    )


def user_make(role: str = "agent") -> User:
    n = next(_users)
    return user_create(username=f"{role}{n}", password="a-long-enough-password", role=role)


def item_of(contract: Contract) -> WorkItem:
    return WorkItem.objects.get(contract=contract)
