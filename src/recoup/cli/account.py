"""`recoup account list` and `recoup account show ACCOUNT_NUMBER`."""

from __future__ import annotations

import argparse

from recoup.cli.output import print_json, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="list accounts")
    listing.add_argument("--country", choices=["US", "GB"])
    listing.add_argument("--status", choices=["active", "paid_off", "charged_off", "terminated"])
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="one account's summary")
    show.add_argument("account_number")
    show.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from recoup.portfolio import queries

    if args.action == "list":
        rows = queries.account_list(country=args.country, status=args.status, limit=args.limit)
        if args.json:
            print_json(rows)
        else:
            print_table(
                ["account", "customer", "product", "jurisdiction", "balance", "next due", "status"],
                [
                    [
                        r.account_number,
                        r.customer_name,
                        r.product_code,
                        r.jurisdiction,
                        f"{r.balance} {r.currency}",
                        str(r.next_due_date or "-"),
                        r.status,
                    ]
                    for r in rows
                ],
                right={4},
            )
        return 0
    summary = queries.account_summary(args.account_number)
    if args.json:
        print_json(summary)
    else:
        for key, value in summary.items():
            print(f"{key:>16}: {value}")
    return 0
