"""Strategies: rules checked naming the bad key, evaluated in columns, first match by priority wins,
and a champion/challenger split that is the same in every run."""

import subprocess
import sys
from datetime import date

import polars as pl
import pytest

from recoup.collections.errors import InvalidStrategy
from recoup.collections.strategies import (
    ACCOUNT_SCHEMA,
    Rules,
    StrategySpec,
    challenger_bucket,
    challenger_bucket_expression,
    rank_of,
    rules_expression,
    rules_parse,
    strategies_assign,
    strategy_check,
    strategy_seed,
)

AS_OF = date(2026, 3, 31)


def accounts(*rows: dict) -> pl.DataFrame:
    base = {
        "contract_id": 1,
        "bucket": "30-59",
        "arrears_minor": 40_000,
        "receivable_minor": 1_200_000,
        "product_code": "US-RIC",
        "jurisdiction": "US-TX",
        "days_past_due": 35,
        "days_since_contact": None,
        "broken_promises": 0,
        "collections_flag": True,
        "flags": [],
    }
    return pl.DataFrame([{**base, **row} for row in rows], schema=ACCOUNT_SCHEMA)


def matches(rules: dict, **row: object) -> bool:
    return bool(accounts(row).select(rules_expression(rules_parse(rules))).item())


def spec(code: str, priority: int, rules: dict, queue_id: int = 1, **more: object) -> StrategySpec:
    more.setdefault("treatment", "call")
    return StrategySpec(
        strategy_id=priority,
        code=code,
        priority=priority,
        rules=rules_parse(rules),
        queue_id=queue_id,
        **more,
    )


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([], "rules"),
        ({"bucket": ["30-59"]}, "rules.bucket"),
        ({"buckets": "30-59"}, "rules.buckets"),
        ({"buckets": []}, "rules.buckets"),
        ({"products": ["US-RIC", ""]}, "rules.products"),
        ({"min_balance_minor": -1}, "rules.min_balance_minor"),
        ({"min_balance_minor": 12.5}, "rules.min_balance_minor"),
        ({"min_broken_promises": True}, "rules.min_broken_promises"),
        ({"collections_flag": "yes"}, "rules.collections_flag"),
        ({"flags_any": ["bankrupt"]}, "rules.flags_any"),
        ({"min_days_past_due": 90, "max_days_past_due": 30}, "rules.max_days_past_due"),
        ({"min_balance_minor": 5, "max_balance_minor": 4}, "rules.max_balance_minor"),
    ],
)
def test_bad_rules_are_refused_naming_the_key(rules, field):
    with pytest.raises(InvalidStrategy) as refused:
        rules_parse(rules)

    assert refused.value.field == field


def test_rules_parsed_come_back_as_they_were_stored():
    stored = {"buckets": ["30-59", "60-89"], "min_balance_minor": 50_000, "collections_flag": True}

    assert rules_parse(stored).as_json() == stored


def test_no_rules_match_every_account_without_a_contact_stop():
    assert matches({})
    assert not matches({}, flags=["cease_communication"])


def test_a_strategy_asking_for_a_contact_stop_flag_matches_those_accounts():
    assert matches({"flags_any": ["bankruptcy", "deceased"]}, flags=["deceased"])
    assert not matches({"flags_any": ["bankruptcy"]}, flags=[])


def test_a_vulnerability_flag_does_not_stop_contact_but_flags_none_can_exclude_it():
    assert matches({}, flags=["vulnerability"])
    assert not matches({"flags_none": ["vulnerability"]}, flags=["vulnerability"])


def test_buckets_products_and_balances_must_all_hold():
    rules = {"buckets": ["30-59"], "products": ["US-RIC"], "min_balance_minor": 1_000_000}

    assert matches(rules)
    assert not matches(rules, bucket="60-89")
    assert not matches(rules, product_code="UK-PCP")
    assert not matches(rules, receivable_minor=999_999)


def test_a_balance_at_the_limit_is_inside_it():
    assert matches({"max_arrears_minor": 40_000}, arrears_minor=40_000)
    assert not matches({"max_arrears_minor": 39_999}, arrears_minor=40_000)


def test_a_jurisdiction_is_named_exactly_or_by_its_country():
    assert matches({"jurisdictions": ["US-TX"]})
    assert matches({"jurisdictions": ["US"]})
    assert not matches({"jurisdictions": ["GB"]})
    assert matches({"jurisdictions": ["GB", "US-CA"]}, jurisdiction="GB-SCT")


def test_an_account_never_contacted_has_waited_long_enough():
    assert matches({"min_days_since_contact": 3}, days_since_contact=None)
    assert matches({"min_days_since_contact": 3}, days_since_contact=3)
    assert not matches({"min_days_since_contact": 3}, days_since_contact=2)


def test_broken_promises_and_the_collections_flag_are_conditions():
    assert not matches({"min_broken_promises": 1})
    assert matches({"min_broken_promises": 1}, broken_promises=2)
    assert matches({"collections_flag": False}, collections_flag=False)
    assert not matches({"collections_flag": False})


