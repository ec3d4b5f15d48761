"""The portfolio's tables in bulk: vehicles, odometer readings, contracts, their parties and first
schedule versions, written as rows by the loader (see recoup.bulk)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recoup.bulk import BulkLoader
from recoup.portfolio.models import Contract, ContractParty, OdometerReading, ScheduleVersion, Vehicle

Row = Sequence[Any]

VEHICLE_COLUMNS = ("id", "vin", "year", "make", "model", "trim", "colour", "registration")
ODOMETER_COLUMNS = ("vehicle_id", "reading", "unit", "read_date", "source")
CONTRACT_COLUMNS = (
    "id",
    "account_number",
    "product_id",
    "customer_id",
    "vehicle_id",
    "currency",
    "country",
    "jurisdiction",
    "cash_price_minor",
    "deposit_minor",
    "fees_minor",
    "amount_financed_minor",
    "apr",
    "money_factor",
    "term",
    "frequency",
    "origination_date",
    "first_due_date",
    "balloon_minor",
    "mileage_allowance",
    "dealer_name",
    "status",
    "created_at",
)
CONTRACT_PARTY_COLUMNS = ("contract_id", "party_id", "role")
SCHEDULE_VERSION_COLUMNS = (
    "contract_id",
    "version",
    "reason",
    "note",
    "effective_date",
    "from_installment",
    "method",
    "money_factor",
    "principal_minor",
    "apr",
    "installment_count",
    "start_date",
    "first_due_date",
    "frequency",
    "day_count",
    "rounding",
    "balloon_minor",
    "payment_minor",
    "final_payment_minor",
    "total_installments",
    "last_due_date",
    "created_at",
)


def contract_ids_reserve(loader: BulkLoader, count: int) -> range:
    """Keys for `count` new contracts, so account numbers can be made before anything is written."""
    return loader.ids(Contract._meta.db_table, count)


def vehicle_ids_reserve(loader: BulkLoader, count: int) -> range:
    return loader.ids(Vehicle._meta.db_table, count)


def contracts_write(
    loader: BulkLoader,
    *,
    vehicles: Sequence[Row],
    odometers: Sequence[Row],
    contracts: Sequence[Row],
    contract_parties: Sequence[Row],
    schedule_versions: Sequence[Row],
) -> None:
    """Write rows in the order of the *_COLUMNS above, vehicles before the contracts naming them."""
    loader.insert(Vehicle._meta.db_table, VEHICLE_COLUMNS, vehicles)
    loader.insert(OdometerReading._meta.db_table, ODOMETER_COLUMNS, odometers)
    loader.insert(Contract._meta.db_table, CONTRACT_COLUMNS, contracts)
    loader.insert(ContractParty._meta.db_table, CONTRACT_PARTY_COLUMNS, contract_parties)
    loader.insert(ScheduleVersion._meta.db_table, SCHEDULE_VERSION_COLUMNS, schedule_versions)
