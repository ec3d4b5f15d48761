"""The demo sets up one ACH company and one Bacs service user, once, so that a mandate can be recorded
on a demo account of either country."""

import pytest

from recoup.cli.main import main
from recoup.payments.debits.models import Originator
from recoup.payments.debits.queries import originators_for

pytestmark = pytest.mark.django_db


def test_the_demo_sets_up_its_debit_collectors_once(capsys):
    first = main(["demo", "--accounts", "4", "--as-of", "2024-03-01"])
    again = main(["demo", "--accounts", "4", "--as-of", "2024-03-01"])

    out = capsys.readouterr().out
    assert (first, again) == (0, 0)
    assert out.count("Set up the demo's debit collectors") == 1
    assert sorted(Originator.objects.values_list("code", "scheme", "currency")) == [
        ("DEMO-ACH", "ach", "USD"),
        ("DEMO-DD", "bacs", "GBP"),
    ]
    assert [o.code for o in originators_for(currency="GBP")] == ["DEMO-DD"]
