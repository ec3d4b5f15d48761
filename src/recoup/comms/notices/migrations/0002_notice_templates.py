"""The statutory notices' letter templates, version 1 of each, published by no one (the system).

Each body uses every element comms.notices.content requires of its kind (a unit test holds it to
that); the fixed wording follows the statute each names. A lender's compliance team publishes new
versions through comms (template_version_publish); these first ones are never edited.
"""

from datetime import UTC, datetime

from django.db import migrations

PUBLISHED_AT = datetime(2024, 1, 1, tzinfo=UTC)

_HEAD = """<p>{{ customer_name }}<br>{{ customer_address|linebreaksbr }}</p>
<p>{{ lender_name }}<br>{{ lender_address|linebreaksbr }}</p>
<p>Account {{ account_number }}</p>
"""

KANSAS_CURE = _HEAD + """<h1>Notice of consumer's right to cure default</h1>
<p>{{ lender_name }}, {{ lender_address|linebreaksbr }}, telephone {{ lender_phone }}.</p>
<p>Transaction: {{ transaction_description }}.</p>
<p>You are in default on this agreement because a required payment has not been made. You have the
right to cure this default. To cure it you must pay <strong>{{ amount_due }}</strong>, together with any
unpaid late fees, to {{ lender_name }} at the address above by <strong>{{ cure_by_date }}</strong>. If you
do, your agreement continues as though the default had not happened.</p>
<p>If you do not cure the default by that date, we may accelerate the unpaid balance and take possession
of the vehicle. You may be liable for the reasonable costs of collection, including court costs and
either attorney fees or collection agency fees.</p>
<p>This notice is given under K.S.A. 16a-5-111. If you are late again, you may not be entitled to
another notice of this kind.</p>"""

MASSACHUSETTS_CURE = _HEAD + """<h1>Rights of Defaulting Buyer Under the Massachusetts Motor Vehicle
Retail Instalment Sales Act</h1>
<p>You may cure your default in {{ transaction_description }} by paying to {{ lender_name }},
{{ lender_address|linebreaksbr }}, <strong>{{ amount_due }}</strong> before
<strong>{{ cure_before_date }}</strong>.</p>
<p>If you pay this amount within the time allowed, you are no longer in default and may continue with
your contract as though no default had occurred.</p>
<p>If you do not cure your default by the date stated above, the creditor may sue you to obtain a
judgment for the amount of the debt and may take possession of the motor vehicle.</p>
<p>Questions: call {{ lender_phone }}. This notice is given under M.G.L. c.255B §20A.</p>"""

INTENT_TO_REPOSSESS = _HEAD + """<h1>Notice of intent to repossess</h1>
<p>Your payments on the agreement for the {{ vehicle_description }} are overdue by
<strong>{{ amount_due }}</strong>.</p>
<p>Unless the overdue amount is paid, we may repossess the vehicle on or after
<strong>{{ repossession_from_date }}</strong>. Please call us on {{ lender_phone }} to pay or to talk
about what you can afford.</p>"""

_DISPOSITION_BODY = """<h1>Notice of our plan to sell property</h1>
<p>We have your {{ vehicle_description }}, because you broke promises in our agreement.</p>
{% if disposition_method == "public" %}<p>We will sell the vehicle at public sale. A sale could include a
lease or license. The sale will be held at {{ sale_at_local }} at {{ sale_place }}. You may attend the
sale and bring bidders if you want.</p>{% endif %}
{% if disposition_method == "private" %}<p>We will sell the vehicle at private sale sometime after
{{ earliest_private_sale_date }}. A sale could include a lease or license.</p>{% endif %}
<p>The money that we get from the sale, after paying our costs, will reduce the amount you owe. If we
get less money than you owe, you {{ deficiency_liability }} still owe us the difference. If we get more
money than you owe, you will get the extra money, unless we must pay it to someone else.</p>
<p>You can get the vehicle back at any time before we sell it by paying us the full amount you owe, not
just the past due payments, including our expenses. To learn the exact amount you must pay, call us at
{{ redemption_phone }}.</p>
<p>If you want us to explain to you in writing how we have figured the amount that you owe us, you may
call us at {{ information_contact }} or write to us at {{ lender_address|linebreaksbr }} and request a
written explanation. We will charge you {{ accounting_charge }} for the explanation if we sent you
another written explanation of the amount you owe us within the last six months.</p>
<p>If you need more information about the sale, call us at {{ information_contact }}.</p>"""

DISPOSITION = _HEAD + _DISPOSITION_BODY + """
<p>This notice is given under Uniform Commercial Code §§ 9-611 and 9-614.</p>"""

CALIFORNIA_DISPOSITION = _HEAD + """<h1>Notice of intent to dispose of motor vehicle</h1>
<p>You may redeem the vehicle by paying in full <strong>{{ redemption_amount }}</strong> until
<strong>{{ redeem_by_date }}</strong>.</p>
<p>Reinstatement: {{ reinstatement }}</p>
<p>On your written request we will extend the redemption period and any reinstatement period by
{{ extension_days }} days without further notice.</p>""" + _DISPOSITION_BODY + """
<p>This notice is given under California Civil Code § 2983.2 and Commercial Code § 9614.</p>"""

