# ruff: noqa: S608 - the SQL is spliced only from constants, table names and vendor date expressions
"""The strategy run after each close of business: every account in arrears placed in a queue, set-based.

One scan of the arrears state, a handful of grouped reads driven by a temporary table of the
accounts concerned, the strategies evaluated as one Polars `when/then` chain, and the work items
written with three bulk statements (insert the new, update the moved, delete the gone). No row
passes through a per-account Python loop.

The first run, and any run after the active strategies changed, reads every account in arrears.
Every other night reads only the accounts whose placement can have changed since the last run
(`changed_accounts`): their arrears state changed, their days past due or since the last contact
crossed a limit some strategy names, a contact, promise, flag or address of theirs is new or came
round, or their work item's next-action date passed. So a steady night costs the accounts that
moved, not the whole of the accounts in arrears.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
from django.db import connection, transaction

from recoup.collections.errors import InvalidStrategy
from recoup.collections.models import Strategy, StrategyRun
from recoup.collections.strategies import ACCOUNT_SCHEMA, StrategySpec, rules_parse, strategies_assign
from recoup.compliance.calling_hours import JURISDICTION_ZONE_SETS
from recoup.kernel import bulk

WORK = "collections_workitem"
IDS = "strategy_ids"
CHANGED = "strategy_changed"
COUNT_NAMES = ("accounts", "matched", "placed", "moved", "removed", "kept_held", "full")
# Dates a person enters (a flag cleared, a promise settled after a returned payment) may lie a little
# in the past: the nightly read looks this far back for them.
LOOKBACK_DAYS = 31
_EPOCH = date(1970, 1, 1)
TIME_ZONE_LENGTH = 64  # WorkItem.time_zone's max_length
PLACEMENT = (
    "strategy_id",
    "queue_id",
    "arm",
    "treatment",
    "rank",
    "placed_date",
    "time_zone",
    "not_before_date",
)


def strategies_apply(*, as_of: date, at: datetime, full: bool = False) -> dict[str, int]:
    """Place every account in arrears (or flagged for collections) by the active strategies.

    New accounts get a work item; moved accounts have theirs updated (an agent's hold and a team
    leader's assignment are kept); accounts no longer matched lose theirs unless an agent holds it.
    After a first run, only the accounts whose placement can have changed since the last run are
    read, unless `full` or the active strategies changed; none is read while no strategy is active
    and no work item is open. Returns counts: accounts (read), matched,
    placed, moved, removed, kept_held, full (1 for a read of every account).

    Raises InvalidStrategy (field "<code>.rules.<key>") when an active strategy's rules are bad;
    nothing is written then.
    """
    specs = strategies_read()
    fingerprint = specs_fingerprint(specs)
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        previous = StrategyRun.objects.filter(business_date__lt=as_of).order_by("-business_date").first()
        whole = full or previous is None or previous.fingerprint != fingerprint
        marks = _watermarks(cursor)
        if not whole and not specs and not _work_items_exist(cursor):
            # No strategy to place anyone, as at the last run, and no item left to take away.
            counts = dict.fromkeys(COUNT_NAMES, 0)
        else:
            counts = _placements_apply(cursor, vendor, previous if not whole else None, specs, as_of)
        StrategyRun.objects.update_or_create(
            business_date=as_of,
            defaults={"ran_at": at, "fingerprint": fingerprint, "full": whole, "counts": counts, **marks},
        )
    return counts


def _placements_apply(
    cursor: Any, vendor: str, previous: StrategyRun | None, specs: list[StrategySpec], as_of: date
) -> dict[str, int]:
    """Read the accounts (every one, or with `previous` those changed since that run), place them
    and bring their work items to the placing."""
    if previous is not None:
        bulk.temp_table_load(cursor, vendor, CHANGED, changed_accounts(cursor, previous, as_of, specs))
    only = None if previous is None else CHANGED
    accounts = accounts_read(cursor, vendor, as_of, only=only)
    placed = strategies_assign(accounts, specs, as_of=as_of)
    counts = {"accounts": accounts.height, "matched": placed.height}
    counts |= _work_items_write(cursor, vendor, placed, as_of, only=only)
    counts["full"] = int(previous is None)
    if previous is not None:
        cursor.execute(f"DROP TABLE {CHANGED}")
    return counts


def _work_items_exist(cursor: Any) -> bool:
    cursor.execute(f"SELECT 1 FROM {WORK} LIMIT 1")
    return cursor.fetchone() is not None


def specs_fingerprint(specs: list[StrategySpec]) -> str:
    """What the placements depend on in the active strategies, as one digest."""
    text = json.dumps(
        [
            [
                s.strategy_id,
                s.code,
                s.priority,
                s.rules.as_json(),
                s.queue_id,
                s.treatment,
                s.challenger_percent,
                s.challenger_treatment,
            ]
            for s in specs
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _watermarks(cursor: Any) -> dict[str, int]:
    marks = {}
    for name, table in (
        ("contact_watermark", "collections_contact"),
        ("promise_watermark", "collections_promise"),
        ("flag_watermark", "parties_partyflag"),
        ("address_watermark", "parties_address"),
    ):
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        marks[name] = int(cursor.fetchone()[0])
    return marks


def _thresholds(specs: list[StrategySpec]) -> tuple[set[int], set[int]]:
    """The days past due, and the days since the last contact, at which some strategy's answer
    changes: a minimum m on the day it is reached, a maximum M on the day after it. The rank counts
    how long overdue from the first day past due, so that day is one too."""
    past_due: set[int] = {1}
    since_contact: set[int] = set()
    for spec in specs:
        if spec.rules.min_days_past_due is not None:
            past_due.add(spec.rules.min_days_past_due)
        if spec.rules.max_days_past_due is not None:
            past_due.add(spec.rules.max_days_past_due + 1)
        if spec.rules.min_days_since_contact is not None:
            since_contact.add(spec.rules.min_days_since_contact)
    return past_due, since_contact


def changed_accounts(
    cursor: Any, previous: StrategyRun, as_of: date, specs: list[StrategySpec]
) -> pl.DataFrame:
    """The contract ids whose placement can differ from the last run's (on `previous`)."""
    last = previous.business_date
    back = last - timedelta(days=LOOKBACK_DAYS)
    past_due, since_contact = _thresholds(specs)
    reads: list[tuple[str, list[Any]]] = [
        ("SELECT contract_id FROM arrears_arrearsstate WHERE changed_date > %s", [last]),
        ("SELECT contract_id FROM collections_contact WHERE id > %s", [previous.contact_watermark]),
        (
            "SELECT contract_id FROM collections_contact WHERE next_action_date BETWEEN %s AND %s",
            [last, as_of],
        ),
        (
            "SELECT contract_id FROM collections_promise WHERE id > %s OR settled_date >= %s",
            [previous.promise_watermark, back],
        ),
        (
            "SELECT p.contract_id FROM collections_promisepayment d "
            "JOIN collections_promise p ON p.id = d.promise_id WHERE d.due_date BETWEEN %s AND %s",
            [last, as_of],
        ),
        (
            "SELECT c.id FROM parties_partyflag f JOIN portfolio_contract c ON c.customer_id = f.party_id "
            "WHERE f.id > %s OR f.set_date > %s OR f.cleared_date >= %s OR f.until_date BETWEEN %s AND %s",
            [previous.flag_watermark, back, back, back, as_of],
        ),
        (
            "SELECT c.id FROM parties_address a JOIN portfolio_contract c ON c.customer_id = a.party_id "
            "WHERE a.id > %s",
            [previous.address_watermark],
        ),
        # A next action that passed is cleared; an item an agent held, or worked since, may be one a
        # strategy no longer matches and that only the hold kept.
        (
            "SELECT contract_id FROM collections_workitem WHERE not_before_date <= %s "
            "OR held_by_id IS NOT NULL OR worked_at >= %s",
            [as_of, previous.ran_at - timedelta(days=1)],
        ),
        (
            "SELECT w.contract_id FROM collections_workitem w "
            "JOIN portfolio_contract c ON c.id = w.contract_id WHERE c.status <> 'active'",
            [],
        ),
    ]
    for days in sorted(past_due):
        reads.append(
            (
                "SELECT contract_id FROM arrears_arrearsstate WHERE oldest_unpaid_due_date BETWEEN %s AND %s",
                [last + timedelta(days=1 - days), as_of - timedelta(days=days)],
            )
        )
    for days in sorted(since_contact):
        reads.append(
            (
                "SELECT contract_id FROM collections_contact WHERE at >= %s AND at < %s",
                [_midnight(last + timedelta(days=1 - days)), _midnight(as_of + timedelta(days=1 - days))],
            )
        )
    frames = [bulk.frame_query(cursor, sql, params, {"contract_id": pl.Int64}) for sql, params in reads]
    return pl.concat(frames).unique()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def strategies_read() -> list[StrategySpec]:
    """The active strategies, their rules checked."""
    specs = []
    for strategy in Strategy.objects.filter(active=True).order_by("-priority", "code"):
        try:
            rules = rules_parse(strategy.rules)
        except InvalidStrategy as error:
            field = f"{strategy.code}.{error.field}"
            raise InvalidStrategy(f"strategy {strategy.code}: {error.message}", field=field) from None
        specs.append(
            StrategySpec(
                strategy_id=strategy.pk,
                code=strategy.code,
                priority=strategy.priority,
                rules=rules,
                queue_id=strategy.queue_id,
                treatment=strategy.treatment,
                challenger_percent=strategy.challenger_percent,
                challenger_treatment=strategy.challenger_treatment,
            )
        )
    return specs


def accounts_read(cursor: Any, vendor: str, as_of: date, *, only: str | None = None) -> pl.DataFrame:
    """One row per active account in arrears or flagged, with what the rules look at (ACCOUNT_SCHEMA)
    and what placing it needs: customer_id, time_zone, next_action_date. `only` names a temporary
    table of the contract ids to read, when not every account is."""
    days = bulk.sql_epoch_days
    among = f"AND s.contract_id IN (SELECT contract_id FROM {only}) " if only else ""
    state = bulk.frame_query(
        cursor,
        "SELECT s.contract_id, c.customer_id, s.bucket, s.arrears_minor, s.receivable_minor, s.product_code, "
        f"s.jurisdiction, {days(vendor, 's.oldest_unpaid_due_date')}, s.collections_flag "
        "FROM arrears_arrearsstate s "
        "JOIN portfolio_contract c ON c.id = s.contract_id AND c.status = 'active' "
        f"WHERE (s.arrears_minor > 0 OR s.collections_flag) {among}",
        [],
        {
            "contract_id": pl.Int64,
            "customer_id": pl.Int64,
            "bucket": pl.Utf8,
            "arrears_minor": pl.Int64,
            "receivable_minor": pl.Int64,
            "product_code": pl.Utf8,
            "jurisdiction": pl.Utf8,
            "oldest_unpaid": pl.Date,
            "collections_flag": pl.Boolean,
        },
    )
    bulk.temp_table_load(cursor, vendor, IDS, state.select("contract_id", "customer_id"))
    contacts = _contacts_read(cursor, vendor, as_of)
    broken = bulk.frame_query(
        cursor,
        "SELECT p.contract_id, COUNT(*) FROM collections_promise p "
        f"JOIN {IDS} i ON i.contract_id = p.contract_id "
        "WHERE p.status = 'broken' GROUP BY p.contract_id",
        [],
        {"contract_id": pl.Int64, "broken_promises": pl.Int64},
    )
    promised = bulk.frame_query(
        cursor,
        f"SELECT p.contract_id, MIN({days(vendor, 'pp.due_date')}) FROM collections_promise p "
        f"JOIN {IDS} i ON i.contract_id = p.contract_id "
        "JOIN collections_promisepayment pp ON pp.promise_id = p.id AND pp.status = 'open' "
        "WHERE p.status = 'open' AND pp.due_date >= %s GROUP BY p.contract_id",
        [as_of],
        {"contract_id": pl.Int64, "promise_due": pl.Date},
    )
    flags = (
        bulk.frame_query(
            cursor,
            # The flags that apply on the day (parties.flag_details.flag_active_on): a standard
            # Breathing Space past its 60th day no longer stops contact, though nobody cleared it.
            f"SELECT i.contract_id, f.kind FROM {IDS} i "
            "JOIN parties_partyflag f ON f.party_id = i.customer_id "
            "WHERE f.set_date <= %s AND (f.cleared_date IS NULL OR f.cleared_date > %s) "
            "AND (f.until_date IS NULL OR f.until_date >= %s)",
            [as_of, as_of, as_of],
            {"contract_id": pl.Int64, "kind": pl.Utf8},
        )
        .group_by("contract_id")
        .agg(flags=pl.col("kind").sort())
    )
    zones = _time_zones_read(cursor)
    frame = (
        state.join(contacts, on="contract_id", how="left")
        .join(broken, on="contract_id", how="left")
        .join(promised, on="contract_id", how="left")
        .join(flags, on="contract_id", how="left")
        .join(zones, on="contract_id", how="left")
        .with_columns(
            days_past_due=pl.when(pl.col("oldest_unpaid").is_null())
            .then(0)
            .otherwise((pl.lit(as_of) - pl.col("oldest_unpaid")).dt.total_days())
            .cast(pl.Int64),
            days_since_contact=((as_of - _EPOCH).days - pl.col("last_contact_second").floordiv(86_400)).cast(
                pl.Int64
            ),
            broken_promises=pl.col("broken_promises").fill_null(0),
            flags=pl.col("flags").fill_null(pl.lit([], pl.List(pl.Utf8))),
            time_zone=pl.coalesce(
                pl.col("time_zones"),
                pl.col("jurisdiction").replace_strict(JURISDICTION_ZONE_SETS, default=""),
            ).str.slice(0, TIME_ZONE_LENGTH),
            # Not before the next action agreed at the last contact, nor while a promise is running.
            next_action_date=pl.max_horizontal(
                pl.col("next_action_date"), pl.col("promise_due") + pl.duration(days=1)
            ),
        )
    )
    return frame.select(
        *ACCOUNT_SCHEMA, "customer_id", "time_zone", pl.col("next_action_date").cast(pl.Date)
    ).cast({name: kind for name, kind in ACCOUNT_SCHEMA.items() if name != "flags"})


def _contacts_read(cursor: Any, vendor: str, as_of: date) -> pl.DataFrame:
    """Per account: the moment of the last contact (epoch seconds) and the next action it agreed,
    when that is after `as_of`."""
    seconds = (
        "CAST(strftime('%%s', k.at) AS INTEGER)"
        if vendor == "sqlite"
        else "CAST(EXTRACT(EPOCH FROM k.at) AS BIGINT)"
    )
    last = bulk.frame_query(
        cursor,
        f"SELECT k.contract_id, MAX({seconds}) FROM collections_contact k "
        f"JOIN {IDS} i ON i.contract_id = k.contract_id GROUP BY k.contract_id",
        [],
        {"contract_id": pl.Int64, "last_contact_second": pl.Int64},
    )
    agreed = bulk.frame_query(
        cursor,
        f"SELECT k.contract_id, {seconds}, {bulk.sql_epoch_days(vendor, 'k.next_action_date')} "
        f"FROM collections_contact k JOIN {IDS} i ON i.contract_id = k.contract_id "
        "WHERE k.next_action_date > %s",
        [as_of],
        {"contract_id": pl.Int64, "second": pl.Int64, "next_action_date": pl.Date},
    )
    latest = (
        agreed.join(last, on="contract_id")
        .filter(pl.col("second") == pl.col("last_contact_second"))
        .group_by("contract_id")
        .agg(pl.col("next_action_date").max())
    )
    return last.join(latest, on="contract_id", how="left")


def _time_zones_read(cursor: Any) -> pl.DataFrame:
    """The zones of each customer's current primary address (the home address first)."""
    return (
        bulk.frame_query(
            cursor,
            f"SELECT i.contract_id, a.purpose, a.id, a.time_zones FROM {IDS} i "
            "JOIN parties_address a ON a.party_id = i.customer_id "
            "WHERE a.is_primary AND a.valid_to_date IS NULL",
            [],
            {"contract_id": pl.Int64, "purpose": pl.Utf8, "address_id": pl.Int64, "time_zones": pl.Utf8},
        )
        .sort(pl.col("purpose") != "home", "address_id")
        .group_by("contract_id", maintain_order=True)
        .first()
        .select("contract_id", "time_zones")
    )


def _work_items_write(
    cursor: Any, vendor: str, placed: pl.DataFrame, as_of: date, *, only: str | None = None
) -> dict[str, int]:
    """Bring the work items of the accounts read (all, or those in the table `only`) to `placed`."""
    among = f" WHERE contract_id IN (SELECT contract_id FROM {only})" if only else ""
    current = bulk.frame_query(
        cursor,
        "SELECT id, contract_id, strategy_id, queue_id, arm, treatment, rank, "
        f"{bulk.sql_epoch_days(vendor, 'placed_date')}, time_zone, "
        f"{bulk.sql_epoch_days(vendor, 'not_before_date')}, held_by_id IS NOT NULL FROM {WORK}{among}",
        [],
        {
            "id": pl.Int64,
            "contract_id": pl.Int64,
            "strategy_id": pl.Int64,
            "queue_id": pl.Int64,
            "arm": pl.Utf8,
            "treatment": pl.Utf8,
            "rank": pl.Int64,
            "placed_date": pl.Date,
            "time_zone": pl.Utf8,
            "not_before_date": pl.Date,
            "held": pl.Boolean,
        },
    )
    target = placed.select(
        "contract_id",
        "strategy_id",
        "queue_id",
        "arm",
        "treatment",
        "rank",
        "time_zone",
        not_before_date=pl.when(pl.col("next_action_date") > pl.lit(as_of)).then(pl.col("next_action_date")),
    )
    fresh = target.join(current, on="contract_id", how="anti").with_columns(placed_date=pl.lit(as_of))
    bulk.frame_insert(cursor, vendor, WORK, fresh.select("contract_id", *PLACEMENT))

    was = current.rename({column: f"{column}_was" for column in PLACEMENT})
    both = target.join(was, on="contract_id")
    kept = both.with_columns(
        # A queue's age counts from when the account came into it.
        placed_date=pl.when(pl.col("queue_id") == pl.col("queue_id_was"))
        .then(pl.col("placed_date_was"))
        .otherwise(pl.lit(as_of)),
        # A next-action date set when the work was done stands until it passes.
        not_before_date=pl.max_horizontal(
            pl.col("not_before_date"),
            pl.when(pl.col("not_before_date_was") > pl.lit(as_of)).then(pl.col("not_before_date_was")),
        ),
    )
    changed = pl.any_horizontal(pl.col(column).ne_missing(pl.col(f"{column}_was")) for column in PLACEMENT)
    moved = kept.filter(changed).select("id", *PLACEMENT)
    bulk.frame_update(cursor, vendor, WORK, "id", moved)

    gone = current.join(target, on="contract_id", how="anti")
    removable = gone.filter(~pl.col("held"))
    removed = 0
    if removable.height:
        bulk.temp_table_load(cursor, vendor, "work_gone", removable.select("id"))
        # Held again here rather than trusted from the read: an agent may have taken it since.
        cursor.execute(f"DELETE FROM {WORK} WHERE held_by_id IS NULL AND id IN (SELECT id FROM work_gone)")
        removed = cursor.rowcount
        cursor.execute("DROP TABLE work_gone")
    cursor.execute(f"DROP TABLE {IDS}")
    return {
        "placed": fresh.height,
        "moved": moved.height,
        "removed": removed,
        "kept_held": gone.height - removed,
    }
