"""The index of the oldest unpaid due date holds the accounts in arrears only.

Most accounts are up to date (their date is None), and every query of the index compares the date
(the buckets' boundary crossings, the notices, the strategies, the arrangements), which excludes
None, so PostgreSQL and SQLite both use the partial index for them. A night rewrites the state of
every account with an installment due; for one up to date, that is one index entry fewer to write.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("arrears", "0008_references_per_statement"),
        ("portfolio", "0004_product_late_fee_rules"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="arrearsstate", name="arrears_state_oldest_unpaid"),
        migrations.AddIndex(
            model_name="arrearsstate",
            index=models.Index(
                condition=models.Q(("oldest_unpaid_due_date__isnull", False)),
                fields=["oldest_unpaid_due_date"],
                name="arrears_state_oldest_unpaid",
            ),
        ),
    ]
