"""The default rule packs: US federal (Regulation F's presumptions, for first- and third-party
collection alike), a Massachusetts override and the UK's CONC 7 pack."""

from django.db import migrations

REG_F = "Regulation F (12 CFR 1006.14(b)(2))"
POLICIES = [
    {
        "code": "us-federal",
        "name": "US federal default: Regulation F call frequency, first and third party",
        "country": "US",
        "collector": "",
        "jurisdiction": "",
        "label": REG_F,
        "window_attempts_max": 7,
        "window_days": 7,
        "daily_attempts_max": None,
        "conversation_quiet_days": 7,
        "vulnerable_daily_attempts_max": 1,
        "vulnerable_window_attempts_max": 3,
    },
    {
        "code": "us-federal-third-party",
        "name": "US, placed with a third-party collector: FDCPA and Regulation F (12 CFR 1006)",
        "country": "US",
        "collector": "third_party",
        "jurisdiction": "",
        "label": REG_F,
        "window_attempts_max": 7,
        "window_days": 7,
        "daily_attempts_max": None,
        "conversation_quiet_days": 7,
        "vulnerable_daily_attempts_max": 1,
        "vulnerable_window_attempts_max": 3,
    },
    {
        # Creditors: 940 CMR 7.04(1)(f); collection agencies: 209 CMR 18.16(1)(d). Both count calls
        # and texts initiated to the debtor's home or mobile: two in each seven-day period.
        "code": "us-ma",
        "name": "Massachusetts: two calls in seven days (940 CMR 7.04(1)(f), 209 CMR 18.16(1)(d))",
        "country": "US",
        "collector": "",
        "jurisdiction": "US-MA",
        "label": "Massachusetts 940 CMR 7.04(1)(f)",
        "window_attempts_max": 2,
        "window_days": 7,
        "daily_attempts_max": None,
        "conversation_quiet_days": 7,
        "vulnerable_daily_attempts_max": 1,
        "vulnerable_window_attempts_max": 2,
    },
    {
        # CONC sets no numbers: these are Recoup's reading of "not excessive" (CONC 7.3.4 R
        # forbearance and due consideration; CONC 7.9.4 R no contact at unreasonable times).
        "code": "uk-conc",
        "name": "UK default: fair and not excessive contact (CONC 7.3, CONC 7.9)",
        "country": "GB",
        "collector": "",
        "jurisdiction": "",
        "label": "CONC 7.3 and 7.9 (fair, not excessive contact)",
        "window_attempts_max": 10,
        "window_days": 7,
        "daily_attempts_max": 3,
        "conversation_quiet_days": 1,
        "vulnerable_daily_attempts_max": 1,
        "vulnerable_window_attempts_max": 3,
    },
]


def install(apps, schema_editor):
    ContactPolicy = apps.get_model("compliance", "ContactPolicy")
    for values in POLICIES:
        ContactPolicy.objects.get_or_create(code=values["code"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_contact_gate")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
