"""`recoup user reset-2fa USERNAME --by ADMIN`: turn off a user's second factor, e.g. after a lost phone.

The user signs in with the password alone and may set up two-step sign-in again from the Security
page. The reset is audited with the administrator who made it.
"""

from __future__ import annotations

import argparse
import json

from recoup.kernel import clock
from recoup.kernel.errors import DomainError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    reset = sub.add_parser(
        "reset-2fa",
        help="turn off a user's second factor (two-step sign-in)",
        description="Turn off a user's second factor; they sign in with a password and may set it up again.",
    )
    reset.add_argument("username")
    reset.add_argument("--by", required=True, help="the administrator making the reset")
    reset.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from recoup.access.models import User
    from recoup.access.two_factor import two_factor_reset

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise DomainError(f"username: no user {args.username!r}", field="username")
    by = User.objects.filter(username=args.by).first()
    if by is None:
        raise DomainError(f"by: no user {args.by!r}", field="by")
    two_factor_reset(user=user, by=by, at=clock.now())
    if args.json:
        print(json.dumps({"username": user.username, "two_factor": False}))
    else:
        print(f"Two-step sign-in is off for {user.username}; they sign in with their password.")
    return 0
