"""Parts of the book a close of business can work on side by side: ranges of contract ids.

The design's scale path for large books: the nightly cycle partitioned by account range and fanned
out. PostgreSQL works each statement on one backend, so a night in one transaction uses one core
of the database server however many it has; the same night split into ranges of contracts, each
closed in its own transaction on its own connection, uses as many as there are parts. Every read
of a step is bounded by its part, so two parts never touch the same account's rows (its state,
its ledger book and accounts, its transitions).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from recoup.kernel import bulk


@dataclass(frozen=True)
class Part:
    """The contracts with ids in [low, high); no bound on a side given as None."""

    low: int | None = None
    high: int | None = None

    def where(self, column: str) -> tuple[str, list[int]]:
        """The condition (to AND onto a WHERE clause) that keeps `column`, a contract id, in the part,
        and its parameters; nothing for the whole book."""
        return bulk.sql_id_range(column, self.low, self.high)

    def as_list(self) -> list[int | None]:
        return [self.low, self.high]


WHOLE = Part()


def parts_split(low: int, high: int, count: int) -> list[Part]:
    """`count` parts of equal width over the contract ids low..high, the first open below and the last
    open above (so that a contract added while a close runs still belongs to one). Contract ids are
    issued in order and never reused, so ranges of equal width hold about as many accounts."""
    if count <= 1 or high <= low:
        return [WHOLE]
    width = -(-(high - low + 1) // count)
    starts = [low + width * index for index in range(1, count) if low + width * index <= high]
    bounds = [None, *starts, None]
    return [Part(bounds[index], bounds[index + 1]) for index in range(len(bounds) - 1)]


# What each part of the last close saw: (low, high, the highest journal entry or schedule version id
# it worked out), a part's own watermark. The date's is the lowest of them, so that the next night
# reads from there; rows that the part holding their contract had seen already are then dropped
# (`unseen`), so that no account is worked out again, and its row rewritten, for what it was not.
Seen = tuple[tuple[int | None, int | None, int], ...]


def unseen(frame: pl.DataFrame, seen: Seen, id_column: str) -> pl.DataFrame:
    """The rows of `frame` (contract_id and `id_column`, the highest id of the contract's entries or
    versions read) with something the part of the last close holding their contract had not seen."""
    if not seen:
        return frame
    already = pl.lit(False)
    for low, high, watermark in seen:
        inside = pl.col(id_column) <= watermark
        if low is not None:
            inside &= pl.col("contract_id") >= low
        if high is not None:
            inside &= pl.col("contract_id") < high
        already |= inside
    return frame.filter(~already)
