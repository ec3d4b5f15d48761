"""On PostgreSQL, check that a ledger account names its book once per INSERT statement, as migration
0007 did for the postings, entries and receipts, instead of once per row at commit.

A close of business opens accounts by the tens of thousands (the first late fee of a book opens its
fees due and fee income accounts): 87,104 of them on one night at 4,000,000 accounts, each a lookup
with a row lock at the commit. Now a statement-level trigger reads the accounts an INSERT wrote and
refuses the statement if one names no book (SQLSTATE 23503, foreign_key_violation), and the book's
guard from migration 0007 (no removing or renumbering a book that is named) also counts its
accounts. An account's book never changes once written: only its balance is updated.

The model still declares the foreign key, and SQLite keeps it as a constraint.
"""

from django.db import migrations

ACCOUNTS_CHECK = """
CREATE FUNCTION ledger_ledgeraccount_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT n.book_id INTO missing FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM ledger_ledgerbook t WHERE t.id = n.book_id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'a ledger account names ledger book %, which does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$
"""
ACCOUNTS_TRIGGER = """
CREATE TRIGGER ledger_ledgeraccount_references AFTER INSERT ON ledger_ledgeraccount
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_ledgeraccount_references()
"""


def _book_kept(named: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION ledger_ledgerbook_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND ({named}) THEN
            RAISE EXCEPTION
                'ledger book % is named in the ledger: it cannot be removed or renumbered', OLD.id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END
    $$
    """


NAMED_BEFORE = (
    "EXISTS (SELECT 1 FROM ledger_journalentry WHERE book_id = OLD.id) "
    "OR EXISTS (SELECT 1 FROM ledger_receipt WHERE book_id = OLD.id)"
)
NAMED_AFTER = f"{NAMED_BEFORE} OR EXISTS (SELECT 1 FROM ledger_ledgeraccount WHERE book_id = OLD.id)"


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "WHERE c.conrelid = 'ledger_ledgeraccount'::regclass AND c.contype = 'f' AND a.attname = 'book_id'"
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'ALTER TABLE ledger_ledgeraccount DROP CONSTRAINT "{name}"', params=None)
    schema_editor.execute(ACCOUNTS_CHECK, params=None)
    schema_editor.execute(ACCOUNTS_TRIGGER, params=None)
    schema_editor.execute(_book_kept(NAMED_AFTER), params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_book_kept(NAMED_BEFORE), params=None)
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS ledger_ledgeraccount_references ON ledger_ledgeraccount", params=None
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS ledger_ledgeraccount_references()", params=None)
    schema_editor.execute(
        "ALTER TABLE ledger_ledgeraccount ADD CONSTRAINT ledger_ledgeraccount_book_id_fk_ledger_ledgerbook_id "
        "FOREIGN KEY (book_id) REFERENCES ledger_ledgerbook (id) DEFERRABLE INITIALLY DEFERRED",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_references_per_statement")]

    operations = [migrations.RunPython(forward, backward)]
