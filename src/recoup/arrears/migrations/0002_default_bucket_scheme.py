from django.db import migrations


def install(apps, schema_editor):
    BucketScheme = apps.get_model("arrears", "BucketScheme")
    BucketScheme.objects.get_or_create(
        code="standard", defaults={"name": "Standard", "boundaries": "1 30 60 90 120 180", "product_codes": ""}
    )


class Migration(migrations.Migration):
    dependencies = [("arrears", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
