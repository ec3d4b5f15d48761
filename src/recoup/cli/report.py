"""`recoup report aged-debt` and `recoup report roll-rates`: the reports as a table or a file."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from recoup.cli import cash_reconciliation
from recoup.cli.output import print_table
from recoup.kernel.errors import DomainError
from recoup.reporting.inputs import by_parse, date_parse

if TYPE_CHECKING:
    from recoup.reporting.exports import Table

FORMATS = ("table", "csv", "json", "xlsx")
# The options behind the fields the reporting context names in its errors.
OPTIONS = {"as_of": "--as-of", "from": "--from", "to": "--to", "by": "--by"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="report", required=True, metavar="REPORT")
    aged = sub.add_parser("aged-debt", help="accounts and balances per bucket on a closed business date")
    aged.add_argument("--as-of", required=True, metavar="DATE", help="a closed business date, YYYY-MM-DD")
    rolls = sub.add_parser("roll-rates", help="the bucket-to-bucket transition matrix between two dates")
    rolls.add_argument("--from", dest="from_date", required=True, metavar="DATE", help="YYYY-MM-DD")
    rolls.add_argument("--to", dest="to_date", required=True, metavar="DATE", help="YYYY-MM-DD, closed")
    for report in (aged, rolls):
        report.add_argument(
            "--by",
            default="",
            metavar="KEYS",
            help="group by product, jurisdiction and/or currency, comma separated (currency always)",
        )
        report.add_argument("--format", choices=FORMATS, default="table")
        report.add_argument("--json", action="store_true", help="the same as --format json")
        report.add_argument("--output", metavar="FILE", help="write to FILE instead of the terminal")
    cash_reconciliation.add_arguments(sub.add_parser("cash-reconciliation", help=cash_reconciliation.HELP))


def run(args: argparse.Namespace) -> int:
    if args.report == "cash-reconciliation":
        return cash_reconciliation.run(args)
    if args.json:
        args.format = "json"
    args.json = args.format == "json"
    try:
        content = _aged_debt(args) if args.report == "aged-debt" else _roll_rates(args)
    except DomainError as error:
        raise _named_as_option(error) from None
    if content is not None:
        _write(args, content)
    return 0


def _named_as_option(error: DomainError) -> DomainError:
    """The same error, naming the command-line option instead of the field behind it."""
    option = OPTIONS.get(error.field or "")
    if option is None or not error.message.startswith(f"{error.field}:"):
        return error
    message = option + error.message[len(error.field or "") :]
    return type(error)(message, field=error.field)


def _aged_debt(args: argparse.Namespace) -> str | bytes | None:
    from recoup.reporting import exports, queries

    as_of = date_parse(args.as_of, field="as_of")
    report = queries.aged_debt_report(as_of=as_of, by=by_parse(args.by))
    if args.format == "json":
        return json.dumps(exports.aged_debt_json(report), indent=2, ensure_ascii=False) + "\n"
    table = exports.aged_debt_table(report)
    if args.format != "table":
        return _file(args, table)
    print(f"Aged debt on {report.as_of.isoformat()}")
    _print(table)
    print()
    print_table(
        ["currency", "accounts", "balance", "arrears"],
        [
            [t.currency, f"{t.accounts:,}", _amount(t.balance.amount), _amount(t.arrears.amount)]
            for t in report.totals
        ],
        right={1, 2, 3},
    )
    return None


def _roll_rates(args: argparse.Namespace) -> str | bytes | None:
    from recoup.reporting import exports, queries

    from_date = date_parse(args.from_date, field="from")
    to_date = date_parse(args.to_date, field="to")
    report = queries.roll_rates_report(from_date=from_date, to_date=to_date, by=by_parse(args.by))
    if args.format == "json":
        return json.dumps(exports.roll_rates_json(report), indent=2, ensure_ascii=False) + "\n"
    if args.format != "table":
        return _file(args, exports.roll_rates_table(report))
    print(f"Roll rates from {from_date.isoformat()} to {to_date.isoformat()}: accounts (share of row)")
    for matrix in report.matrices:
        print()
        print(matrix.title)
        print_table(
            ["from \\ to", *(h.code for h in report.buckets), "accounts"],
            [
                [
                    row.from_bucket,
                    *(f"{c.accounts:,} ({c.rate}%)" if c.rate is not None else "-" for c in row.cells),
                    f"{row.accounts:,}",
                ]
                for row in matrix.rows
            ],
            right=set(range(1, len(report.buckets) + 2)),
        )
    return None


def _file(args: argparse.Namespace, table: Table) -> str | bytes:
    from recoup.reporting import exports

    return exports.csv_write(table) if args.format == "csv" else exports.xlsx_write(table)


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def _print(table: Table) -> None:
    from recoup.reporting.exports import Kind

    numeric = {i for i, column in enumerate(table.columns) if column.kind != Kind.TEXT}
    rows = [
        [
            "-"
            if cell is None
            else _amount(cell)
            if isinstance(cell, Decimal) and column.kind == Kind.MONEY
            else f"{cell:,}"
            if isinstance(cell, int)
            else str(cell)
            for column, cell in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]
    print_table([column.name for column in table.columns], rows, right=numeric)


def _write(args: argparse.Namespace, content: str | bytes) -> None:
    if args.output:
        path = Path(args.output)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return
    if isinstance(content, bytes):
        if sys.stdout.isatty():
            raise DomainError("--output: an XLSX file needs --output FILE (or a pipe)", field="output")
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        return
    sys.stdout.write(content)
