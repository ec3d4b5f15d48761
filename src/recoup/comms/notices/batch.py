# ruff: noqa: S608 - the SQL is spliced only from constants, table names and vendor date expressions
"""After each close: which accounts' statutory notices fall due, found set-based.

Two grouped reads over the arrears state — the UK accounts in arrears with at least two payments
fallen due, and the Kansas and Massachusetts accounts with a payment at least ten days late — and
one read of the notices those accounts already have (through a temporary table of their ids), then
the rules as Polars columns. No Python loop over accounts.

The first night reads every account in arrears. After it, a night reads only the accounts that can
have a notice fall due since the last night recorded (`since`): those whose arrears state changed,
those whose oldest unpaid payment came of age for a right to cure, and those whose last notice of
sums in arrears is about six months old. On a steady night that is a few thousand rows of a
4-million-account book, read by index.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from dateutil.relativedelta import relativedelta

from recoup.comms.notices.content import ARREARS_S86B, RIGHT_TO_CURE
from recoup.comms.notices.uk_rules import S86B_REPEAT_LEAD_DAYS, S86B_REPEAT_MONTHS, WEEKLY_OR_LESS
from recoup.comms.notices.us_rules import RIGHT_TO_CURE as CURE_RULES
from recoup.kernel import bulk

STATE = "arrears_arrearsstate"
CONTRACT = "portfolio_contract"
NOTICE = "comms_notices_notice"
IDS = "notice_ids"
CHANGED_INDEX = "arrears_state_changed"

CANDIDATE_SCHEMA = {
    "contract_id": pl.Int64,
    "jurisdiction": pl.Utf8,
    "currency": pl.Utf8,
    "installments_due": pl.Int64,
    "arrears_minor": pl.Int64,
    "due_to_date_minor": pl.Int64,
    "paid_to_date_minor": pl.Int64,
    "last_installment_minor": pl.Int64,
    "frequency": pl.Utf8,
    "oldest_unpaid_due_date": pl.Date,
}
SELECTED_SCHEMA = {**CANDIDATE_SCHEMA, "kind": pl.Utf8, "repeat": pl.Boolean, "last_sent_date": pl.Date}


def notices_select(cursor: Any, vendor: str, as_of: date, *, since: date | None = None) -> pl.DataFrame:
    """The notices the rules raise on `as_of` that are not yet recorded: one row per account and kind.

    `since` is the last night recorded before `as_of` (None: none was, so every account is read).
    A notice can only fall due after it where the account's state changed (its `changed_date` is
    after `since`), where a right to cure's days in default ran out, or where a notice of sums in
    arrears comes up for its repeat; only those accounts are read, and the rules are the same.

    - UK, CCA s.86B: the trigger met (uk_rules.s86b_triggered, here as columns) and no duty running
      (no notice sent since the oldest unpaid payment fell due), a first notice; or a duty running,
      still in arrears, and six months since the last notice less the fortnight's lead, a repeat.
    - Kansas: a payment 10 days late and no right-to-cure notice ever (once per contract).
    - Massachusetts: a payment 10 days late and no notice for that missed payment yet.
    An account with a notice of the kind still due (held back, e.g. with no address) gets no second
    one: the held one is retried instead.
    """
    candidates = pl.concat(
        [_uk_candidates(cursor, vendor, as_of, since), _us_candidates(cursor, vendor, as_of, since)]
    ).unique("contract_id", keep="first", maintain_order=True)
    if candidates.is_empty():
        return pl.DataFrame(schema=SELECTED_SCHEMA)
    bulk.temp_table_load(cursor, vendor, IDS, candidates.select("contract_id"))
    notices = _notices_of_candidates(cursor, vendor)
    cursor.execute(f"DROP TABLE {IDS}")
    uk = _s86b_due(candidates.filter(pl.col("jurisdiction").str.starts_with("GB-")), notices, as_of)
    us = _cure_due(candidates.filter(pl.col("jurisdiction").str.starts_with("US-")), notices, as_of)
    columns = list(SELECTED_SCHEMA)
    return pl.concat([uk.select(columns), us.select(columns)]).sort("kind", "contract_id")


_CANDIDATE_COLUMNS = (
    "s.contract_id, s.jurisdiction, s.currency, s.installments_due, s.arrears_minor, "
    "s.due_to_date_minor, s.paid_to_date_minor, s.last_installment_minor, s.frequency, "
)
_UK = (
    "s.arrears_minor > 0 AND s.installments_due >= 2 AND s.jurisdiction LIKE 'GB-%%' AND c.status = 'active'"
)


def _candidates_read(
    cursor: Any, vendor: str, where: str, params: list[Any], *, index: str | None = None
) -> pl.DataFrame:
    """The state rows matching `where`; `index` names the state's index to read them from on SQLite
    (see the changed reads)."""
    indexed = bulk.sql_indexed_by(vendor, index) if index else ""
    return bulk.frame_query(
        cursor,
        f"SELECT {_CANDIDATE_COLUMNS}{bulk.sql_epoch_days(vendor, 's.oldest_unpaid_due_date')} "
        f"FROM {STATE} s{indexed} JOIN {CONTRACT} c ON c.id = s.contract_id WHERE {where}",
        params,
        CANDIDATE_SCHEMA,
    )


def _uk_candidates(cursor: Any, vendor: str, as_of: date, since: date | None) -> pl.DataFrame:
    if since is None:
        return _candidates_read(cursor, vendor, _UK, [])
    changed = _candidates_read(cursor, vendor, f"s.changed_date > %s AND {_UK}", [since])
    first_sent, last_sent = s86b_repeat_sent_window(since=since, as_of=as_of)
    repeats = _candidates_read(
        cursor,
        vendor,
        f"s.contract_id IN (SELECT n.contract_id FROM {NOTICE} n WHERE n.kind = %s AND n.status = 'sent' "
        f"AND n.sent_date BETWEEN %s AND %s) AND {_UK}",
        [ARREARS_S86B, first_sent, last_sent],
    )
    return pl.concat([changed, repeats])


def s86b_repeat_sent_window(*, since: date, as_of: date) -> tuple[date, date]:
    """The days a notice of sums in arrears was sent on whose repeat falls due after `since` and by
    `as_of`: the repeat is due from six months after it (clamped at month end, as `_s86b_due`
    reckons) less the lead days, a day that never goes back as the sent day goes on."""

    def repeat_from(sent: date) -> date:
        return sent + relativedelta(months=S86B_REPEAT_MONTHS) - timedelta(days=S86B_REPEAT_LEAD_DAYS)

    first = since - relativedelta(months=S86B_REPEAT_MONTHS) + timedelta(days=S86B_REPEAT_LEAD_DAYS - 4)
    while repeat_from(first) <= since:
        first += timedelta(days=1)
    last = as_of - relativedelta(months=S86B_REPEAT_MONTHS) + timedelta(days=S86B_REPEAT_LEAD_DAYS + 4)
    while repeat_from(last) > as_of:
        last -= timedelta(days=1)
    return first, last


def _us_candidates(cursor: Any, vendor: str, as_of: date, since: date | None) -> pl.DataFrame:
    states = sorted(CURE_RULES)
    marks = ", ".join("%s" for _ in states)
    waits = [rule.days_in_default for rule in CURE_RULES.values()]
    late = (
        f"s.oldest_unpaid_due_date <= %s AND s.arrears_minor > 0 AND s.jurisdiction IN ({marks}) "
        "AND c.status = 'active'"
    )
    params = [as_of - timedelta(days=min(waits)), *states]
    if since is None:
        return _candidates_read(cursor, vendor, late, params)
    # From the accounts changed since the last night (a few per cent of the book), not from every
    # account in arrears: SQLite, without statistics to tell two ranges apart, took the oldest
    # unpaid date's index (0.33 s at 1,000,000 accounts against 0.05 s).
    changed = _candidates_read(
        cursor, vendor, f"s.changed_date > %s AND {late}", [since, *params], index=CHANGED_INDEX
    )
    # Nothing changed, but the oldest unpaid payment's days in default ran out since the last night.
    came_of_age = _candidates_read(
        cursor,
        vendor,
        f"s.oldest_unpaid_due_date > %s AND {late}",
        [since - timedelta(days=max(waits)), *params],
    )
    return pl.concat([changed, came_of_age])


def _notices_of_candidates(cursor: Any, vendor: str) -> pl.DataFrame:
    days = bulk.sql_epoch_days
    return bulk.frame_query(
        cursor,
        f"SELECT n.contract_id, n.kind, n.status, {days(vendor, 'n.trigger_date')}, "
        f"{days(vendor, 'n.sent_date')} FROM {NOTICE} n JOIN {IDS} i ON i.contract_id = n.contract_id "
        "WHERE n.status IN ('due', 'sent') AND n.kind IN (%s, %s)",
        [ARREARS_S86B, RIGHT_TO_CURE],
        {
            "contract_id": pl.Int64,
            "kind": pl.Utf8,
            "status": pl.Utf8,
            "trigger_date": pl.Date,
            "sent_date": pl.Date,
        },
    )


def _s86b_due(uk: pl.DataFrame, notices: pl.DataFrame, as_of: date) -> pl.DataFrame:
    mine = notices.filter(pl.col("kind") == ARREARS_S86B)
    held = mine.filter(pl.col("status") == "due").select("contract_id").unique()
    last = (
        mine.filter(pl.col("status") == "sent")
        .group_by("contract_id")
        .agg(last_sent_date=pl.col("sent_date").max())
    )
    measured = pl.when(pl.col("frequency").is_in(sorted(WEEKLY_OR_LESS))).then(4).otherwise(2)
    frame = (
        uk.join(held, on="contract_id", how="anti")
        .join(last, on="contract_id", how="left")
        .with_columns(
            triggered=(pl.col("installments_due") >= measured)
            & (pl.col("arrears_minor") >= measured * pl.col("last_installment_minor")),
            running=pl.col("last_sent_date").is_not_null()
            & (pl.col("oldest_unpaid_due_date") <= pl.col("last_sent_date")),
        )
        .with_columns(
            repeat_from=pl.col("last_sent_date").dt.offset_by(f"{S86B_REPEAT_MONTHS}mo")
            - pl.duration(days=S86B_REPEAT_LEAD_DAYS)
        )
    )
    first = frame.filter(pl.col("triggered") & ~pl.col("running")).with_columns(repeat=pl.lit(False))
    repeat = frame.filter(pl.col("running") & (pl.col("repeat_from") <= as_of)).with_columns(
        repeat=pl.lit(True)
    )
    columns = [*CANDIDATE_SCHEMA, "repeat", "last_sent_date"]
    return pl.concat([first.select(columns), repeat.select(columns)]).with_columns(kind=pl.lit(ARREARS_S86B))


def _cure_due(us: pl.DataFrame, notices: pl.DataFrame, as_of: date) -> pl.DataFrame:
    mine = notices.filter(pl.col("kind") == RIGHT_TO_CURE)
    once = sorted(j for j, rule in CURE_RULES.items() if rule.once_per_contract)
    waits = {j: rule.days_in_default for j, rule in CURE_RULES.items()}
    late = us.with_columns(
        waited=pl.col("jurisdiction").replace_strict(waits, return_dtype=pl.Int64, default=None)
    ).filter(pl.col("oldest_unpaid_due_date") + pl.duration(days=pl.col("waited")) <= as_of)
    ever = mine.select("contract_id").unique()
    held = mine.filter(pl.col("status") == "due").select("contract_id").unique()
    this_default = mine.select("contract_id", oldest_unpaid_due_date=pl.col("trigger_date")).unique()
    once_only = late.filter(pl.col("jurisdiction").is_in(once)).join(ever, on="contract_id", how="anti")
    each_default = (
        late.filter(~pl.col("jurisdiction").is_in(once))
        .join(held, on="contract_id", how="anti")
        .join(this_default, on=["contract_id", "oldest_unpaid_due_date"], how="anti")
    )
    return pl.concat(
        [once_only.select(list(CANDIDATE_SCHEMA)), each_default.select(list(CANDIDATE_SCHEMA))]
    ).with_columns(
        kind=pl.lit(RIGHT_TO_CURE), repeat=pl.lit(False), last_sent_date=pl.lit(None, dtype=pl.Date)
    )
