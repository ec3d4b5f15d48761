"""On PostgreSQL, check that the arrears state and the bucket transitions name a contract once per
INSERT statement, instead of once per row at commit.

Both foreign keys were deferred to the commit, where each was a lookup with a row lock. A close of
business writes each date in one transaction, and PostgreSQL checks a row's key again every time
the row is updated after the transaction wrote it (the check made for its earlier version would no
longer hold): a state row changed by three steps of a night was checked twice more. At 4,000,000
accounts a night's commit made some 110,000 such checks, 1.9 s of it. Now:

- a statement-level trigger on each table reads the rows that INSERT (or COPY) wrote, from its
  transition table, and refuses the statement if one names no contract (SQLSTATE 23503,
  foreign_key_violation, as the constraint did). An UPDATE never changes the contract a row names:
  the state's is its key, and transitions are append-only;
- that a named contract never goes away is kept by a row trigger on the contracts, which refuses to
  delete or renumber one that a state row or a transition names.

The models still declare the foreign keys, and SQLite keeps them as constraints (checked cheaply
there). A later migration altering either field must account for its constraint's absence on
PostgreSQL. The ledger's references went the same way (ledger migration 0007).
"""
# ruff: noqa: S608 - the SQL is spliced only from the constant table and column names below

from django.db import migrations

REFERENCES = (
    ("arrears_arrearsstate", "contract_id", "an arrears state"),
    ("arrears_buckettransition", "contract_id", "a bucket transition"),
)
CONTRACTS = "portfolio_contract"


def _insert_check(table: str, column: str, row: str) -> list[str]:
    return [
        f"""
        CREATE FUNCTION {table}_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing bigint;
        BEGIN
            SELECT n.{column} INTO missing FROM new_rows n
                WHERE NOT EXISTS (SELECT 1 FROM {CONTRACTS} t WHERE t.id = n.{column}) LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION '{row} names contract %, which does not exist', missing
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {table}_references AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_references()
        """,
    ]


def _kept() -> list[str]:
    named = " OR ".join(f"EXISTS (SELECT 1 FROM {table} WHERE {column} = OLD.id)" for table, column, _ in REFERENCES)
    return [
        f"""
        CREATE FUNCTION {CONTRACTS}_arrears_kept() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND ({named}) THEN
                RAISE EXCEPTION
                    'contract % has arrears history: it cannot be removed or renumbered', OLD.id
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
        CREATE TRIGGER {CONTRACTS}_arrears_kept BEFORE DELETE OR UPDATE OF id ON {CONTRACTS}
        FOR EACH ROW EXECUTE FUNCTION {CONTRACTS}_arrears_kept()
        """,
    ]


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
    for table, column, row in REFERENCES:
        for statement in _insert_check(table, column, row):
            schema_editor.execute(statement, params=None)
    for statement in _kept():
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {CONTRACTS}_arrears_kept ON {CONTRACTS}", params=None)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {CONTRACTS}_arrears_kept()", params=None)
    for table, column, _ in REFERENCES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_references ON {table}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_references()", params=None)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fk_{CONTRACTS}_id FOREIGN KEY ({column}) "
            f"REFERENCES {CONTRACTS} (id) DEFERRABLE INITIALLY DEFERRED",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("arrears", "0007_state_aged_share"),
        ("portfolio", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
