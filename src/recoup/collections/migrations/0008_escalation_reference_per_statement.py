"""On PostgreSQL, check that an escalation names a contract once per INSERT statement, instead of
once per row at commit (see recoup.kernel.references): the escalation rules after a close of
business raise them by the ten thousand (47,086 on one night at 4,000,000 accounts). No UPDATE
changes an escalation's contract, and a contract one names cannot be removed or renumbered.
"""

from django.db import migrations

from recoup.kernel.references import Reference, migration_functions

GUARD = "portfolio_contract_escalations_kept"
REFERENCES = (Reference("collections_escalation", "contract_id", "portfolio_contract", "an escalation", "contract"),)


class Migration(migrations.Migration):
    dependencies = [
        ("collections", "0007_contact_acknowledged_reasons"),
        ("portfolio", "0001_initial"),
    ]

    operations = [migrations.RunPython(*migration_functions(GUARD, REFERENCES))]
