"""Statements a test can import, written as a bank would send them, one line at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from recoup.payments.statements.parsed import (
    Direction,
    ParsedFile,
    ParsedLine,
    ParsedStatement,
    StatementFormat,
)

AT = datetime(2024, 3, 6, 9, 0, tzinfo=UTC)


def credit(amount_minor: int, **changes: object) -> ParsedLine:
    values: dict[str, object] = {
        "location": "Stmt[1]/Ntry[1]",
        "booking_date": date(2024, 3, 5),
        "value_date": date(2024, 3, 5),
        "direction": Direction.CREDIT,
        "amount_minor": amount_minor,
        "currency": "USD",
        **changes,
    }
    return ParsedLine(**values)  # type: ignore[arg-type]


def debit(amount_minor: int, **changes: object) -> ParsedLine:
    return credit(amount_minor, direction=Direction.DEBIT, **changes)


def statement_file(
    *lines: ParsedLine,
    statement_id: str = "STMT-2024-03-05",
    account_id: str = "US33000000001234",
    statement_date: date = date(2024, 3, 5),
    currency: str = "USD",
) -> ParsedFile:
    numbered = tuple(
        ParsedLine(**{**_fields(line), "location": f"Stmt[1]/Ntry[{n}]"})
        for n, line in enumerate(lines, start=1)
    )
    return ParsedFile(
        format=StatementFormat.CAMT053,
        file_id=f"MSG-{statement_id}",
        statements=(
            ParsedStatement(
                statement_id=statement_id,
                account_id=account_id,
                currency=currency,
                statement_date=statement_date,
                lines=numbered,
            ),
        ),
    )


def file_bytes(parsed: ParsedFile) -> bytes:
    """Stand-in bytes for a parsed file: the same statements always give the same bytes."""
    return repr(parsed).encode()


def _fields(line: ParsedLine) -> dict[str, object]:
    return {name: getattr(line, name) for name in ParsedLine.__slots__}
