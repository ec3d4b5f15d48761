"""`recoup placement record ACCOUNT_NUMBER --kind KIND --agency NAME [--on YYYY-MM-DD] --by USERNAME`
places the account with an outside agency; `recoup placement recall ACCOUNT_NUMBER --kind KIND
--reason TEXT [--on YYYY-MM-DD] --by USERNAME` takes it back; `recoup placement list ACCOUNT_NUMBER`
shows its placements. Kinds: collection_agency, solicitor (these two collect the debt, and the
contact gate then applies the third-party rule pack), repossession_agent, trace_specialist. Only a
team leader, the head of credit or an administrator may record or recall. `--json` on each."""

from __future__ import annotations

import argparse
from datetime import date

from recoup.compliance.rules import PLACEMENT_KINDS

KINDS = tuple(PLACEMENT_KINDS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    record = actions.add_parser("record", help="place the account with an outside agency")
    record.add_argument("account_number", help="the account number")
    record.add_argument("--kind", required=True, help=f"one of {', '.join(KINDS)}")
    record.add_argument("--agency", required=True, help="the agency's name")
    record.add_argument("--on", default="", help="the day placed, YYYY-MM-DD (today when left out)")
    record.add_argument("--by", required=True, help="the team leader or above placing it (username)")
    record.add_argument("--json", action="store_true", help="print the placement as JSON")
    recall = actions.add_parser("recall", help="take the account back from the agency of a kind")
    recall.add_argument("account_number", help="the account number")
    recall.add_argument("--kind", required=True, help=f"one of {', '.join(KINDS)}")
    recall.add_argument("--reason", required=True, help="why it is recalled")
    recall.add_argument("--on", default="", help="the day recalled, YYYY-MM-DD (today when left out)")
    recall.add_argument("--by", required=True, help="the team leader or above recalling it (username)")
    recall.add_argument("--json", action="store_true", help="print the placement as JSON")
    listing = actions.add_parser("list", help="the account's placements, the latest placed first")
    listing.add_argument("account_number", help="the account number")
    listing.add_argument("--json", action="store_true", help="print the placements as JSON")


def _day(text: str) -> date | None:
    from recoup.kernel.errors import DomainError

    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise DomainError(f"on: {text!r} is not a date (YYYY-MM-DD)", field="on") from None


def run(args: argparse.Namespace) -> int:
    from recoup.access.models import User
    from recoup.cli.output import print_json, print_table
    from recoup.compliance.operations import placement_recall, placement_record
    from recoup.compliance.queries import account_placements
    from recoup.kernel import clock
    from recoup.kernel.errors import DomainError

    at = clock.now()
    if args.action == "list":
        view = account_placements(account_number=args.account_number, on_date=at.date())
        if args.json:
            print_json(view)
            return 0
        holder = "a third-party collector" if view.third_party else "the lender"
        print(f"{view.account_number}: collected by {holder} today, {view.on_date.isoformat()}")
        print_table(
            ["id", "kind", "agency", "placed", "recalled", "state"],
            [
                [
                    str(p.id),
                    p.kind,
                    p.agency,
                    p.placed_date.isoformat(),
                    p.recalled_date.isoformat() if p.recalled_date else "",
                    p.state_label,
                ]
                for p in view.placements
            ],
            right={0},
        )
        return 0
    by = User.objects.filter(username=args.by).first()
    if by is None:
        raise DomainError(f"by: no user {args.by!r}", field="by")
    if args.action == "record":
        placement = placement_record(
            account_number=args.account_number,
            kind=args.kind,
            agency=args.agency,
            placed_date=_day(args.on),
            by=by,
            at=at,
        )
        done = f"placed with {placement.agency} ({placement.kind_label.lower()}) from {placement.placed_date}"
    else:
        placement = placement_recall(
            account_number=args.account_number,
            kind=args.kind,
            reason=args.reason,
            recalled_date=_day(args.on),
            by=by,
            at=at,
        )
        done = (
            f"recalled from {placement.agency} ({placement.kind_label.lower()}) on {placement.recalled_date}"
        )
    if args.json:
        print_json(placement)
    else:
        print(f"{args.account_number.strip()}: {done}")
    return 0
