"""On PostgreSQL, check the ledger's references once per INSERT statement, instead of once per row
at commit.

Five foreign keys were checked at commit, row by row, each a lookup with a row lock: a posting's
entry and account, an entry's book and receipt, a receipt's book. For a bank statement of 100,000
payments that is some 725,000 checks, most of its commit. Now:

- a statement-level trigger on each of ledger_posting, ledger_journalentry and ledger_receipt reads
  the rows that INSERT (or COPY) wrote, from its transition table, and refuses the statement if one
  names a row that does not exist (SQLSTATE 23503, foreign_key_violation, as the constraint did).
  Every writer writes the book, the accounts, the receipt and the entry before what names them;
- what the constraints also guarded, that a referenced row never goes away, is kept by the rows'
  own rules: journal entries are append-only (migration 0002), and a ledger account, a book or a
  receipt that is named can be neither deleted nor renumbered (row triggers here, which wait for a
  writer's row lock as the constraints' checks did).

The entry's other references (the user who posted it, the entry it reverses) keep their foreign
keys: they are empty on nearly every entry. The models still declare every foreign key, and SQLite
keeps them as constraints (checked cheaply there). A later migration altering one of the five
fields must account for its constraint's absence on PostgreSQL.
"""
# ruff: noqa: S608 - the SQL is spliced only from the constant table and column names below

from django.db import migrations

# (table, column, referenced table): the foreign keys replaced.
REFERENCES = (
    ("ledger_posting", "entry_id", "ledger_journalentry"),
    ("ledger_posting", "account_id", "ledger_ledgeraccount"),
    ("ledger_journalentry", "book_id", "ledger_ledgerbook"),
    ("ledger_journalentry", "receipt_id", "ledger_receipt"),
    ("ledger_receipt", "book_id", "ledger_ledgerbook"),
)
# The rows each table's insert trigger calls its new rows, and how its messages name them.
NEW_ROWS = {"ledger_posting": "a posting", "ledger_journalentry": "an entry", "ledger_receipt": "a receipt"}
NAMED = {
    "ledger_journalentry": "journal entry",
    "ledger_ledgeraccount": "ledger account",
    "ledger_ledgerbook": "ledger book",
    "ledger_receipt": "receipt",
}


def _insert_check(table: str) -> list[str]:
    checks = "\n".join(
        f"""
        SELECT n.{column} INTO missing FROM new_rows n WHERE n.{column} IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.id = n.{column}) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '{NEW_ROWS[table]} names {NAMED[target]} %, which does not exist', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;"""
        for source, column, target in REFERENCES
        if source == table
    )
    return [
        f"""
        CREATE FUNCTION {table}_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing bigint;
        BEGIN
            {checks}
            RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {table}_references AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_references()
        """,
    ]


def _kept(target: str) -> list[str]:
    named = " OR ".join(
        f"EXISTS (SELECT 1 FROM {source} WHERE {column} = OLD.id)"
        for source, column, referenced in REFERENCES
        if referenced == target
    )
    return [
        f"""
        CREATE FUNCTION {target}_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND ({named}) THEN
                RAISE EXCEPTION
                    '{NAMED[target]} % is named in the ledger: it cannot be removed or renumbered', OLD.id
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {target}_kept BEFORE DELETE OR UPDATE OF id ON {target}
        FOR EACH ROW EXECUTE FUNCTION {target}_kept()
        """,
    ]


INSERT_CHECKED = tuple(NEW_ROWS)
# The journal is append-only already: the others are guarded here.
KEPT = ("ledger_ledgeraccount", "ledger_ledgerbook", "ledger_receipt")


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, column, _ in REFERENCES:
            cursor.execute(
                "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
                "WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = %s",
                [table, column],
            )
            for (name,) in cursor.fetchall():
                schema_editor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"', params=None)
    for table in INSERT_CHECKED:
        for statement in _insert_check(table):
            schema_editor.execute(statement, params=None)
    for target in KEPT:
        for statement in _kept(target):
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for target in KEPT:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {target}_kept ON {target}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {target}_kept()", params=None)
    for table in INSERT_CHECKED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_references ON {table}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_references()", params=None)
    for table, column, target in REFERENCES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fk_{target}_id FOREIGN KEY ({column}) "
            f"REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_receipt_book_index_dropped")]

    operations = [migrations.RunPython(forward, backward)]
