"""On PostgreSQL, check that postings balance once per INSERT statement rather than once per row.

Migration 0002 checked at commit, once for every posting and every entry, that the entry's
postings sum to zero per currency: two index reads per call, some 475,000 calls for a bank
statement of 100,000 payments. Now:

- a statement-level trigger reads the postings that INSERT wrote (its transition table) and
  refuses the statement if any entry's new postings do not sum to zero per currency. Every
  writer (the operations, the bulk posting, the opening balances) writes an entry's postings in
  one statement; an entry given further postings later must be given balanced ones, so by
  induction every entry balances;
- the check that an entry has postings at all stays deferred to commit, once per entry, and is
  now one index probe.

It also drops the `varchar_pattern_ops` copies Django adds beside the unique indexes on the
journal's and the receipts' idempotency keys: nothing looks keys up by LIKE, and every entry
written paid for the second index.
"""

from django.db import migrations

LIKE_INDEXES = (("ledger_journalentry", "idempotency_key"), ("ledger_receipt", "idempotency_key"))

FORWARD = [
    "DROP TRIGGER IF EXISTS ledger_posting_entry_balances ON ledger_posting",
    "DROP TRIGGER IF EXISTS ledger_journalentry_has_postings ON ledger_journalentry",
    "DROP FUNCTION IF EXISTS ledger_entry_must_balance()",
    """
    CREATE FUNCTION ledger_postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        off record;
    BEGIN
        SELECT entry_id, currency, SUM(amount_minor) AS total INTO off
            FROM new_postings GROUP BY entry_id, currency HAVING SUM(amount_minor) <> 0
            LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'journal entry % does not balance: % minor units of % left over',
                off.entry_id, off.total, off.currency
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER ledger_posting_entry_balances AFTER INSERT ON ledger_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_balance()
    """,
    """
    CREATE FUNCTION ledger_entry_has_postings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM ledger_posting WHERE entry_id = NEW.id) THEN
            RAISE EXCEPTION 'journal entry % has no postings', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_journalentry_has_postings AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_has_postings()
    """,
]

# Migration 0002's triggers and function, as they were.
BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_journalentry_has_postings ON ledger_journalentry",
    "DROP TRIGGER IF EXISTS ledger_posting_entry_balances ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_entry_has_postings()",
    "DROP FUNCTION IF EXISTS ledger_postings_balance()",
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


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)
    with schema_editor.connection.cursor() as cursor:
        for table, column in LIKE_INDEXES:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                [table, f"%({column} varchar_pattern_ops)%"],
            )
            for (name,) in cursor.fetchall():
                schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"', params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)
    for table, column in LIKE_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX "{table}_{column}_like" ON {table} ({column} varchar_pattern_ops)', params=None
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_entry_book_index_dropped")]

    operations = [migrations.RunPython(forward, backward)]
