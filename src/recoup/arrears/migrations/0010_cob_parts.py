"""A close of business can be split into parts: the ranges of contracts a date is closed in, and a
record of each part as it commits (see recoup.arrears.batch.parts)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0009_oldest_unpaid_index_in_arrears_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='cobrun',
            name='parts',
            field=models.JSONField(default=list),
        ),
        migrations.CreateModel(
            name='CobPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('part', models.PositiveSmallIntegerField()),
                ('finished_at', models.DateTimeField()),
                ('summary', models.JSONField(default=dict)),
                ('moved', models.JSONField(default=list)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='arrears.cobrun')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('run', 'part'), name='cob_part_once')],
            },
        ),
    ]
