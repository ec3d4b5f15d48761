"""Reason codes of the entries the ledger makes itself. Callers of `entry_post` bring their own."""

from enum import StrEnum


class ReasonCode(StrEnum):
    CONTRACT_FUNDED = "contract_funded"
    INSTALLMENT_FELL_DUE = "installment_fell_due"
    # Interest earned and not yet due, recognised at a month end (taken back out as installments bill it).
    INTEREST_ACCRUED = "interest_accrued"
    RECEIPT_ALLOCATED = "receipt_allocated"
    # A later receipt's allocation undone because an earlier receipt was returned...
    RECEIPT_UNWOUND = "receipt_unwound"
    # ...and allocated afresh against what is then outstanding.
    RECEIPT_REPLAYED = "receipt_replayed"
    # A book taken over from another system: one entry of opening balances (ledger/opening.py).
    CONVERSION_OPENING = "conversion_opening"
