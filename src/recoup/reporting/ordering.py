"""The order buckets are reported in: the bucket schemes' order, then any code no scheme knows.

Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recoup.arrears.buckets import CURRENT, Bucket


@dataclass(frozen=True)
class BucketHeading:
    code: str  # "current", "30-59", …
    label: str  # "Current", "30-59 days"


def bucket_order(schemes: Iterable[Sequence[Bucket]], seen: Iterable[str] = ()) -> tuple[BucketHeading, ...]:
    """Every bucket of the schemes by the days past due it starts at, then codes seen but unknown.

    With one scheme this is that scheme's order; with several (say one for UK products) the
    buckets interleave by their first day past due, so "current" always comes first.
    """
    known: dict[str, Bucket] = {}
    for scheme in schemes:
        for bucket in scheme:
            known.setdefault(bucket.code, bucket)
    ordered = sorted(
        known.values(),
        key=lambda b: (b.min_days, b.max_days if b.max_days is not None else 1 << 62, b.code),
    )
    headings = tuple(BucketHeading(b.code, b.label) for b in ordered)
    if CURRENT not in known:
        headings = (BucketHeading(CURRENT, "Current"), *headings)
    return buckets_with(headings, seen)


def buckets_with(headings: tuple[BucketHeading, ...], seen: Iterable[str]) -> tuple[BucketHeading, ...]:
    """`headings`, then any code in `seen` that they lack, so that no figure is ever dropped."""
    codes = {h.code for h in headings}
    return headings + tuple(BucketHeading(code, code) for code in sorted(set(seen) - codes))
