"""The `recoup` command: Recoup's own subcommands, and every Django management command.

Each own subcommand lives in a module of this package exposing `add_arguments(parser)` and
`run(args) -> int`; it is imported only when called, so `recoup schedule` never loads Django.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence

from recoup.kernel.errors import DomainError

COMMANDS: dict[str, tuple[str, str]] = {
    "schedule": ("recoup.cli.schedule", "print an amortisation schedule, without touching a database"),
    "account": ("recoup.cli.account", "list and show accounts"),
    "contract": ("recoup.cli.contract", "book contracts from a JSON file"),
    "ledger": ("recoup.cli.ledger", "trial balance and balance verification"),
    "demo": ("recoup.cli.demo", "load a realistic demo book (same seed, same book)"),
    "generate": ("recoup.cli.generate", "generate a large realistic book in bulk, for measuring with"),
    "token": ("recoup.cli.token", "issue API bearer tokens"),
    "cob": ("recoup.cli.cob", "close of business: installments due, fees, arrears, buckets, aged debt"),
    "strategies": ("recoup.cli.strategies", "place accounts in arrears in queues; results by arm"),
    "escalations": (
        "recoup.cli.escalations",
        "raise the escalation rules' risks and notify the team leaders",
    ),
    "notices": ("recoup.cli.notices", "statutory notices: issue those due after a close, list an account's"),
    "report": ("recoup.cli.report", "aged debt and roll rates as a table, CSV, JSON or XLSX"),
    "authority": ("recoup.cli.authority", "the approval matrix: what each role or user may agree alone"),
    "user": ("recoup.cli.user", "users' sign-in: reset a second factor"),
    "contact-permission": (
        "recoup.cli.contact_permission",
        "may the customer be contacted on a channel now: the contact gate's answer and reasons",
    ),
    "repossession-permission": (
        "recoup.cli.repossession_permission",
        "may the vehicle be repossessed on a day: the bars on it and the court orders lifting them",
    ),
    "placement": (
        "recoup.cli.placement",
        "place an account with an outside agency, recall it, list its placements",
    ),
    "import-contacts": ("recoup.cli.import_contacts", "load a dialer's call log as contacts, all or nothing"),
    "import-statement": (
        "recoup.cli.import_statement",
        "post a bank statement file once: match, allocate, queue the rest",
    ),
    "letters": ("recoup.cli.comms", "the letter run: strategies' letters, emails and SMS after a close"),
    "templates": ("recoup.cli.comms", "letter, email and SMS templates: list, publish a new version"),
    "inbox": ("recoup.cli.inbox", "read the collections mailbox: customers' emails matched to accounts"),
    "worker": ("recoup.cli.worker", "background work: queued tasks, the inbox fetch, letters after a close"),
    "debits": ("recoup.cli.debits", "ACH and Direct Debit runs (NACHA, Bacs files), settlement and returns"),
    "mandates": ("recoup.cli.debits", "record customers' ACH authorizations and Direct Debit Instructions"),
}


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoup.settings")
    import django

    django.setup()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recoup",
        description="Recoup operator commands. Any Django management command also works: recoup migrate, "
        "recoup createsuperuser, recoup runserver. DATABASE_URL selects the database.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module_name).add_arguments(command_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        django_setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["recoup", *args_list])
        return 0
    parser = _parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 0
    module = importlib.import_module(COMMANDS[args.command][0])
    if getattr(module, "NEEDS_DATABASE", True):
        django_setup()
    try:
        return int(module.run(args) or 0)
    except DomainError as error:
        if getattr(args, "json", False):
            print(json.dumps({"error": error.message, "field": error.field}))
        else:
            print(f"recoup {args.command}: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
