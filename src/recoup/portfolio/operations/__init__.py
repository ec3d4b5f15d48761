"""Writes for the portfolio: products, contract origination, schedule modifications, payments."""

from recoup.portfolio.inputs import Application, CustomerInput, VehicleInput
from recoup.portfolio.operations.modifications import (
    MODIFICATION_KINDS,
    installments_fall_due,
    schedule_modification_preview,
    schedule_modify,
)
from recoup.portfolio.operations.origination import (
    Booked,
    account_number_for,
    contract_originate,
    contracts_book,
    luhn_digit,
    products_install_standard,
)
from recoup.portfolio.operations.payments import (
    Adjusted,
    AdjustmentLine,
    PaymentTaken,
    journal_adjust,
    payment_apply,
)
from recoup.portfolio.operations.privacy import personal_data_reveal

__all__ = [
    "MODIFICATION_KINDS",
    "Adjusted",
    "AdjustmentLine",
    "Application",
    "Booked",
    "CustomerInput",
    "PaymentTaken",
    "VehicleInput",
    "account_number_for",
    "contract_originate",
    "contracts_book",
    "installments_fall_due",
    "journal_adjust",
    "luhn_digit",
    "payment_apply",
    "personal_data_reveal",
    "products_install_standard",
    "schedule_modification_preview",
    "schedule_modify",
]
