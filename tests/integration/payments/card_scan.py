"""Looking for card numbers where none may be: every text column of every table, and log lines."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from recoup.payments.cards import pan_runs

TEXT_FIELDS = {
    "CharField",
    "TextField",
    "JSONField",
    "EmailField",
    "SlugField",
    "URLField",
    "GenericIPAddressField",
}


@dataclass(frozen=True)
class Finding:
    where: str  # "table.column" or "log logger.name"
    last4: str

    def __str__(self) -> str:
        return f"{self.where}: a card number ending {self.last4}"


def _text_columns(cursor, table: str) -> list[str]:
    columns = []
    for column in connection.introspection.get_table_description(cursor, table):
        try:
            kind = connection.introspection.get_field_type(column.type_code, column)
        except KeyError:
            # A type Django has no field for; read it as text if the database calls it text.
            kind = (
                "TextField"
                if "char" in str(column.type_code).lower() or "text" in str(column.type_code).lower()
                else ""
            )
        if kind in TEXT_FIELDS:
            columns.append(column.name)
    return columns


def card_numbers_in_tables() -> list[Finding]:
    """Every Luhn-valid run of 13–19 digits in any text column of any table, named by table and column."""
    findings = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in _text_columns(cursor, table):
                # Names from the database's own catalogue, quoted.
                query = f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} IS NOT NULL"  # noqa: S608
                cursor.execute(query)
                for (value,) in cursor.fetchall():
                    text = value if isinstance(value, str) else str(value)
                    findings += [Finding(f"{table}.{column}", run.digits[-4:]) for run in pan_runs(text)]
    return findings


def card_numbers_in_logs(records: Iterable[logging.LogRecord]) -> list[Finding]:
    findings = []
    for record in records:
        text = record.getMessage() + (f" {record.exc_text}" if record.exc_text else "")
        findings += [Finding(f"log {record.name}", run.digits[-4:]) for run in pan_runs(text)]
    return findings
