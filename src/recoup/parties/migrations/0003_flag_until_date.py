from django.conf import settings
from datetime import timedelta

from django.db import migrations, models


def details_normalise(apps, schema_editor):
    """Flags written before the vocabularies: their words move to the note, the detail to a code."""
    PartyFlag = apps.get_model("parties", "PartyFlag")
    for flag in PartyFlag.objects.filter(kind="breathing_space").exclude(
        detail__in=["standard", "mental_health_crisis"]
    ):
        crisis = "mental" in flag.detail.lower()
        flag.note = " ".join(part for part in (flag.detail, flag.note) if part)
        flag.detail = "mental_health_crisis" if crisis else "standard"
        if not crisis and flag.until_date is None:
            flag.until_date = flag.set_date + timedelta(days=59)
        flag.save(update_fields=["detail", "note", "until_date"])
    drivers = {"health": "health", "life": "life_events", "resilien": "resilience", "capab": "capability"}
    for flag in PartyFlag.objects.filter(kind="vulnerability"):
        words = flag.detail.lower()
        if words and all(part in drivers.values() for part in words.split(",")):
            continue
        named = [code for stem, code in drivers.items() if stem in words] or ["resilience"]
        flag.note = " ".join(part for part in (flag.detail, flag.note) if part)
        flag.detail = ",".join(named)
        flag.save(update_fields=["detail", "note"])


class Migration(migrations.Migration):

    dependencies = [
        ('parties', '0002_constraints_and_phone_suffix_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='partyflag',
            name='until_date',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='partyflag',
            index=models.Index(condition=models.Q(('cleared_at__isnull', True)), fields=['kind', 'set_date'], name='party_flag_uncleared_kind'),
        ),
        migrations.AddConstraint(
            model_name='partyflag',
            constraint=models.CheckConstraint(condition=models.Q(('until_date__isnull', True), ('until_date__gte', models.F('set_date')), _connector='OR'), name='party_flag_until_after_set'),
        ),
        migrations.RunPython(details_normalise, migrations.RunPython.noop),
    ]
