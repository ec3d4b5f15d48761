"""Demo templates: the arrears reminder by letter, email and SMS, and the promise confirmation by
email and SMS. Version 1 of each, published by no one (the system), on the day the lender set up."""

from datetime import UTC, datetime

from django.db import migrations

PUBLISHED_AT = datetime(2024, 1, 1, tzinfo=UTC)

ARREARS_LETTER = """<p>Dear {{ customer_name }},</p>
<p>Our records show that your account is behind: <strong>{{ arrears }}</strong> is overdue on your
agreement for the {{ vehicle }}{% if oldest_unpaid_due_date %}, the oldest unpaid payment having been due on
{{ oldest_unpaid_due_date }}{% endif %}.</p>
<p>Please pay the overdue amount, or call us on {{ lender_phone }} if you cannot. We can talk about
what you can afford, and there may be other help available to you. Your next payment of
{{ installment }} is due on {{ next_due_date }}.</p>
<p>If you have already paid, thank you, and please ignore this letter.</p>
<p>Yours sincerely,</p>
<p>Customer Care<br>{{ lender_name }}</p>"""

ARREARS_EMAIL = """<p>Dear {{ customer_name }},</p>
<p>Your account {{ account_number }} is behind by <strong>{{ arrears }}</strong>. Please pay the overdue
amount, or call us on {{ lender_phone }} so we can find a way forward together.</p>
<p>Your next payment of {{ installment }} is due on {{ next_due_date }}.</p>
<p>Customer Care, {{ lender_name }}</p>"""

ARREARS_SMS = (
    "{{ lender_name }}: your account {{ account_number }} is {{ arrears }} behind. "
    "Please pay or call {{ lender_phone }}."
)

PROMISE_EMAIL = """<p>Dear {{ customer_name }},</p>
<p>Thank you for arranging to pay <strong>{{ promise_amount }}</strong> on {{ promise_date }} towards your
account {{ account_number }}.</p>
<p>If anything changes, please call us on {{ lender_phone }} before that day.</p>
<p>Customer Care, {{ lender_name }}</p>"""

PROMISE_SMS = (
    "{{ lender_name }}: thank you for arranging to pay {{ promise_amount }} on {{ promise_date }}. "
    "Questions? Call {{ lender_phone }}."
)

TEMPLATES = [
    ("arrears.reminder", "letter", "Arrears reminder", "Your payments are overdue", ARREARS_LETTER, []),
    ("arrears.reminder", "email", "Arrears reminder", "Your account {{ account_number }} is overdue", ARREARS_EMAIL, []),
    ("arrears.reminder", "sms", "Arrears reminder", "", ARREARS_SMS, []),
    (
        "promise.confirmation",
        "email",
        "Promise to pay confirmation",
        "Your payment arrangement for {{ account_number }}",
        PROMISE_EMAIL,
        ["promise_amount", "promise_date"],
    ),
    ("promise.confirmation", "sms", "Promise to pay confirmation", "", PROMISE_SMS, ["promise_amount", "promise_date"]),
]


def publish(apps, schema_editor):
    Template = apps.get_model("comms", "Template")
    TemplateVersion = apps.get_model("comms", "TemplateVersion")
    for code, channel, name, subject, body, fields in TEMPLATES:
        template, _ = Template.objects.get_or_create(code=code, channel=channel, language="en", defaults={"name": name})
        if not TemplateVersion.objects.filter(template=template).exists():
            TemplateVersion.objects.create(
                template=template,
                number=1,
                subject=subject,
                body=body,
                context_fields=fields,
                created_at=PUBLISHED_AT,
            )


class Migration(migrations.Migration):
    dependencies = [("comms", "0002_template_version_context_fields")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
