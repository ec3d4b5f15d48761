"""The journal is append-only in the database, not only in the code.

On SQLite and PostgreSQL, triggers refuse UPDATE and DELETE on journal entries and postings.
On PostgreSQL a deferred constraint trigger also refuses, at commit, any entry whose
postings do not sum to zero per currency, or that has no postings at all; on SQLite
`recoup ledger verify` checks the same.
"""

from django.db import migrations

TABLES = ("ledger_journalentry", "ledger_posting")

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
    BEGIN
        SELECT RAISE(ABORT, '{table} is append-only: {action} refused; post a reversing entry instead');
    END
    """
    for table in TABLES
    for action in ("UPDATE", "DELETE")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {table}_no_{action.lower()}" for table in TABLES for action in ("UPDATE", "DELETE")
]

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused; post a reversing entry instead', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    *[
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
        """
        for table in TABLES
    ],
    """
    CREATE FUNCTION ledger_entry_must_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        checked_entry bigint;
        off record;
    BEGIN
        IF TG_TABLE_NAME = 'ledger_posting' THEN
            checked_entry := NEW.entry_id;
        ELSE
            checked_entry := NEW.id;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM ledger_posting WHERE entry_id = checked_entry) THEN
            RAISE EXCEPTION 'journal entry % has no postings', checked_entry
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT currency, SUM(amount_minor) AS total INTO off
            FROM ledger_posting WHERE entry_id = checked_entry
            GROUP BY currency HAVING SUM(amount_minor) <> 0
            LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'journal entry % does not balance: % minor units of % left over',
                checked_entry, off.total, off.currency
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_posting_entry_balances AFTER INSERT ON ledger_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_must_balance()
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_journalentry_has_postings AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_must_balance()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_has_postings ON ledger_journalentry",
    "DROP TRIGGER IF EXISTS ledger_posting_entry_balances ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_entry_must_balance()",
    *[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS ledger_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_BACKWARD),
}


def _run(schema_editor, direction: int) -> None:
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"the ledger's append-only triggers are not written for {schema_editor.connection.vendor}")
    for statement in statements[direction]:
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def backward(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
