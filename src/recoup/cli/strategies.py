"""`recoup strategies apply --as-of DATE [--json]`: place the accounts in arrears in their queues;
`recoup strategies results [--json]`: items, contacts and promises by strategy and arm;
`recoup strategies show [--json]` and `recoup strategies load FILE --by USERNAME`: the queues and
strategies as a JSON document, read out and set (see collections.strategy_config)."""

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
    show = sub.add_parser("show", help="the queues and strategies, in the order they are tried")
    show.add_argument("--json", action="store_true", help="print the document `load` reads")
    load = sub.add_parser("load", help="create or change queues and strategies from a JSON document")
    load.add_argument("file", type=argparse.FileType("r", encoding="utf-8"), help="the document, - for stdin")
    load.add_argument("--by", required=True, help="the team leader, head of credit or administrator")
    load.add_argument("--json", action="store_true", help="print the counts as JSON")


def run(args: argparse.Namespace) -> int:
    if args.action in ("show", "load"):
        return _configuration(args)
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


def _configuration(args: argparse.Namespace) -> int:
    import json

    from recoup.access.models import User
    from recoup.collections.errors import InvalidStrategy
    from recoup.collections.strategy_config import strategies_configure, strategies_document
    from recoup.kernel import clock
    from recoup.kernel.errors import DomainError

    if args.action == "show":
        document = strategies_document()
        if args.json:
            print_json(document)
            return 0
        print_table(
            ["strategy", "priority", "queue", "treatment", "challenger", "active", "rules"],
            [
                [
                    s["code"],
                    str(s["priority"]),
                    s["queue"],
                    s["treatment"],
                    f"{s['challenger_percent']}% {s['challenger_treatment']}".strip(),
                    "yes" if s["active"] else "no",
                    json.dumps(s["rules"], sort_keys=True),
                ]
                for s in document["strategies"]
            ],
        )
        return 0
    by = User.objects.filter(username=args.by).first()
    if by is None:
        raise DomainError(f"by: no user {args.by!r}", field="by")
    try:
        document = json.load(args.file)
    except ValueError as error:
        raise InvalidStrategy(f"file: not JSON ({error})", field="file") from None
    counts = strategies_configure(document=document, by=by, at=clock.now())
    if args.json:
        print_json(counts)
    else:
        print(f"saved {counts['queues']} queue(s) and {counts['strategies']} strategy(ies)")
    return 0
