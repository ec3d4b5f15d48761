from django.db import migrations, models


class Migration(migrations.Migration):
    """Each state row keeps what it added to the last aged-debt totals, and the covering index the
    totals were counted from (a pass over every row each night) goes: its entries, ordered by
    balance, moved at a scattered place for every row a night changed."""

    dependencies = [
        ("arrears", "0006_state_frequency"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="arrearsstate", name="arrears_state_aged_debt"),
        migrations.AddField(
            model_name="arrearsstate",
            name="aged_bucket",
            field=models.CharField(blank=True, max_length=16, null=True),
        ),
        migrations.AddField(
            model_name="arrearsstate",
            name="aged_balance_minor",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="arrearsstate",
            name="aged_arrears_minor",
            field=models.BigIntegerField(default=0),
        ),
        # The rows as they stand are what the last close counted.
        migrations.RunSQL(
            "UPDATE arrears_arrearsstate SET aged_bucket = bucket, aged_balance_minor = receivable_minor, "
            "aged_arrears_minor = arrears_minor WHERE receivable_minor <> 0 OR arrears_minor <> 0",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
