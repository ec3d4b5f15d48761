"""`python bench/statement_file.py LINES PATH DATE`: write a camt.053 file of LINES payments for the
accounts of the book DATABASE_URL names, one per account: a statement per currency, each account
paying its installment; nine in ten quote the account number, one in twenty only the payer's name,
the rest come from a stranger. Control totals are set so the parser accepts the file."""

from __future__ import annotations

import os
import sys
from collections import defaultdict

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recoup.settings")

import django

django.setup()

from django.db import connection  # noqa: E402 - Django is set up first


def amount(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def main(lines: int, path: str, day: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.account_number, c.currency, p.given_name, p.family_name, sv.payment_minor "
            "FROM portfolio_contract c JOIN parties_party p ON p.id = c.customer_id "
            "JOIN portfolio_scheduleversion sv ON sv.contract_id = c.id AND sv.version = 1 "
            "ORDER BY c.id LIMIT %s",
            [lines],
        )
        rows = cursor.fetchall()
    if len(rows) < lines:
        raise SystemExit(f"the book has {len(rows)} accounts, fewer than {lines}")
    by_currency: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for n, (number, currency, given, family, payment) in enumerate(rows):
        if n % 20 < 18:
            payer, remittance = "", f"LOAN {number} INSTALMENT"
        elif n % 20 == 18:
            payer, remittance = f"{given} {family}".upper(), "MONTHLY PAYMENT"
        else:
            payer, remittance = "A STRANGER", "PAYMENT"
        by_currency[currency].append((n, payment, payer, remittance))
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            f"<GrpHdr><MsgId>BENCH-{day}</MsgId><CreDtTm>{day}T06:00:00Z</CreDtTm></GrpHdr>\n"
        )
        for currency, entries in sorted(by_currency.items()):
            total = sum(payment for _, payment, _, _ in entries)
            out.write(
                f"<Stmt><Id>BENCH-{currency}-{day}</Id><CreDtTm>{day}T06:00:00Z</CreDtTm>"
                f"<Acct><Id><Othr><Id>BENCH-{currency}</Id></Othr></Id><Ccy>{currency}</Ccy></Acct>"
                f"<TxsSummry><TtlCdtNtries><NbOfNtries>{len(entries)}</NbOfNtries><Sum>{amount(total)}</Sum>"
                "</TtlCdtNtries></TxsSummry>\n"
            )
            for n, payment, payer, remittance in entries:
                party = f"<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties>" if payer else ""
                out.write(
                    f'<Ntry><Amt Ccy="{currency}">{amount(payment)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
                    f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>BENCH{n:07d}</AcctSvcrRef>"
                    f"<NtryDtls><TxDtls><Refs><EndToEndId>E2E{n:07d}</EndToEndId></Refs>{party}"
                    f"<RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
                )
            out.write("</Stmt>\n")
        out.write("</BkToCstmrStmt></Document>\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
