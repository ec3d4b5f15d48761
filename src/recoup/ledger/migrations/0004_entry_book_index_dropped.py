"""Drop the index on journal entries' book alone: ledger_entry_book_date (book, effective_date)
serves every look-up by book, and each index costs every entry the close of business writes.

By name, not AlterField: on SQLite AlterField rebuilds the table, which would take the
append-only triggers (migration 0002) away with the old one.
"""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_account_book_index_dropped")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS ledger_journalentry_book_id_fe0b61fd",
                    reverse_sql='CREATE INDEX ledger_journalentry_book_id_fe0b61fd ON ledger_journalentry ("book_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="book",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="entries",
                        to="ledger.ledgerbook",
                    ),
                )
            ],
        )
    ]
