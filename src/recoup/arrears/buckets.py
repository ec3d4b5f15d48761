"""Delinquency buckets: ranges of days past due, configurable per portfolio. Pure: no Django."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from recoup.kernel.errors import DomainError

CURRENT = "current"
DEFAULT_BOUNDARIES = (1, 30, 60, 90, 120, 180)


class InvalidBuckets(DomainError):
    pass


@dataclass(frozen=True)
class Bucket:
    code: str  # "current", "1-29", …, "180+"
    min_days: int
    max_days: int | None  # None for the last, open-ended bucket

    @property
    def label(self) -> str:
        if self.code == CURRENT:
            return "Current"
        return f"{self.code} days"


def buckets_from_boundaries(boundaries: Sequence[int]) -> tuple[Bucket, ...]:
    """Buckets from the first day past due of each: (1, 30, 60) gives current, 1-29, 30-59, 60+."""
    if not boundaries or boundaries[0] != 1:
        raise InvalidBuckets("boundaries: the first bucket past due must start at day 1", field="boundaries")
    if any(b <= a for a, b in pairwise(boundaries)):
        raise InvalidBuckets("boundaries: each must be larger than the one before", field="boundaries")
    buckets = [Bucket(CURRENT, 0, 0)]
    for index, start in enumerate(boundaries):
        end = boundaries[index + 1] - 1 if index + 1 < len(boundaries) else None
        buckets.append(Bucket(f"{start}-{end}" if end is not None else f"{start}+", start, end))
    return tuple(buckets)


def boundaries_parse(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split())
    except ValueError:
        raise InvalidBuckets(
            f"boundaries: {text!r} is not a list of whole numbers", field="boundaries"
        ) from None


def bucket_for(days_past_due: int, buckets: Sequence[Bucket]) -> str:
    """The code of the bucket holding an account `days_past_due` days past due."""
    for bucket in reversed(buckets):
        if days_past_due >= bucket.min_days:
            return bucket.code
    return CURRENT


DEFAULT_BUCKETS = buckets_from_boundaries(DEFAULT_BOUNDARIES)