def test_the_first_matching_strategy_by_priority_wins():
    frame = accounts({"contract_id": 1, "days_past_due": 95}, {"contract_id": 2, "days_past_due": 10})
    late = spec("late", 80, {"min_days_past_due": 90}, queue_id=3)
    anything = spec("anything", 10, {}, queue_id=1)

    placed = strategies_assign(frame, [anything, late], as_of=AS_OF).sort("contract_id")

    assert placed["queue_id"].to_list() == [3, 1]


def test_an_account_no_strategy_matches_is_not_placed():
    frame = accounts({"contract_id": 1, "days_past_due": 10})

    placed = strategies_assign(frame, [spec("late", 80, {"min_days_past_due": 90})], as_of=AS_OF)

    assert placed.is_empty()
    assert "queue_id" in placed.columns


def test_rank_orders_by_priority_then_arrears_then_days_past_due():
    assert rank_of(priority=2, arrears_minor=0, days_past_due=0, as_of=AS_OF) > rank_of(
        priority=1, arrears_minor=10**12, days_past_due=9_999, as_of=AS_OF
    )
    assert rank_of(priority=1, arrears_minor=500, days_past_due=1, as_of=AS_OF) > rank_of(
        priority=1, arrears_minor=499, days_past_due=400, as_of=AS_OF
    )
    assert rank_of(priority=1, arrears_minor=500, days_past_due=31, as_of=AS_OF) > rank_of(
        priority=1, arrears_minor=500, days_past_due=30, as_of=AS_OF
    )


def test_the_rank_of_an_account_stands_from_one_night_to_the_next_when_nothing_else_changes():
    tonight = rank_of(priority=1, arrears_minor=500, days_past_due=30, as_of=AS_OF)

    assert rank_of(priority=1, arrears_minor=500, days_past_due=31, as_of=date(2026, 4, 1)) == tonight
    assert rank_of(priority=1, arrears_minor=500, days_past_due=0, as_of=AS_OF) < tonight


def test_the_rank_in_columns_is_the_rank_of_one_account():
    frame = accounts({"contract_id": 7, "arrears_minor": 123_456, "days_past_due": 61})

    placed = strategies_assign(frame, [spec("mid", 50, {})], as_of=AS_OF)

    assert placed["rank"].item() == rank_of(priority=50, arrears_minor=123_456, days_past_due=61, as_of=AS_OF)


def test_the_challenger_share_is_close_to_its_percent_and_gets_its_treatment():
    frame = accounts(*({"contract_id": n} for n in range(1, 10_001)))
    strategy = spec("mid", 50, {}, treatment="call", challenger_percent=20, challenger_treatment="sms")

    placed = strategies_assign(frame, [strategy], as_of=AS_OF)

    challengers = placed.filter(pl.col("arm") == "challenger")
    assert 1_850 <= challengers.height <= 2_150
    assert set(challengers["treatment"]) == {"sms"}
    assert set(placed.filter(pl.col("arm") == "champion")["treatment"]) == {"call"}


def test_the_split_in_columns_equals_the_split_of_one_account():
    ids = [1, 2, 3, 999, 2**31 - 2, 2**31 + 5, 4_000_000_017, 2**40]
    frame = pl.DataFrame({"contract_id": ids})

    buckets = frame.select(challenger_bucket_expression(pl.col("contract_id"), pl.lit(strategy_seed("mid"))))

    assert buckets.to_series().to_list() == [
        challenger_bucket(contract_id=i, strategy_code="mid") for i in ids
    ]


def test_the_split_differs_between_strategies():
    ids = range(1, 1_001)

    early = [challenger_bucket(contract_id=i, strategy_code="early") < 50 for i in ids]
    late = [challenger_bucket(contract_id=i, strategy_code="late") < 50 for i in ids]

    assert early != late


def test_the_split_is_the_same_in_another_process():
    code = (
        "from recoup.collections.strategies import challenger_bucket;"
        "print([challenger_bucket(contract_id=i, strategy_code='mid') for i in (1, 42, 10**9)])"
    )

    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    here = [challenger_bucket(contract_id=i, strategy_code="mid") for i in (1, 42, 10**9)]
    assert other.stdout.strip() == str(here)


def test_a_challenger_share_needs_a_challenger_treatment():
    with pytest.raises(InvalidStrategy) as refused:
        strategy_check(code="mid", rules={}, treatment="call", challenger_percent=10, challenger_treatment="")

    assert refused.value.field == "challenger_treatment"


def test_an_unknown_treatment_is_refused():
    with pytest.raises(InvalidStrategy) as refused:
        strategy_check(
            code="mid", rules={}, treatment="carrier_pigeon", challenger_percent=0, challenger_treatment=""
        )

    assert refused.value.field == "treatment"


def test_empty_rules_parse_to_no_conditions():
    assert rules_parse({}) == Rules()
