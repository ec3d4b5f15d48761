"""Starting limits for a new installation (the same figures in dollars and pounds), so that agents
can agree small things from the first day; the head of credit sets the lender's own with
`recoup authority set`. The figures are written out here, as a migration must not change later."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = {
    # role: (longest arrangement months, payment reduction %, credit, settlement discount %, write-off)
    "agent": (6, Decimal(25), 10_000, Decimal(10), 0),
    "team_leader": (12, Decimal(50), 100_000, Decimal(25), 250_000),
    "head_of_credit": (36, Decimal(100), 2_500_000, Decimal(60), 5_000_000),
}


def defaults_add(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuthorityLimit = apps.get_model("access", "AuthorityLimit")
    for role, (months, reduction, credit, discount, write_off) in DEFAULTS.items():
        for currency in ("USD", "GBP"):
            AuthorityLimit.objects.get_or_create(
                role=role,
                user=None,
                currency=currency,
                defaults={
                    "arrangement_months": months,
                    "payment_reduction_percent": reduction,
                    "credit_minor": credit,
                    "settlement_discount_percent": discount,
                    "write_off_minor": write_off,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("access", "0003_authority_limits")]

    operations = [migrations.RunPython(defaults_add, migrations.RunPython.noop)]
