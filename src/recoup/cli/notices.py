"""`recoup notices issue --as-of DATE [--json]`: after a close, record and send the statutory notices
the arrears state makes due (UK notices of sums in arrears, Kansas and Massachusetts rights to cure);
`recoup notices list ACCOUNT_NUMBER [--json]`: an account's notices with their dates, newest first."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime

from recoup.cli.output import print_json, print_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    issue = sub.add_parser("issue", help="record and send the notices due after a business date's close")
    issue.add_argument("--as-of", required=True, type=date.fromisoformat, help="business date, YYYY-MM-DD")
    issue.add_argument("--json", action="store_true", help="print the counts as JSON")
    listing = sub.add_parser("list", help="an account's notices, newest first")
    listing.add_argument("account_number", metavar="ACCOUNT_NUMBER")
    listing.add_argument("--json", action="store_true", help="print the notices as JSON")


def run(args: argparse.Namespace) -> int:
    if args.action == "issue":
        from recoup.comms.notices.operations import notices_issue

        counts = notices_issue(as_of=args.as_of, at=datetime.now(tz=UTC))
        if args.json:
            print_json({"as_of": args.as_of, **counts})
        else:
            print(
                f"notices as of {args.as_of}: " + ", ".join(f"{key} {value}" for key, value in counts.items())
            )
        return 0
    from recoup.comms.notices.queries import notices_of_account

    notices = notices_of_account(account_number=args.account_number.strip())
    if args.json:
        print_json(notices)
        return 0
    print_table(
        ["id", "kind", "status", "trigger", "send by", "sent", "remedy by", "held because"],
        [
            [
                str(n.id),
                n.kind,
                n.status,
                n.trigger_date.isoformat(),
                n.latest_send_date.isoformat() if n.latest_send_date else "",
                n.sent_date.isoformat() if n.sent_date else "",
                n.remedy_by_date.isoformat() if n.remedy_by_date else "",
                n.hold_reason,
            ]
            for n in notices
        ],
    )
    return 0
