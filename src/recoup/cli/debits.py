"""ACH debits and Direct Debits from the command line.

`recoup debits run --date DATE [--as-of DATE] [--out DIR] [--json]`: debit the installments due on
DATE on active mandates, write one NACHA file per ACH originator and one Bacs submission per service
user (into --out, default var/debits; each is also kept in the database), and post the receipts
of debits whose date has come and been closed.
`recoup debits settle --as-of DATE`: after the close, post the receipts of debits submitted earlier
for dates now come and closed. `recoup debits file NAME`: print a file a run wrote, as sent.
`recoup debits returns FILE [--json]`: read a NACHA return file or a Bacs ARUDD or ADDACS report.
`recoup debits originator CODE --scheme ach|bacs ...`: record who collects.
`recoup mandates add ACCOUNT --originator CODE ...`: record a customer's ACH authorization or
Direct Debit Instruction; `recoup mandates list ACCOUNT`: the account's mandates.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    if parser.prog.endswith("mandates"):
        add = actions.add_parser("add", help="record an ACH authorization or a Direct Debit Instruction")
        add.add_argument("account", help="the contract's account number")
        add.add_argument("--originator", required=True, help="the originator's code (who collects)")
        add.add_argument("--holder", required=True, help="the bank account holder's name")
        add.add_argument("--bank-account", required=True, help="the bank account number (kept sealed)")
        add.add_argument("--routing", default="", help="ACH: the nine-digit routing number")
        add.add_argument("--account-type", default="", choices=["", "checking", "savings"], help="ACH")
        add.add_argument(
            "--authorization", default="", choices=["", "written", "web", "telephone"], help="ACH: how given"
        )
        add.add_argument("--sort-code", default="", help="Direct Debit: the six-digit sort code")
        add.add_argument(
            "--reference", default="", help="the mandate (DDI) reference; RCP<account> if not given"
        )
        add.add_argument(
            "--authorized", type=date.fromisoformat, default=None, help="date authorized, YYYY-MM-DD (today)"
        )
        add.add_argument("--json", action="store_true", help="print the mandate as JSON")
        listing = actions.add_parser("list", help="an account's mandates, newest first")
        listing.add_argument("account", help="the contract's account number")
        listing.add_argument("--json", action="store_true", help="print the mandates as JSON")
        return
    run = actions.add_parser("run", help="debit the installments due on a date and write the scheme files")
    run.add_argument("--date", required=True, type=date.fromisoformat, help="collection date, YYYY-MM-DD")
    run.add_argument("--as-of", type=date.fromisoformat, default=None, help="business date (today)")
    run.add_argument("--out", default=None, help="directory the files are written into (var/debits)")
    run.add_argument("--json", action="store_true", help="print the run as JSON")
    settle = actions.add_parser("settle", help="post the receipts of debits whose date has come")
    settle.add_argument("--as-of", type=date.fromisoformat, default=None, help="business date (today)")
    settle.add_argument("--json", action="store_true", help="print the count as JSON")
    show = actions.add_parser("file", help="print a file a run wrote, as it was sent")
    show.add_argument("name", help="the file's name, as the run printed it")
    returns = actions.add_parser("returns", help="read a NACHA return file or an ARUDD or ADDACS report")
    returns.add_argument("file", help="the file as the bank or Bacs sent it")
    returns.add_argument("--json", action="store_true", help="print what was done as JSON")
    originator = actions.add_parser("originator", help="record an ACH originator or a Bacs service user")
    originator.add_argument("code")
    originator.add_argument("--scheme", required=True, choices=["ach", "bacs"])
    originator.add_argument("--name", required=True, help="as the customer's statement shows it")
    originator.add_argument("--id", required=True, help="ACH Company Identification, or the Bacs SUN")
    originator.add_argument("--odfi", default="", help="ACH: the originating bank's routing number")
    originator.add_argument("--destination", default="", help="ACH: routing number the file is sent to")
    originator.add_argument("--destination-name", default="", help="ACH: the destination's name")
    originator.add_argument("--origin", default="", help="ACH: the Immediate Origin (ten characters)")
    originator.add_argument("--sort-code", default="", help="Bacs: the service user's sort code")
    originator.add_argument("--account", default="", help="Bacs: the service user's account number")
    originator.add_argument("--account-name", default="", help="Bacs: the service user's account name")
    originator.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from recoup.cli.output import print_json
    from recoup.kernel import clock

    at = clock.now()
    if args.command == "mandates":
        return _mandate_add(args, at) if args.action == "add" else _mandates_list(args)
    if args.action == "originator":
        from recoup.payments.debits.operations import originator_add

        created = originator_add(
            code=args.code,
            scheme=args.scheme,
            name=args.name,
            currency="USD" if args.scheme == "ach" else "GBP",
            identification=args.id,
            odfi_routing=args.odfi,
            destination_routing=args.destination,
            destination_name=args.destination_name,
            origin=args.origin,
            sort_code=args.sort_code,
            account_number=args.account,
            account_name=args.account_name,
            at=at,
        )
        if args.json:
            print_json({"code": created.code, "scheme": created.scheme, "name": created.name})
        else:
            print(f"originator {created.code} ({created.scheme}) recorded")
        return 0
    if args.action == "run":
        return _run(args, at)
    if args.action == "file":
        from recoup.kernel.errors import DomainError
        from recoup.payments.debits.models import DebitFile

        written = DebitFile.objects.filter(name=args.name).first()
        if written is None:
            raise DomainError(f"name: no debit file {args.name!r}", field="name")
        sys.stdout.write(written.content)
        return 0
    if args.action == "settle":
        from recoup.payments.debits.operations import debits_settle

        settled = debits_settle(as_of=args.as_of or at.date(), at=at)
        if args.json:
            print_json({"settled": settled})
        else:
            print(f"posted {settled} debit receipt(s)")
        return 0
    return _returns(args, at)


def _mandate_add(args: argparse.Namespace, at: datetime) -> int:
    from recoup.cli.output import print_json
    from recoup.payments.debits.operations import mandate_create

    mandate = mandate_create(
        account_number=args.account,
        originator_code=args.originator,
        holder_name=args.holder,
        bank_account_number=args.bank_account,
        routing_number=args.routing,
        account_type=args.account_type,
        authorization_form=args.authorization,
        sort_code=args.sort_code,
        reference=args.reference,
        authorized_date=args.authorized or at.date(),
        at=at,
    )
    if args.json:
        print_json(mandate)
    else:
        print(
            f"mandate {mandate.reference} for {mandate.account_number}: {mandate.scheme}, {mandate.status}, "
            f"bank {mandate.bank} account ending {mandate.account_last4}"
        )
    return 0


def _mandates_list(args: argparse.Namespace) -> int:
    from recoup.cli.output import print_json, print_table
    from recoup.payments.debits.queries import mandates_of

    mandates = mandates_of(args.account)
    if args.json:
        print_json(mandates)
        return 0
    print_table(
        ["reference", "originator", "scheme", "status", "bank", "account", "authorized", "ended"],
        [
            [
                m.reference,
                m.originator,
                m.scheme,
                m.status,
                m.bank,
                f"…{m.account_last4}",
                m.authorized_date.isoformat(),
                f"{m.ended_date} {m.end_reason}" if m.ended_date else "",
            ]
            for m in mandates
        ],
    )
    return 0


def _run(args: argparse.Namespace, at: datetime) -> int:
    from recoup.cli.output import print_json, print_table
    from recoup.kernel.plain import plain
    from recoup.payments.debits.models import DebitFile
    from recoup.payments.debits.operations import debit_run

    if not args.json and sys.stderr.isatty():
        sys.stderr.write(f"debiting the installments due {args.date}...\n")
    result = debit_run(collection_date=args.date, as_of=args.as_of or at.date(), at=at)
    from django.conf import settings

    out = Path(args.out) if args.out else Path(settings.VAR_DIR) / "debits"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for written in result.files:
        content = DebitFile.objects.get(name=written.name).content
        path = out / written.name
        path.write_text(content, encoding="ascii")
        paths.append(str(path))
    if args.json:
        print_json({**plain(result), "paths": paths})
        return 0
    if result.files:
        print_table(
            ["file", "scheme", "debits", "instructions", "total"],
            [[f.name, f.scheme, str(f.items), str(f.instructions), str(f.total)] for f in result.files],
            right={2, 3, 4},
        )
    for reason in result.skipped:
        print(f"not debited: {reason}")
    print(
        f"run {result.run_id} for {result.collection_date}: {result.items} debit(s), "
        f"{result.lodged} instruction(s) lodged, {result.settled} receipt(s) posted; files in {out}"
    )
    return 0


def _returns(args: argparse.Namespace, at: datetime) -> int:
    from recoup.cli.output import print_json
    from recoup.kernel.errors import DomainError
    from recoup.payments.debits.operations import returns_import

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        raise DomainError(f"file: {args.file!r} cannot be read ({error.strerror})", field="file") from None
    result = returns_import(data=data, file_name=Path(args.file).name, at=at)
    if args.json:
        print_json(result)
        return 0
    print(
        f"{result.file_name} ({result.kind}): {result.returned} returned, {result.already_returned} already "
        f"returned, {result.reversed_receipts} receipt(s) reversed, {result.mandates_stopped} mandate(s) "
        f"stopped, {result.mandates_changed} changed, "
        f"{result.promises_reopened} promised payment(s) judged again"
    )
    return 0
