"""On PostgreSQL, check that postings name a journal entry and a ledger account that exist once per
INSERT statement, instead of once per posting at commit.

The two foreign keys of ledger_posting were checked at commit, posting by posting: two lookups
with a row lock each, some 440,000 of them for a bank statement of 100,000 payments (about 2 s of
its commit). Now:

- a statement-level trigger reads the postings that INSERT (or COPY) wrote, from its transition
  table, and refuses the statement if one names an entry or an account that does not exist
  (SQLSTATE 23503, foreign_key_violation, as the constraint did). Every writer writes the entry
  and the accounts before their postings;
- what the constraints also guarded, that a referenced row never goes away, is kept by the rows'
  own rules: journal entries are append-only (migration 0002), and a ledger account with postings
  can be neither deleted nor renumbered (a row trigger here, which waits for a writer's row lock
  as the constraint's check did).

The models still declare both foreign keys (SQLite keeps them as constraints, checked cheaply).
A later migration altering `Posting.entry` or `Posting.account` must account for their absence on
PostgreSQL.
"""

from django.db import migrations

POSTING_FOREIGN_KEYS = ("entry_id", "account_id")

FORWARD = [
    """
    CREATE FUNCTION ledger_postings_reference() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        missing bigint;
    BEGIN
        SELECT n.entry_id INTO missing FROM new_postings n
            WHERE NOT EXISTS (SELECT 1 FROM ledger_journalentry j WHERE j.id = n.entry_id) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a posting names journal entry %, which does not exist', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        SELECT n.account_id INTO missing FROM new_postings n
            WHERE NOT EXISTS (SELECT 1 FROM ledger_ledgeraccount a WHERE a.id = n.account_id) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a posting names ledger account %, which does not exist', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER ledger_posting_references AFTER INSERT ON ledger_posting
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_reference()
    """,
    """
    CREATE FUNCTION ledger_account_keep_postings() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id)
                AND EXISTS (SELECT 1 FROM ledger_posting WHERE account_id = OLD.id) THEN
            RAISE EXCEPTION 'ledger account % has postings: it cannot be removed or renumbered', OLD.id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER ledger_account_keeps_postings BEFORE DELETE OR UPDATE OF id ON ledger_ledgeraccount
    FOR EACH ROW EXECUTE FUNCTION ledger_account_keep_postings()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_account_keeps_postings ON ledger_ledgeraccount",
    "DROP TRIGGER IF EXISTS ledger_posting_references ON ledger_posting",
    "DROP FUNCTION IF EXISTS ledger_account_keep_postings()",
    "DROP FUNCTION IF EXISTS ledger_postings_reference()",
    """
    ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_entry_id_fk_ledger_journalentry_id
    FOREIGN KEY (entry_id) REFERENCES ledger_journalentry (id) DEFERRABLE INITIALLY DEFERRED
    """,
    """
    ALTER TABLE ledger_posting ADD CONSTRAINT ledger_posting_account_id_fk_ledger_ledgeraccount_id
    FOREIGN KEY (account_id) REFERENCES ledger_ledgeraccount (id) DEFERRABLE INITIALLY DEFERRED
    """,
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.conrelid = 'ledger_posting'::regclass AND c.contype = 'f' AND a.attname = ANY (%s)",
            [list(POSTING_FOREIGN_KEYS)],
        )
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f'ALTER TABLE ledger_posting DROP CONSTRAINT "{name}"', params=None)
    for statement in FORWARD:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_receipt_book_index_dropped")]

    operations = [migrations.RunPython(forward, backward)]
