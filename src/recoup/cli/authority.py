"""`recoup authority show|set`: the approval matrix — what each role, or one user, may agree alone.

recoup authority show [--json]
recoup authority set --role agent --currency USD --by HEAD credit_minor=150.00 arrangement_months=9
"""

from __future__ import annotations

import argparse

from recoup.cli.output import print_json, print_table
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.kernel.money import Money


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = sub.add_parser("show", help="print the matrix")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    change = sub.add_parser("set", help="set limits of a role's row or a user's own row")
    who = change.add_mutually_exclusive_group(required=True)
    who.add_argument("--role", help="agent, team_leader, head_of_credit, …")
    who.add_argument("--user", help="a username: limits of this user alone, overriding the role's")
    change.add_argument("--currency", required=True, help="USD or GBP")
    change.add_argument("--by", required=True, help="the head of credit or administrator making the change")
    change.add_argument("limits", nargs="+", metavar="LIMIT=VALUE", help="e.g. credit_minor=150.00")
    change.add_argument("--json", action="store_true", help="print the row as JSON")


def run(args: argparse.Namespace) -> int:
    from recoup.access.authority import authority_matrix, authority_set
    from recoup.access.models import User

    if args.action == "show":
        rows = authority_matrix()
        if args.json:
            print_json(rows)
            return 0
        print_table(
            ["role", "user", "currency", "months", "reduction %", "credit", "settlement %", "write-off"],
            [_cells(r.role, r.username, r.authority) for r in rows],
            right={3, 4, 5, 6, 7},
        )
        return 0
    by = User.objects.filter(username=args.by).first()
    if by is None:
        raise DomainError(f"by: no user {args.by!r}", field="by")
    limits: dict[str, str] = {}
    for pair in args.limits:
        name, sep, value = pair.partition("=")
        if not sep:
            raise DomainError(f"{pair!r}: write each limit as NAME=VALUE", field="limits")
        limits[name.strip()] = value
    authority = authority_set(
        role=args.role, username=args.user, currency=args.currency, limits=limits, by=by, at=clock.now()
    )
    if args.json:
        print_json(authority)
    else:
        print_table(
            ["role", "user", "currency", "months", "reduction %", "credit", "settlement %", "write-off"],
            [_cells(args.role or "", args.user or "", authority)],
            right={3, 4, 5, 6, 7},
        )
    return 0


def _cells(role: str, username: str, a: object) -> list[str]:
    from recoup.access.limits import Authority

    assert isinstance(a, Authority)
    return [
        role,
        username,
        a.currency,
        str(a.arrangement_months),
        str(a.payment_reduction_percent),
        str(Money(a.credit_minor, a.currency).amount),
        str(a.settlement_discount_percent),
        str(Money(a.write_off_minor, a.currency).amount),
    ]
