"""Drop the index on receipts' book alone: ledger_receipt_sequence_per_book (book, sequence)
serves every look-up by book, and each index costs every receipt a statement import writes.

By name, not AlterField, as in 0004.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_balance_check_per_statement")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS ledger_receipt_book_id_a181a59b",
                    reverse_sql='CREATE INDEX ledger_receipt_book_id_a181a59b ON ledger_receipt ("book_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="receipt",
                    name="book",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="receipts",
                        to="ledger.ledgerbook",
                    ),
                )
            ],
        )
    ]
