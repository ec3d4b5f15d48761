"""`recoup contact-permission ACCOUNT_NUMBER --channel call|sms|email|letter [--at ISO8601]
[--purpose collection|statutory_notice|callback] [--json]`: the contact gate's answer, with its
reasons and the policy it used."""

from __future__ import annotations

import argparse

from recoup.cli.output import print_permission

CHANNELS = ("call", "sms", "email", "letter")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("account_number", help="the account number")
    parser.add_argument("--channel", required=True, help=", ".join(CHANNELS))
    parser.add_argument("--at", default="", help="ISO 8601 with its UTC offset (now when left out)")
    parser.add_argument(
        "--purpose", default="collection", help="collection (the default), statutory_notice or callback"
    )
    parser.add_argument("--json", action="store_true", help='print {"allowed": …, "reasons": […]}')


def run(args: argparse.Namespace) -> int:
    from recoup.compliance.inputs import moment_parse
    from recoup.compliance.queries import account_contact_permission
    from recoup.kernel import clock

    at = moment_parse(args.at, field="at") if args.at else clock.now()
    permission = account_contact_permission(
        account_number=args.account_number, channel=args.channel, at=at, purpose=args.purpose
    )
    print_permission(
        permission.allowed,
        permission.reasons,
        f"{args.account_number}: {args.channel} at {at.isoformat()}",
        as_json=args.json,
    )
    return 0
