# ruff: noqa: S608 - the SQL is spliced only from constants and table names
"""After each close of business: the rules that escalate risks, set-based.

Three grouped reads (the night's roll-forwards with a large receivable, the accounts whose
promises keep breaking, the contacts where the customer mentioned bankruptcy), an anti-join in
Polars against what the rules already raised that day, one bulk insert of the new escalations and
one INSERT … SELECT of a notice for each team leader and head of credit. A rule raises a kind at
most once a day per account (a partial unique constraint says so too), so running the rules again
for the same date raises nothing new.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection, transaction

from recoup.access.operations import audit_record
from recoup.collections.escalation_queries import NOTIFIED
from recoup.collections.escalations import notices_email
from recoup.collections.models import EscalationKind, EscalationStatus
from recoup.kernel import bulk

ESCALATION = "collections_escalation"
NOTICE = "collections_escalationnotice"
# A currency missing from RECOUP_ESCALATION_LARGE_BALANCE is held to 10,000.00 (two decimals).
DEFAULT_LARGE_BALANCE_MINOR = 1_000_000
BROKEN_WINDOW_DAYS = 90
BROKEN_AT_LEAST = 2
KINDS = (
    EscalationKind.LARGE_BALANCE_ROLLING,
    EscalationKind.REPEATED_BROKEN_PROMISES,
    EscalationKind.BANKRUPTCY_MENTIONED,
)
_CANDIDATES = {"contract_id": pl.Int64, "kind": pl.Utf8, "detail": pl.Utf8}


def escalations_apply(*, as_of: date, at: datetime) -> dict[str, int]:
    """Raise the rules' escalations for business date `as_of` and notify the team leaders and the
    head of credit (by email too when configured):

    - large balances rolling: a roll forward on `as_of` with a receivable at or above the threshold
      of its currency (RECOUP_ESCALATION_LARGE_BALANCE, minor units);
    - repeated broken promises: a promise settled broken on `as_of`, and at least two settled
      broken in the 90 days to `as_of`;
    - bankruptcy mentioned: a contact on `as_of` (its UTC date) with the outcome "bankruptcy".

    Returns how many of each kind it raised, the total, the notices made and the emails sent.
    """
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        candidates = pl.concat(
            [
                _large_balances_rolling(cursor, as_of),
                _repeated_broken_promises(cursor, as_of),
                _bankruptcy_mentioned(cursor, as_of),
            ]
        )
        already = bulk.frame_query(
            cursor,
            f"SELECT contract_id, kind FROM {ESCALATION} WHERE by_rule AND raised_date = %s",
            [as_of],
            {"contract_id": pl.Int64, "kind": pl.Utf8},
        )
        new = candidates.join(already, on=["contract_id", "kind"], how="anti").sort("kind", "contract_id")
        bulk.frame_insert(cursor, vendor, ESCALATION, _rows(new, as_of, at))
        notices = _notices_insert(cursor, as_of)
        counts = {kind.value: int((new["kind"] == kind.value).sum()) for kind in KINDS}
        counts |= {"raised": new.height, "notices": notices}
        audit_record(
            actor=None,
            action="escalation.rules_apply",
            object_type="collections.escalation_rules",
            object_id=as_of.isoformat(),
            at=at,
            after=counts,
        )
    counts["emailed"] = notices_email(at=at, rule_date=as_of) if new.height else 0
    return counts


def _large_balances_rolling(cursor: Any, as_of: date) -> pl.DataFrame:
    rolled = bulk.frame_query(
        cursor,
        "SELECT t.contract_id, c.currency, t.from_bucket, t.to_bucket, t.receivable_minor "
        "FROM arrears_buckettransition t JOIN portfolio_contract c ON c.id = t.contract_id "
        "WHERE t.business_date = %s AND t.kind = 'roll_forward' AND t.receivable_minor >= %s",
        [as_of, min([*_thresholds().values(), DEFAULT_LARGE_BALANCE_MINOR])],
        {
            "contract_id": pl.Int64,
            "currency": pl.Utf8,
            "from_bucket": pl.Utf8,
            "to_bucket": pl.Utf8,
            "receivable_minor": pl.Int64,
        },
    )
    thresholds = pl.DataFrame(
        list(_thresholds().items()), schema={"currency": pl.Utf8, "threshold": pl.Int64}, orient="row"
    )
    return (
        rolled.join(thresholds, on="currency", how="left")
        .filter(pl.col("receivable_minor") >= pl.col("threshold").fill_null(DEFAULT_LARGE_BALANCE_MINOR))
        .select(
            "contract_id",
            kind=pl.lit(EscalationKind.LARGE_BALANCE_ROLLING.value),
            detail=pl.format(
                "Rolled from {} to {} owing {} {}.{}",
                "from_bucket",
                "to_bucket",
                "currency",
                pl.col("receivable_minor") // 100,
                (pl.col("receivable_minor") % 100).cast(pl.Utf8).str.zfill(2),
            ),
        )
    )


def _repeated_broken_promises(cursor: Any, as_of: date) -> pl.DataFrame:
    broken = bulk.frame_query(
        cursor,
        "SELECT contract_id, COUNT(*) FROM collections_promise "
        "WHERE status = 'broken' AND settled_date > %s AND settled_date <= %s "
        "GROUP BY contract_id HAVING COUNT(*) >= %s AND MAX(settled_date) = %s",
        [as_of - timedelta(days=BROKEN_WINDOW_DAYS), as_of, BROKEN_AT_LEAST, as_of],
        {"contract_id": pl.Int64, "broken": pl.Int64},
    )
    return broken.select(
        "contract_id",
        kind=pl.lit(EscalationKind.REPEATED_BROKEN_PROMISES.value),
        detail=pl.format("{} promises broken in the last {} days", "broken", pl.lit(BROKEN_WINDOW_DAYS)),
    )


def _bankruptcy_mentioned(cursor: Any, as_of: date) -> pl.DataFrame:
    start = datetime.combine(as_of, time(), tzinfo=UTC)
    mentioned = bulk.frame_query(
        cursor,
        "SELECT contract_id, COUNT(*) FROM collections_contact "
        "WHERE outcome = 'bankruptcy' AND at >= %s AND at < %s GROUP BY contract_id",
        [_moment(start), _moment(start + timedelta(days=1))],
        {"contract_id": pl.Int64, "contacts": pl.Int64},
    )
    return mentioned.select(
        "contract_id",
        kind=pl.lit(EscalationKind.BANKRUPTCY_MENTIONED.value),
        detail=pl.format("The customer mentioned bankruptcy ({} contact(s) that day)", "contacts"),
    )


def _notices_insert(cursor: Any, as_of: date) -> int:
    """A notice for every active team leader and head of credit, of the rules' escalations of the
    date that have none yet (the ones just raised)."""
    roles = ", ".join(f"'{role.value}'" for role in NOTIFIED)
    cursor.execute(
        f"INSERT INTO {NOTICE} (escalation_id, recipient_id) "
        f"SELECT e.id, u.id FROM {ESCALATION} e CROSS JOIN access_user u "
        f"WHERE e.by_rule AND e.raised_date = %s AND u.is_active AND u.role IN ({roles}) "
        f"AND NOT EXISTS (SELECT 1 FROM {NOTICE} n WHERE n.escalation_id = e.id)",
        [as_of],
    )
    return max(cursor.rowcount, 0)


def _rows(new: pl.DataFrame, as_of: date, at: datetime) -> pl.DataFrame:
    """The escalations as the table stores them; the moment as the database adapter writes it."""
    return new.select(
        "contract_id",
        "kind",
        "detail",
        by_rule=pl.lit(True),
        raised_at=pl.lit(str(_moment(at))),
        raised_date=pl.lit(as_of),
        status=pl.lit(EscalationStatus.OPEN.value),
        handled_note=pl.lit(""),
    )


def _moment(at: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(at)


def _thresholds() -> dict[str, int]:
    return dict(getattr(settings, "RECOUP_ESCALATION_LARGE_BALANCE", {}))
