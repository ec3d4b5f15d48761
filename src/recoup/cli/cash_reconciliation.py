"""`recoup report cash-reconciliation --date DATE [--json]`: each bank statement of the date against
the receipts posted from it, the cash unapplied and the money set aside, with every difference."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recoup.payments.statements.queries import CashReconciliation

HELP = "bank statements of a date against receipts posted, cash unapplied and set aside"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", required=True, metavar="DATE", help="the statements' date, YYYY-MM-DD")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--json", action="store_true", help="the same as --format json")


def run(args: argparse.Namespace) -> int:
    from recoup.cli.output import print_json, print_table
    from recoup.payments.statements.queries import cash_reconciliation
    from recoup.reporting.inputs import date_parse

    business_date = date_parse(args.date, field="--date")
    report = cash_reconciliation(business_date=business_date)
    if args.json or args.format == "json":
        print_json(as_json(report))
        return 0
    print(f"Cash reconciliation for {business_date.isoformat()}: {report.differences} differences")
    print_table(
        ["bank account", "statement", "credits", "debits", "posted", "unapplied", "not customer", "returned"],
        [
            [
                s.bank_account,
                s.statement_id,
                f"{s.credits} {s.currency}",
                f"{s.debits} {s.currency}",
                str(s.posted),
                str(s.unapplied),
                str(s.not_customer),
                str(s.returned),
            ]
            for s in report.statements
        ],
        right={2, 3, 4, 5, 6, 7},
    )
    for statement in report.statements:
        for difference in statement.differences:
            print(
                f"  {statement.statement_id}: {difference.kind} {difference.amount}: {difference.description}"
            )
    return 0


def as_json(report: CashReconciliation) -> dict[str, Any]:
    return {
        "date": report.business_date.isoformat(),
        "differences": report.differences,
        "statements": [
            {
                "bank_account": s.bank_account,
                "statement_id": s.statement_id,
                "file": s.file_name,
                "currency": s.currency,
                "credit_count": s.credit_count,
                "debit_count": s.debit_count,
                "credits": str(s.credits),
                "debits": str(s.debits),
                "posted": str(s.posted),
                "unapplied": str(s.unapplied),
                "not_customer": str(s.not_customer),
                "returned": str(s.returned),
                "reconciled": s.reconciled,
                "differences": [
                    {
                        "kind": d.kind,
                        "amount": str(d.amount),
                        "description": d.description,
                        "line_id": d.line_id,
                    }
                    for d in s.differences
                ],
            }
            for s in report.statements
        ],
    }
