"""On PostgreSQL, check that the arrears state and the bucket transitions name a contract once per
INSERT statement, instead of once per row at commit (see recoup.kernel.references).

A close of business writes each date in one transaction, and PostgreSQL checks a row's key again
each time the row is updated after the transaction wrote it: a state row changed by three steps of a
night was checked twice more. At 4,000,000 accounts a night's commit made some 110,000 such checks,
1.9 s of it. The state's contract is its key and transitions are append-only, so no UPDATE changes
either reference; a contract they name cannot be removed or renumbered.
"""

from django.db import migrations

from recoup.kernel.references import Reference, migration_functions

GUARD = "portfolio_contract_arrears_kept"
REFERENCES = (
    Reference("arrears_arrearsstate", "contract_id", "portfolio_contract", "an arrears state", "contract"),
    Reference("arrears_buckettransition", "contract_id", "portfolio_contract", "a bucket transition", "contract"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("arrears", "0007_state_aged_share"),
        ("portfolio", "0001_initial"),
    ]

    operations = [migrations.RunPython(*migration_functions(GUARD, REFERENCES))]
