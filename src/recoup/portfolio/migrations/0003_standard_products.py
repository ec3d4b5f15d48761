from django.db import migrations


def install(apps, schema_editor):
    from recoup.portfolio.products import STANDARD_PRODUCTS

    Product = apps.get_model("portfolio", "Product")
    # Only the columns this migration's Product has: later migrations add (and fill) the rest.
    columns = {f.name for f in Product._meta.fields}
    for definition in STANDARD_PRODUCTS:
        defaults = {name: value for name, value in vars(definition).items() if name in columns}
        Product.objects.get_or_create(code=definition.code, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_schedule_method")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
