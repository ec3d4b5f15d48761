"""Reports as files: a table of typed columns, written as CSV, XLSX or JSON. Pure: no Django.

Money leaves as exact Decimal in major units: a decimal string in CSV and JSON, a number with a
two-decimal format in XLSX (openpyxl writes a Decimal's own digits, so no float is involved).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from recoup.reporting.aged_debt import AgedDebtGroup, AgedDebtReport
from recoup.reporting.roll_rates import RollRateReport

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"

Cell = str | int | Decimal | None


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    RATE = "rate"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def aged_debt_table(report: AgedDebtReport) -> Table:
    """One row per group and bucket, grouping keys first."""
    columns = (
        *(Column(key) for key in report.by),
        Column("bucket"),
        Column("accounts", Kind.COUNT),
        Column("balance", Kind.MONEY),
        Column("arrears", Kind.MONEY),
    )
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (*(value for _, value in row.keys), row.bucket, row.accounts, row.balance.amount, row.arrears.amount)
        for row in report.rows
    )
    return Table(f"Aged debt {report.as_of.isoformat()}", columns, rows)


def roll_rates_table(report: RollRateReport) -> Table:
    """One row per group, from bucket and to bucket: the matrix laid out long."""
    columns = (
        *(Column(key) for key in report.by),
        Column("from_bucket"),
        Column("to_bucket"),
        Column("accounts", Kind.COUNT),
        Column("receivable", Kind.MONEY),
        Column("rate_percent", Kind.RATE),
    )
    rows = tuple(
        (
            *(value for _, value in matrix.keys),
            row.from_bucket,
            cell.to_bucket,
            cell.accounts,
            cell.receivable.amount,
            cell.rate,
        )
        for matrix in report.matrices
        for row in matrix.rows
        for cell in row.cells
    )
    title = f"Roll rates {report.from_date.isoformat()} to {report.to_date.isoformat()}"
    return Table(title, columns, rows)


def csv_write(table: Table) -> str:
    """CSV with a header row; money as plain decimal strings, an empty cell for no value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    for row in table.rows:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return out.getvalue()


def xlsx_write(table: Table) -> bytes:
    """One worksheet: a bold header row, then the rows with numbers as numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True)
    formats = {Kind.MONEY: MONEY_FORMAT, Kind.RATE: RATE_FORMAT, Kind.COUNT: COUNT_FORMAT}
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = header_font
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            # openpyxl takes a Decimal as a number and writes its own digits; the stubs omit it.
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
            if column.kind in formats and value is not None:
                cell.number_format = formats[column.kind]
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _figures(group: AgedDebtGroup) -> dict[str, Any]:
    return {"accounts": group.accounts, "balance": str(group.balance), "arrears": str(group.arrears)}


def aged_debt_json(report: AgedDebtReport) -> dict[str, Any]:
    """{"as_of", "by", "rows": [one per group and bucket], "totals": [one per currency]}."""
    return {
        "as_of": report.as_of.isoformat(),
        "by": list(report.by),
        "buckets": [heading.code for heading in report.buckets],
        "rows": [
            {
                **dict(row.keys),
                "bucket": row.bucket,
                "accounts": row.accounts,
                "balance": str(row.balance),
                "arrears": str(row.arrears),
            }
            for row in report.rows
        ],
        "totals": [
            {
                "currency": total.currency,
                **_figures(total),
                "buckets": [
                    {
                        "bucket": f.bucket,
                        "accounts": f.accounts,
                        "balance": str(f.balance),
                        "arrears": str(f.arrears),
                    }
                    for f in total.buckets
                ],
            }
            for total in report.totals
        ],
    }


def roll_rates_json(report: RollRateReport) -> dict[str, Any]:
    """{"from", "to", "by", "buckets", "matrices": [one per group, rows of cells]}."""
    return {
        "from": report.from_date.isoformat(),
        "to": report.to_date.isoformat(),
        "by": list(report.by),
        "buckets": [heading.code for heading in report.buckets],
        "matrices": [
            {
                **dict(matrix.keys),
                "accounts": matrix.accounts,
                "receivable": str(matrix.receivable),
                "rows": [
                    {
                        "from_bucket": row.from_bucket,
                        "accounts": row.accounts,
                        "receivable": str(row.receivable),
                        "cells": [
                            {
                                "to_bucket": cell.to_bucket,
                                "accounts": cell.accounts,
                                "receivable": str(cell.receivable),
                                "rate": None if cell.rate is None else str(cell.rate),
                            }
                            for cell in row.cells
                        ],
                    }
                    for row in matrix.rows
                ],
            }
            for matrix in report.matrices
        ],
    }
