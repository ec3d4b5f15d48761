"""`recoup inbox fetch [--json]`: read the collections mailbox (RECOUP_INBOX_IMAP_* in the
environment) and store the new customers' emails, matched to accounts or put in triage. Run it
every few minutes from the scheduler; running it twice stores nothing twice."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from recoup.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    fetch = sub.add_parser("fetch", help="read the new mail of the collections mailbox")
    fetch.add_argument("--json", action="store_true", help="print the counts as JSON")


def run(args: argparse.Namespace) -> int:
    from recoup.comms.inbox.operations import inbox_fetch

    counts = inbox_fetch(at=datetime.now(tz=UTC))
    if args.json:
        print_json(counts)
        return 0
    if not counts["configured"]:
        print("the collections inbox is off: set RECOUP_INBOX_IMAP_HOST, _USER and _PASSWORD")
        return 0
    reset = " (the server renumbered the folder: read again from the start)" * counts["uidvalidity_reset"]
    print(
        f"inbox: {counts['fetched']} read, {counts['stored']} new "
        f"({counts['matched']} matched to accounts, {counts['threaded']} replies in threads, "
        f"{counts['triage']} to triage, {counts['automatic']} automatic), "
        f"{counts['duplicates']} already stored, {counts['attachments']} attachments{reset}"
    )
    return 0
