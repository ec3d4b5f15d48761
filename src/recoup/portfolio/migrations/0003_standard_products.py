from django.db import migrations


def install(apps, schema_editor):
    from recoup.portfolio.products import STANDARD_PRODUCTS

    Product = apps.get_model("portfolio", "Product")
    for definition in STANDARD_PRODUCTS:
        Product.objects.get_or_create(code=definition.code, defaults=vars(definition))


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_schedule_method")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