DEFICIENCY = _HEAD + """<h1>Explanation of the amount you owe after the sale</h1>
<p>This is how we calculated the amount you owe after selling the vehicle.</p>
<table>
<tr><td>1. Aggregate amount of obligations secured, as of {{ obligation_as_of_date }}</td>
<td>{{ aggregate_obligation }}</td></tr>
<tr><td>2. Less the proceeds of the sale</td><td>{{ proceeds }}</td></tr>
<tr><td>3. Obligations after deducting the proceeds</td><td>{{ after_proceeds }}</td></tr>
<tr><td>4. Plus expenses of retaking, holding, preparing, processing and disposing of the vehicle,
and attorney's fees</td><td>{{ expenses }}</td></tr>
<tr><td>5. Less credits, including rebates of interest or charges</td><td>{{ credits }}</td></tr>
<tr><td>6. Amount of the deficiency</td><td>{{ deficiency }}</td></tr>
<tr><td>Amount of any surplus</td><td>{{ surplus }}</td></tr>
</table>
<p>Future debits, credits, charges, including additional interest, rebates and expenses may affect the
amount of the deficiency or surplus.</p>
<p>For more information call or write to us: {{ information_contact }}.</p>
<p>This explanation is given under Uniform Commercial Code § 9-616.</p>"""

S86B = _HEAD + """<h1>Notice of sums in arrears</h1>
<p>Date: {{ notice_date }}</p>
<p>Agreement: {{ agreement_description }}.</p>
<p>This notice is about your agreement with us. You are behind with your payments.</p>
<table>
<tr><td>Total you should have paid so far</td><td>{{ total_due }}</td></tr>
<tr><td>Total you have paid</td><td>{{ total_paid }}</td></tr>
<tr><td>Amount you are behind (the shortfall)</td><td><strong>{{ shortfall }}</strong></td></tr>
</table>
<p>If you are having difficulty paying, please call us on {{ lender_phone }}. You can get free,
independent advice from a debt advice service.</p>
<p>{{ information_sheet }} It tells you about your rights and where you can get help.</p>
<p>This notice is given under section 86B of the Consumer Credit Act 1974.</p>"""

DEFAULT = _HEAD + """<h1>Default notice served under section 87(1) of the Consumer Credit Act 1974</h1>
<p>Agreement: {{ agreement_description }}.</p>
<p>What you have not done: {{ breach }}</p>
<p>What you must do to put it right: {{ remedy_action }} The amount required is
<strong>{{ amount_required }}</strong>, to be paid on or before <strong>{{ remedy_by_date }}</strong>.</p>
<p>If you do this, no further action will be taken in respect of this breach. If you do not, we may end
the agreement, ask you to pay the whole balance early, or take the vehicle back, and we may ask a court
to make an order. You can apply to the court for more time to pay (a time order).</p>
<p>If you are having difficulty paying, please call us on {{ lender_phone }}. You can get free,
independent advice from a debt advice service.</p>
<p>{{ information_sheet }}</p>"""

TEMPLATES = [
    (
        "notice.us.right_to_cure.ks",
        "Notice of right to cure (Kansas)",
        "Notice of your right to cure default",
        KANSAS_CURE,
        ["transaction_description", "amount_due", "cure_by_date", "cure_before_date"],
    ),
    (
        "notice.us.right_to_cure.ma",
        "Notice of right to cure (Massachusetts)",
        "Rights of defaulting buyer",
        MASSACHUSETTS_CURE,
        ["transaction_description", "amount_due", "cure_by_date", "cure_before_date"],
    ),
    (
        "notice.us.intent_to_repossess",
        "Notice of intent to repossess",
        "Notice of intent to repossess",
        INTENT_TO_REPOSSESS,
        ["vehicle_description", "amount_due", "repossession_from_date"],
    ),
    (
        "notice.us.disposition",
        "Notice of disposition (UCC 9-614)",
        "Notice of our plan to sell property",
        DISPOSITION,
        [
            "vehicle_description",
            "disposition_method",
            "sale_at_local",
            "sale_place",
            "earliest_private_sale_date",
            "accounting_charge",
            "deficiency_liability",
            "redemption_phone",
            "information_contact",
        ],
    ),
    (
        "notice.us.disposition.ca",
        "Notice of intent to dispose (California)",
        "Notice of intent to dispose of motor vehicle",
        CALIFORNIA_DISPOSITION,
        [
            "vehicle_description",
            "disposition_method",
            "sale_at_local",
            "sale_place",
            "earliest_private_sale_date",
            "accounting_charge",
            "deficiency_liability",
            "redemption_phone",
            "information_contact",
            "redemption_amount",
            "reinstatement",
            "redeem_by_date",
            "extension_days",
        ],
    ),
    (
        "notice.us.deficiency_explanation",
        "Explanation of deficiency (UCC 9-616)",
        "Explanation of the amount you owe",
        DEFICIENCY,
        [
            "obligation_as_of_date",
            "aggregate_obligation",
            "proceeds",
            "after_proceeds",
            "expenses",
            "credits",
            "deficiency",
            "surplus",
            "information_contact",
        ],
    ),
    (
        "notice.uk.arrears_s86b",
        "Notice of sums in arrears (CCA s.86B)",
        "Notice of sums in arrears",
        S86B,
        ["agreement_description", "total_due", "total_paid", "shortfall", "information_sheet", "notice_date"],
    ),
    (
        "notice.uk.default_s87",
        "Default notice (CCA s.87)",
        "Default notice",
        DEFAULT,
        [
            "agreement_description",
            "breach",
            "remedy_action",
            "amount_required",
            "remedy_by_date",
            "deemed_service_date",
            "information_sheet",
        ],
    ),
]


def publish(apps, schema_editor):
    Template = apps.get_model("comms", "Template")
    TemplateVersion = apps.get_model("comms", "TemplateVersion")
    for code, name, subject, body, fields in TEMPLATES:
        template, _ = Template.objects.get_or_create(
            code=code, channel="letter", language="en", defaults={"name": name}
        )
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
    dependencies = [
        ("comms", "0002_template_version_context_fields"),
        ("comms_notices", "0001_initial"),
    ]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
