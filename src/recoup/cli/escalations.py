"""`recoup escalations apply --as-of DATE [--json]`: raise the escalation rules' risks for a business
date (large balances rolling, repeated broken promises, bankruptcy mentioned) and notify the team
leaders and the head of credit. `recoup cob` runs it after each close."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from recoup.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    apply = sub.add_parser("apply", help="raise the rules' escalations for a business date")
    apply.add_argument("--as-of", required=True, type=date.fromisoformat, help="business date, YYYY-MM-DD")
    apply.add_argument("--json", action="store_true", help="print the counts as JSON")


def run(args: argparse.Namespace) -> int:
    from recoup.collections.escalation_rules import escalations_apply

    counts = escalations_apply(as_of=args.as_of, at=datetime.now(tz=UTC))
    if args.json:
        print_json({"as_of": args.as_of, **counts})
        return 0
    print(f"escalations as of {args.as_of}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    return 0
