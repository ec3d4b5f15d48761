"""Strategies: which accounts in arrears go to which queue, with which treatment, in what order.

A strategy's `rules` is a JSON object of conditions, all of which must hold:

    buckets                  ["30-59", "60-89"]  the account's arrears bucket is one of these
    min_balance_minor        50000               receivable balance at least (minor units)
    max_balance_minor        2500000             receivable balance at most
    min_arrears_minor        10000               amount in arrears at least
    max_arrears_minor        500000              amount in arrears at most
    min_days_past_due        30                  days since the oldest unpaid due date, at least
    max_days_past_due        89                  … at most
    products                 ["US-RIC"]          the contract's product is one of these
    jurisdictions            ["US-TX", "GB"]     "US-TX" exactly, or a whole country by "US" / "GB"
    min_days_since_contact   3                   no contact for at least this many days (never counts)
    min_broken_promises      1                   at least this many broken promises to pay
    collections_flag         true                the close of business flagged the account (or not)
    flags_any                ["bankruptcy"]      the customer has at least one of these flags
    flags_none               ["vulnerability"]   the customer has none of these flags

A customer with a flag that stops contact (bankruptcy, breathing space, cease communication,
deceased) matches only strategies that ask for such a flag in `flags_any`: a strategy that does
not think about them never sends a collector to call.

Strategies are tried in priority order (higher first, then code) and the first that matches wins.
Champion/challenger: a stable share of each strategy's accounts, chosen by an arithmetic hash of
the contract id and the strategy code (the same in every run and process), gets the challenger
treatment.

Pure: no Django, no clock, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from recoup.collections.errors import InvalidStrategy

CONTACT_STOPPING_FLAGS = ("bankruptcy", "breathing_space", "cease_communication", "deceased")
# The party flag kinds (parties.models.FlagKind), repeated here because this module imports no Django.
FLAG_KINDS = (
    "vulnerability",
    "bankruptcy",
    "deceased",
    "military",
    "breathing_space",
    "cease_communication",
    "dispute",
)
TREATMENTS = ("call", "letter", "email", "sms", "field_visit", "escalate")
LIST_KEYS = ("buckets", "products", "jurisdictions", "flags_any", "flags_none")
COUNT_KEYS = (
    "min_balance_minor",
    "max_balance_minor",
    "min_arrears_minor",
    "max_arrears_minor",
    "min_days_past_due",
    "max_days_past_due",
    "min_days_since_contact",
    "min_broken_promises",
)
RULE_KEYS = (*LIST_KEYS, *COUNT_KEYS, "collections_flag")

# The frame the rules are evaluated over: one row per account.
ACCOUNT_SCHEMA: dict[str, Any] = {
    "contract_id": pl.Int64,
    "bucket": pl.Utf8,
    "arrears_minor": pl.Int64,
    "receivable_minor": pl.Int64,
    "product_code": pl.Utf8,
    "jurisdiction": pl.Utf8,
    "days_past_due": pl.Int64,
    "days_since_contact": pl.Int64,  # null: never contacted
    "broken_promises": pl.Int64,
    "collections_flag": pl.Boolean,
    "flags": pl.List(pl.Utf8),  # the customer's active flags
}

# Rank = priority, then amount in arrears, then how long overdue, packed into one BIGINT (higher
# first). How long overdue is told by the oldest unpaid due date (days since 1970, the earlier the
# higher), not by days past due: ordering the same accounts the same way on any one day, it does
# not change from one night to the next, so the nightly run rewrites only the items that moved.
PRIORITY_CAP = 9_000
PRIORITY_SCALE = 10**15
ARREARS_CAP = 10**10 - 1
ARREARS_SCALE = 10**5
OVERDUE_SPAN = 99_999  # days since 1970 the oldest unpaid due date may be (to the year 2243)

_EPOCH = date(1970, 1, 1)

# The champion/challenger hash works modulo a prime below 2**31, so every product fits in an Int64.
_PRIME = 2_147_483_647
_MULTIPLIERS = (1_103_515_245 % _PRIME, 48_271, 69_621)


@dataclass(frozen=True)
class Rules:
    buckets: tuple[str, ...] | None = None
    products: tuple[str, ...] | None = None
    jurisdictions: tuple[str, ...] | None = None
    flags_any: tuple[str, ...] | None = None
    flags_none: tuple[str, ...] | None = None
    min_balance_minor: int | None = None
    max_balance_minor: int | None = None
    min_arrears_minor: int | None = None
    max_arrears_minor: int | None = None
    min_days_past_due: int | None = None
    max_days_past_due: int | None = None
    min_days_since_contact: int | None = None
    min_broken_promises: int | None = None
    collections_flag: bool | None = None

    def as_json(self) -> dict[str, Any]:
        """The rules as stored: only the conditions that are set, lists as lists."""
        out: dict[str, Any] = {}
        for key in RULE_KEYS:
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class StrategySpec:
    """A strategy as the batch evaluates it."""

    strategy_id: int
    code: str
    priority: int
    rules: Rules
    queue_id: int
    treatment: str
    challenger_percent: int = 0
    challenger_treatment: str = ""


def rules_parse(rules: Any) -> Rules:
    """Check a strategy's rules and return them typed.

    Raises InvalidStrategy naming the bad key as `rules.<key>` (or `rules` when it is not an object).
    """
    if not isinstance(rules, Mapping):
        raise InvalidStrategy("rules: must be an object of conditions", field="rules")
    values: dict[str, Any] = {}
    for key, value in rules.items():
        field = f"rules.{key}"
        if key not in RULE_KEYS:
            raise InvalidStrategy(f"{field}: unknown condition (known: {', '.join(RULE_KEYS)})", field=field)
        if key in LIST_KEYS:
            values[key] = _texts(value, field)
        elif key in COUNT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidStrategy(f"{field}: must be a whole number, 0 or more", field=field)
            values[key] = value
        else:
            if not isinstance(value, bool):
                raise InvalidStrategy(f"{field}: must be true or false", field=field)
            values[key] = value
    for key in ("flags_any", "flags_none"):
        for kind in values.get(key, ()):
            if kind not in FLAG_KINDS:
                raise InvalidStrategy(f"rules.{key}: {kind!r} is not a flag kind", field=f"rules.{key}")
    for low, high in (
        ("min_balance_minor", "max_balance_minor"),
        ("min_arrears_minor", "max_arrears_minor"),
        ("min_days_past_due", "max_days_past_due"),
    ):
        if low in values and high in values and values[low] > values[high]:
            raise InvalidStrategy(f"rules.{high}: is below {low}", field=f"rules.{high}")
    return Rules(**values)


def _texts(value: Any, field: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise InvalidStrategy(f"{field}: must be a non-empty list", field=field)
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise InvalidStrategy(f"{field}: every entry must be a non-empty text", field=field)
    return tuple(item.strip() for item in value)


def strategy_check(
    *, code: str, rules: Any, treatment: str, challenger_percent: int, challenger_treatment: str
) -> Rules:
    """Check a whole strategy; returns its parsed rules. Raises InvalidStrategy naming the field."""
    if not code.strip():
        raise InvalidStrategy("code: is required", field="code")
    if treatment not in TREATMENTS:
        raise InvalidStrategy(f"treatment: {treatment!r} is not a treatment", field="treatment")
    if not 0 <= challenger_percent <= 100:
        raise InvalidStrategy("challenger_percent: must be 0 to 100", field="challenger_percent")
    if challenger_percent and challenger_treatment not in TREATMENTS:
        raise InvalidStrategy(
            "challenger_treatment: a challenger share needs a challenger treatment",
            field="challenger_treatment",
        )
    return rules_parse(rules)


def rules_expression(rules: Rules) -> pl.Expr:
    """A boolean expression over ACCOUNT_SCHEMA columns: True where the account matches."""
    conditions: list[pl.Expr] = []
    if rules.buckets is not None:
        conditions.append(pl.col("bucket").is_in(list(rules.buckets)))
    if rules.products is not None:
        conditions.append(pl.col("product_code").is_in(list(rules.products)))
    if rules.jurisdictions is not None:
        exact = [j for j in rules.jurisdictions if "-" in j]
        countries = [j for j in rules.jurisdictions if "-" not in j]
        where = pl.col("jurisdiction").is_in(exact)
        if countries:
            where = where | pl.col("jurisdiction").str.split("-").list.first().is_in(countries)
        conditions.append(where)
    bounds = (
        ("min_balance_minor", "receivable_minor", True),
        ("max_balance_minor", "receivable_minor", False),
        ("min_arrears_minor", "arrears_minor", True),
        ("max_arrears_minor", "arrears_minor", False),
        ("min_days_past_due", "days_past_due", True),
        ("max_days_past_due", "days_past_due", False),
        ("min_broken_promises", "broken_promises", True),
    )
    for key, column, at_least in bounds:
        limit = getattr(rules, key)
        if limit is not None:
            conditions.append(pl.col(column) >= limit if at_least else pl.col(column) <= limit)
    if rules.min_days_since_contact is not None:
        since = pl.col("days_since_contact")
        conditions.append(since.is_null() | (since >= rules.min_days_since_contact))
    if rules.collections_flag is not None:
        conditions.append(pl.col("collections_flag") == rules.collections_flag)
    if rules.flags_any is not None:
        conditions.append(_has_any(rules.flags_any))
    if rules.flags_none is not None:
        conditions.append(~_has_any(rules.flags_none))
    if not set(rules.flags_any or ()) & set(CONTACT_STOPPING_FLAGS):
        conditions.append(~_has_any(CONTACT_STOPPING_FLAGS))
    return pl.all_horizontal(conditions)


def _has_any(kinds: Sequence[str]) -> pl.Expr:
    return pl.any_horizontal([pl.col("flags").list.contains(kind) for kind in kinds])


def strategies_order(strategies: Sequence[StrategySpec]) -> list[StrategySpec]:
    """The order strategies are tried in: higher priority first, then code."""
    return sorted(strategies, key=lambda s: (-s.priority, s.code))


def strategies_assign(
    accounts: pl.DataFrame, strategies: Sequence[StrategySpec], *, as_of: date
) -> pl.DataFrame:
    """Each account that some strategy matches, with the first one's placement.

    `accounts` has the ACCOUNT_SCHEMA columns (extra columns pass through). The result keeps them
    and adds strategy_id, queue_id, arm, treatment and rank.
    """
    ordered = strategies_order(strategies)
    if not ordered or accounts.is_empty():
        return _placed_empty(accounts)
    chain: Any = pl
    for index, strategy in enumerate(ordered):
        chain = chain.when(rules_expression(strategy.rules)).then(pl.lit(index, pl.Int64))
    table = pl.DataFrame(
        {
            "strategy_index": list(range(len(ordered))),
            "strategy_id": [s.strategy_id for s in ordered],
            "queue_id": [s.queue_id for s in ordered],
            "priority": [min(max(s.priority, 0), PRIORITY_CAP) for s in ordered],
            "champion_treatment": [s.treatment for s in ordered],
            "challenger_treatment": [s.challenger_treatment or s.treatment for s in ordered],
            "challenger_percent": [s.challenger_percent for s in ordered],
            "seed": [strategy_seed(s.code) for s in ordered],
        },
        schema={
            "strategy_index": pl.Int64,
            "strategy_id": pl.Int64,
            "queue_id": pl.Int64,
            "priority": pl.Int64,
            "champion_treatment": pl.Utf8,
            "challenger_treatment": pl.Utf8,
            "challenger_percent": pl.Int64,
            "seed": pl.Int64,
        },
    )
    matched = (
        accounts.with_columns(strategy_index=chain.otherwise(pl.lit(None, pl.Int64)))
        .filter(pl.col("strategy_index").is_not_null())
        .join(table, on="strategy_index")
    )
    challenger = challenger_bucket_expression(pl.col("contract_id"), pl.col("seed")) < pl.col(
        "challenger_percent"
    )
    return matched.with_columns(
        arm=pl.when(challenger).then(pl.lit("challenger")).otherwise(pl.lit("champion")),
        treatment=pl.when(challenger)
        .then(pl.col("challenger_treatment"))
        .otherwise(pl.col("champion_treatment")),
        rank=rank_expression(pl.col("priority"), pl.col("arrears_minor"), pl.col("days_past_due"), as_of),
    ).drop(
        "strategy_index",
        "priority",
        "champion_treatment",
        "challenger_treatment",
        "challenger_percent",
        "seed",
    )


def _placed_empty(accounts: pl.DataFrame) -> pl.DataFrame:
    return accounts.clear().with_columns(
        strategy_id=pl.lit(None, pl.Int64),
        queue_id=pl.lit(None, pl.Int64),
        arm=pl.lit(None, pl.Utf8),
        treatment=pl.lit(None, pl.Utf8),
        rank=pl.lit(None, pl.Int64),
    )


def rank_expression(
    priority: pl.Expr, arrears_minor: pl.Expr, days_past_due: pl.Expr, as_of: date
) -> pl.Expr:
    """Strategy priority, then the amount in arrears, then how long overdue, as one Int64 (higher first)."""
    oldest_unpaid_day = (as_of - _EPOCH).days - days_past_due.fill_null(0)
    overdue = (
        pl.when(days_past_due.fill_null(0) > 0)
        .then((OVERDUE_SPAN - oldest_unpaid_day).clip(1, OVERDUE_SPAN))
        .otherwise(0)
    )
    return (
        priority.clip(0, PRIORITY_CAP).cast(pl.Int64) * PRIORITY_SCALE
        + arrears_minor.fill_null(0).clip(0, ARREARS_CAP).cast(pl.Int64) * ARREARS_SCALE
        + overdue.cast(pl.Int64)
    )


def rank_of(*, priority: int, arrears_minor: int, days_past_due: int, as_of: date) -> int:
    """rank_expression for one account."""
    overdue = (
        0
        if days_past_due <= 0
        else min(max(OVERDUE_SPAN - ((as_of - _EPOCH).days - days_past_due), 1), OVERDUE_SPAN)
    )
    return (
        min(max(priority, 0), PRIORITY_CAP) * PRIORITY_SCALE
        + min(max(arrears_minor, 0), ARREARS_CAP) * ARREARS_SCALE
        + overdue
    )


def strategy_seed(code: str) -> int:
    """The strategy's part of the champion/challenger hash: from SHA-256, so the same everywhere."""
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:8], "big") % _PRIME


def challenger_bucket(*, contract_id: int, strategy_code: str) -> int:
    """0–99: the account is a challenger of the strategy when this is below its challenger percent."""
    return _bucket(contract_id, strategy_seed(strategy_code))


def _bucket(contract_id: int, seed: int) -> int:
    a, b, c = _MULTIPLIERS
    x = (contract_id % _PRIME + seed) % _PRIME
    x = (x * a + 12_345) % _PRIME
    x = (x * x + contract_id // _PRIME + seed) % _PRIME
    x = (x * b + seed) % _PRIME
    x = (x * c + 7) % _PRIME
    return x % 100


def challenger_bucket_expression(contract_id: pl.Expr, seed: pl.Expr) -> pl.Expr:
    """challenger_bucket in columns: the same arithmetic, every product below 2**62."""
    a, b, c = _MULTIPLIERS
    ids = contract_id.cast(pl.Int64)
    seed = seed.cast(pl.Int64)
    x = (ids % _PRIME + seed) % _PRIME
    x = (x * a + 12_345) % _PRIME
    x = (x * x + ids // _PRIME + seed) % _PRIME
    x = (x * b + seed) % _PRIME
    x = (x * c + 7) % _PRIME
    return x % 100
