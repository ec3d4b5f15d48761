"""The portfolio's tables in bulk: vehicles, odometer readings, contracts, their parties and first
schedule versions, written as columns by the loader (see recoup.bulk)."""

from __future__ import annotations

from collections.abc import Mapping

from recoup.bulk import BulkLoader, Column
from recoup.portfolio.models import Contract, ContractParty, OdometerReading, ScheduleVersion, Vehicle

Columns = Mapping[str, Column]


def contract_ids_reserve(loader: BulkLoader, count: int) -> range:
    """Keys for `count` new contracts, so account numbers can be made before anything is written."""
    return loader.ids(Contract._meta.db_table, count)


def vehicle_ids_reserve(loader: BulkLoader, count: int) -> range:
    return loader.ids(Vehicle._meta.db_table, count)


def contracts_write(
    loader: BulkLoader,
    *,
    vehicles: Columns,
    odometers: Columns,
    contracts: Columns,
    contract_parties: Columns,
    schedule_versions: Columns,
) -> None:
    """Write each table's columns (named as the table's), vehicles before the contracts naming them."""
    loader.insert(Vehicle._meta.db_table, vehicles)
    loader.insert(OdometerReading._meta.db_table, odometers)
    loader.insert(Contract._meta.db_table, contracts)
    loader.insert(ContractParty._meta.db_table, contract_parties)
    loader.insert(ScheduleVersion._meta.db_table, schedule_versions)


def portfolio_tables() -> tuple[str, ...]:
    """The tables contracts_write fills."""
    return tuple(
        m._meta.db_table for m in (Vehicle, OdometerReading, Contract, ContractParty, ScheduleVersion)
    )
