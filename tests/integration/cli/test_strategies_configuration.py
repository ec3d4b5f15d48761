"""Queues and strategies set from a JSON document, read back, all or nothing."""

import io
import json

import pytest

from recoup.access.models import AuditEvent
from recoup.access.operations import user_create
from recoup.cli.main import main
from recoup.collections.models import Queue, Strategy

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "queues": [{"code": "late", "name": "Late stage", "priority": 30}],
    "strategies": [
        {
            "code": "late",
            "name": "90+ days",
            "queue": "late",
            "priority": 80,
            "rules": {"min_days_past_due": 90},
            "treatment": "call",
            "challenger_percent": 20,
            "challenger_treatment": "field_visit",
        }
    ],
}


def _load(document: object, monkeypatch, capsys) -> tuple[int, dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))
    code = main(["strategies", "load", "-", "--by", "hoc", "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def _head_of_credit() -> None:
    user_create(username="hoc", password="not-used-here-1", role="head_of_credit")


def test_a_document_sets_the_queues_and_strategies_and_show_reads_it_back(monkeypatch, capsys) -> None:
    code, counts = _load(DOCUMENT, monkeypatch, capsys)
    main(["strategies", "show", "--json"])
    shown = json.loads(capsys.readouterr().out)

    assert code == 0
    assert counts == {"queues": 1, "strategies": 1}
    assert shown["strategies"][0]["challenger_percent"] == 20
    assert shown["queues"][0]["code"] == "late"
    assert AuditEvent.objects.filter(action="strategy.save").count() == 1


def test_a_bad_rule_is_named_by_its_place_and_nothing_is_saved(monkeypatch, capsys) -> None:
    document = json.loads(json.dumps(DOCUMENT))
    document["strategies"].append({**document["strategies"][0], "code": "odd", "rules": {"buckets": "x"}})

    code, refused = _load(document, monkeypatch, capsys)

    assert code == 2
    assert refused["field"].startswith("strategies[1].rules")
    assert not Queue.objects.exists()
    assert not Strategy.objects.exists()


def test_an_unknown_setting_is_refused_by_name(monkeypatch, capsys) -> None:
    code, refused = _load({"queues": [{"code": "a", "name": "A", "colour": "red"}]}, monkeypatch, capsys)

    assert code == 2
    assert refused["field"] == "queues[0].colour"
