"""`recoup ledger`: the trial balance, and proof that kept balances equal the postings.

recoup ledger trial-balance [--as-of YYYY-MM-DD] [--json]
recoup ledger verify [--json]
recoup ledger adjust ACCOUNT --reason CODE --line CODE:AMOUNT:CURRENCY[:INSTALLMENT] ... [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recoup.ledger.queries import Mismatch, TrialBalanceRow

NEEDS_DATABASE = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="ledger_command", metavar="SUBCOMMAND", required=True)
    trial = sub.add_parser(
        "trial-balance",
        help="debits, credits and net per account code and currency",
        description="Debits, credits and net per account code and currency, over every book.",
    )
    trial.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="count entries effective on or before",
    )
    trial.add_argument("--json", action="store_true", help="print JSON, amounts as decimal strings")
    verify = sub.add_parser(
        "verify",
        help="prove every kept balance equals its postings and every entry balances",
        description="Recompute every kept balance from postings and check every entry balances. "
        "Exits 0 and prints ok when all agree, 1 with the list of mismatches otherwise.",
    )
    verify.add_argument("--json", action="store_true", help="print JSON")
    adjust = sub.add_parser(
        "adjust",
        help="post a balanced manual entry to one account",
        description="Post a balanced manual entry to one account's ledger: debits positive, credits "
        "negative, e.g. --line fees_due:-25.00:USD --line credits:25.00:USD for a fee waiver.",
    )
    adjust.add_argument("account_number")
    adjust.add_argument("--reason", required=True, help="reason code, e.g. fee_waiver")
    adjust.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="CODE:AMOUNT:CURRENCY[:INSTALLMENT]",
        help="one line of the entry; repeat for each",
    )
    adjust.add_argument("--date", type=_iso_date, default=None, metavar="YYYY-MM-DD", help="effective date")
    adjust.add_argument("--key", help="idempotency key (default: one made from the entry itself)")
    adjust.add_argument("--memo", default="")
    adjust.add_argument("--json", action="store_true", help="print JSON")


def _adjust(args: argparse.Namespace) -> int:
    from recoup.kernel import clock
    from recoup.kernel.errors import DomainError
    from recoup.kernel.plain import plain
    from recoup.portfolio.operations import AdjustmentLine, journal_adjust

    lines = []
    for index, text in enumerate(args.line):
        parts = text.split(":")
        if len(parts) not in (3, 4):
            raise DomainError(
                f"lines[{index}]: {text!r} is not CODE:AMOUNT:CURRENCY[:INSTALLMENT]", field=f"lines[{index}]"
            )
        installment = parts[3] if len(parts) == 4 else None
        if installment is not None and not installment.isdigit():
            raise DomainError(
                f"lines[{index}].installment: {installment!r} is not a number",
                field=f"lines[{index}].installment",
            )
        lines.append(AdjustmentLine(parts[0], parts[1], parts[2], int(installment) if installment else None))
    effective = args.date or clock.today()
    adjusted = journal_adjust(
        account_number=args.account_number,
        reason_code=args.reason,
        lines=lines,
        effective_date=effective,
        idempotency_key=args.key
        or f"cli:{args.account_number}:{args.reason}:{effective}:{':'.join(args.line)}",
        memo=args.memo,
        at=clock.now(),
    )
    if args.json:
        print(json.dumps(plain(adjusted), indent=2))
    else:
        print(
            f"Posted entry {adjusted.entry_id} to {adjusted.account_number}; balance now {adjusted.balance}."
        )
    return 0


def run(args: argparse.Namespace) -> int:
    from recoup.ledger import queries

    if args.ledger_command == "adjust":
        return _adjust(args)

    if args.ledger_command == "trial-balance":
        rows = queries.trial_balance(as_of=args.as_of)
        if args.json:
            print(json.dumps(_trial_balance_json(rows, args.as_of), indent=2))
        else:
            _print_trial_balance(rows, args.as_of)
        return 0
    mismatches = queries.ledger_verify()
    if args.json:
        print(
            json.dumps(
                {"ok": not mismatches, "mismatches": [_mismatch_json(m) for m in mismatches]},
                indent=2,
            )
        )
    elif mismatches:
        for mismatch in mismatches:
            print(mismatch.describe())
        print(f"{len(mismatches)} mismatch{'es' if len(mismatches) != 1 else ''}")
    else:
        print("ok")
    return 1 if mismatches else 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _totals(rows: list[TrialBalanceRow]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: {"debit": 0, "credit": 0, "net": 0})
    for row in rows:
        totals[row.currency]["debit"] += row.debit.minor
        totals[row.currency]["credit"] += row.credit.minor
        totals[row.currency]["net"] += row.net.minor
    return totals


def _trial_balance_json(rows: list[TrialBalanceRow], as_of: date | None) -> dict[str, Any]:
    from recoup.kernel.money import Money

    return {
        "as_of": as_of.isoformat() if as_of else None,
        "rows": [
            {
                "code": row.code,
                "currency": row.currency,
                "debit": str(row.debit),
                "credit": str(row.credit),
                "net": str(row.net),
            }
            for row in rows
        ],
        "totals": {
            currency: {side: str(Money(minor, currency)) for side, minor in sides.items()}
            for currency, sides in sorted(_totals(rows).items())
        },
    }


def _print_trial_balance(rows: list[TrialBalanceRow], as_of: date | None) -> None:
    from recoup.kernel.money import Money

    print(f"Trial balance as of {as_of.isoformat()}" if as_of else "Trial balance, all entries")
    table = [[row.code, row.currency, str(row.debit), str(row.credit), str(row.net)] for row in rows]
    for currency, sides in sorted(_totals(rows).items()):
        table.append(
            ["total", currency, *(str(Money(sides[side], currency)) for side in ("debit", "credit", "net"))]
        )
    headers = ["account", "currency", "debit", "credit", "net"]
    widths = [max([len(header), *(len(cells[i]) for cells in table)]) for i, header in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(headers))
    print("  ".join("-" * width for width in widths))
    for cells in table:
        print(line(cells))


def _mismatch_json(mismatch: Mismatch) -> dict[str, Any]:
    return {
        "kind": mismatch.kind,
        "contract_id": mismatch.contract_id,
        "currency": mismatch.currency,
        "code": mismatch.code,
        "entry_id": mismatch.entry_id,
        "expected": str(mismatch.expected) if mismatch.expected is not None else None,
        "found": str(mismatch.found) if mismatch.found is not None else None,
        "message": mismatch.describe(),
    }
