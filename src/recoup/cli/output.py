"""Printing query results for people (tables) and scripts (JSON)."""

from __future__ import annotations

import json
from typing import Any

from recoup.kernel.plain import plain


def print_json(value: Any) -> None:
    print(json.dumps(plain(value), indent=2, ensure_ascii=False))


def print_table(headers: list[str], rows: list[list[str]], *, right: set[int] | None = None) -> None:
    right = right or set()
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def print_permission(allowed: bool, reasons: tuple[str, ...], headline: str, *, as_json: bool) -> None:
    """A gate's answer: `{"allowed": …, "reasons": […]}` as JSON, or a headline ending in allowed or
    refused with a line per reason."""
    if as_json:
        print(json.dumps({"allowed": allowed, "reasons": list(reasons)}, ensure_ascii=False))
        return
    print(f"{headline} {'allowed' if allowed else 'refused'}")
    for reason in reasons:
        print(f"  - {reason}")
