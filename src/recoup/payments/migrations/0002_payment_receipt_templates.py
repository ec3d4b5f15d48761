"""The receipt a customer gets for a payment, by email and by letter: version 1 of each, published
by no one (the system) on the day the lender set up, as the demo templates are."""

from datetime import UTC, datetime

from django.db import migrations

PUBLISHED_AT = datetime(2024, 1, 1, tzinfo=UTC)
FIELDS = ["payment_amount", "payment_date", "payment_method", "payment_number"]

RECEIPT_EMAIL = """<p>Dear {{ customer_name }},</p>
<p>Thank you for your payment of <strong>{{ payment_amount }}</strong> on {{ payment_date }} by
{{ payment_method }} towards your account {{ account_number }}. Your receipt number is
{{ payment_number }}.</p>
<p>Your balance is now {{ balance }}.{% if next_due_date %} Your next payment of {{ installment }} is due on
{{ next_due_date }}.{% endif %}</p>
<p>Customer Care, {{ lender_name }}</p>"""

RECEIPT_LETTER = """<p>Dear {{ customer_name }},</p>
<p>Thank you for your payment of <strong>{{ payment_amount }}</strong>, received on {{ payment_date }} by
{{ payment_method }}, towards your agreement for the {{ vehicle }} (account {{ account_number }}).</p>
<p>Your receipt number is {{ payment_number }}. Your balance is now {{ balance }}.{% if next_due_date %}
Your next payment of {{ installment }} is due on {{ next_due_date }}.{% endif %}</p>
<p>Please keep this letter as your receipt. If anything here is not as you expected, call us on
{{ lender_phone }}.</p>
<p>Yours sincerely,</p>
<p>Customer Care<br>{{ lender_name }}</p>"""

TEMPLATES = [
    ("email", "Payment receipt", "Your payment to account {{ account_number }}", RECEIPT_EMAIL),
    ("letter", "Payment receipt", "Receipt for your payment", RECEIPT_LETTER),
]


def publish(apps, schema_editor):
    Template = apps.get_model("comms", "Template")
    TemplateVersion = apps.get_model("comms", "TemplateVersion")
    for channel, name, subject, body in TEMPLATES:
        template, _ = Template.objects.get_or_create(
            code="payment_receipt", channel=channel, language="en", defaults={"name": name}
        )
        if not TemplateVersion.objects.filter(template=template).exists():
            TemplateVersion.objects.create(
                template=template,
                number=1,
                subject=subject,
                body=body,
                context_fields=FIELDS,
                created_at=PUBLISHED_AT,
            )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("comms", "0003_demo_templates")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
