"""`recoup token issue USERNAME --name NAME`: a bearer token for the API, shown once."""

from __future__ import annotations

import argparse

from recoup.kernel import clock
from recoup.kernel.errors import DomainError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    issue = sub.add_parser("issue", help="issue a bearer token for a user")
    issue.add_argument("username")
    issue.add_argument("--name", default="api", help="what the token is for, e.g. the dialer")


def run(args: argparse.Namespace) -> int:
    from recoup.access.models import User
    from recoup.access.operations import api_token_issue

    user = User.objects.filter(username=args.username).first()
    if user is None:
        raise DomainError(f"username: no user {args.username!r}", field="username")
    token, _ = api_token_issue(user=user, name=args.name, at=clock.now())
    print(token)
    return 0
