"""Debits: mandates recorded (`mandates`), runs that write the scheme files and post the receipts
(`runs`), returns that reverse them (`returns`)."""

from recoup.payments.debits.operations.mandates import mandate_create, originator_add
from recoup.payments.debits.operations.returns import ReturnsResult, report_kind, returns_import
from recoup.payments.debits.operations.runs import (
    FileWritten,
    RunResult,
    bacs_processing_date,
    debit_run,
    debits_settle,
)
from recoup.payments.debits.queries import MandateView

__all__ = [
    "FileWritten",
    "MandateView",
    "ReturnsResult",
    "RunResult",
    "bacs_processing_date",
    "debit_run",
    "debits_settle",
    "mandate_create",
    "originator_add",
    "report_kind",
    "returns_import",
]
