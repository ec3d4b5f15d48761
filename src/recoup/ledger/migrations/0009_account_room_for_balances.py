"""On PostgreSQL, leave room on each page of ledger accounts for its rows' next versions.

A close of business moves the kept balance of every account a night posts to: 114,000 rows per
1,000,000 accounts on a night when one account in 28 has an installment due. The balance is in no
index, so PostgreSQL can write the new version beside the old one on the same page without touching
either of the table's indexes (the key, and book with code): a heap-only update, but only where the
page has room, and a table loaded full has none. At 85 per cent, that night's balance update took
0.94 s against 1.21 s (1,000,000 accounts, docs/benchmarks.md).

Pages written from now on are filled to 85 per cent; a book already loaded gets the room when the
table is rewritten (VACUUM FULL or CLUSTER), which this migration does not do. SQLite has no such
setting.
"""

from django.db import migrations

FILLFACTOR = 85


def _room_leave(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE ledger_ledgeraccount SET (fillfactor = {FILLFACTOR})")


def _room_take(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_ledgeraccount RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0008_account_reference_per_statement")]

    operations = [migrations.RunPython(_room_leave, _room_take)]
