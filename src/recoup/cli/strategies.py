"""`recoup strategies apply --as-of DATE [--json]`: place the accounts in arrears in their queues;
`recoup strategies results [--json]`: items, contacts and promises by strategy and arm."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from recoup.cli.output import print_json, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    apply = sub.add_parser("apply", help="run the strategies over the accounts in arrears")
    apply.add_argument("--as-of", required=True, type=date.fromisoformat, help="business date, YYYY-MM-DD")
    apply.add_argument("--json", action="store_true", help="print the counts as JSON")
    results = sub.add_parser("results", help="champion/challenger results by strategy and arm")
    results.add_argument("--json", action="store_true", help="print as JSON")


def run(args: argparse.Namespace) -> int:
    if args.action == "results":
        from recoup.collections.work_queries import strategy_results

        rows = strategy_results()
        if args.json:
            print_json(rows)
            return 0
        print_table(
            [
                "strategy",
                "arm",
                "treatment",
                "items",
                "worked",
                "contacts",
                "right party",
                "promises",
                "kept",
                "broken",
            ],
            [
                [r.strategy_code, r.arm, r.treatment]
                + [str(v) for v in (r.items, r.worked, r.contacts, r.right_party_contacts, r.promises)]
                + [str(r.promises_kept), str(r.promises_broken)]
                for r in rows
            ],
            right=set(range(3, 10)),
        )
        return 0
    from recoup.collections.strategy_batch import strategies_apply

    counts = strategies_apply(as_of=args.as_of, at=datetime.now(tz=UTC))
    if args.json:
        print_json({"as_of": args.as_of, **counts})
        return 0
    print(f"strategies as of {args.as_of}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    return 0
