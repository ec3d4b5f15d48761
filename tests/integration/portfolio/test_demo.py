from datetime import date

import pytest

from recoup.ledger.queries import ledger_verify
from recoup.parties.models import Party
from recoup.portfolio.demo import _Book, demo_load
from recoup.portfolio.models import Contract
from recoup.portfolio.vin import vin_validate

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)


def _applications(seed: int, n: int):
    draw = _Book(seed, AS_OF)
    return [draw.application() for _ in range(n)]


def test_the_same_seed_draws_the_same_book():
    assert _applications(7, 25) == _applications(7, 25)
    assert _applications(7, 25) != _applications(8, 25)


def test_the_demo_book_mixes_countries_products_and_valid_vehicles():
    summary = demo_load(accounts=40, seed=11, as_of=AS_OF)

    contracts = list(Contract.objects.select_related("vehicle", "product"))
    assert summary.accounts == 40
    assert {c.country for c in contracts} == {"US", "GB"}
    assert len({c.product.code for c in contracts}) >= 4
    for contract in contracts:
        assert vin_validate(contract.vehicle.vin) == contract.vehicle.vin
    assert summary.receipts > 0
    assert ledger_verify() == []


def test_loading_the_demo_twice_leaves_the_first_book_alone():
    demo_load(accounts=3, seed=1, as_of=AS_OF)
    parties = Party.objects.count()

    again = demo_load(accounts=3, seed=1, as_of=AS_OF)

    assert again.already_loaded
    assert Party.objects.count() == parties
