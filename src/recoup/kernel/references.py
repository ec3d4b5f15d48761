# ruff: noqa: S608 - the SQL is spliced only from the table and column names migrations pass in
"""Foreign keys checked once per INSERT statement on PostgreSQL, for tables written in bulk.

A foreign key is checked row by row: a lookup with a row lock per row inserted, deferred to the
commit, and again for each later update in the same transaction of a row that transaction wrote.
For tables a close of business writes by the hundred thousand, a migration replaces the constraint
with:

- a statement-level trigger that reads the rows an INSERT (or COPY) wrote from its transition table
  and refuses the statement if one names a missing row (SQLSTATE 23503, foreign_key_violation, as
  the constraint did). Only for columns that no UPDATE changes;
- a row trigger on the referenced table that refuses to delete or renumber a row still named.

SQLite keeps the constraints (checked cheaply there). The models still declare the foreign keys; a
later migration altering such a field must account for its constraint's absence on PostgreSQL.
Ledger migration 0007 did the same for the ledger's references, in its own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reference:
    table: str
    column: str
    target: str
    row: str  # how messages name a row of `table`: "a bucket transition"
    named: str  # how messages name a row of `target`: "contract"


def migration_functions(guard: str, references: tuple[Reference, ...]) -> tuple[Any, Any]:
    """A migration's RunPython pair: replace the references' constraints, and put them back."""

    def forward(apps: Any, schema_editor: Any) -> None:
        replace_constraints(schema_editor, guard, references)

    def backward(apps: Any, schema_editor: Any) -> None:
        restore_constraints(schema_editor, guard, references)

    return forward, backward


def replace_constraints(schema_editor: Any, guard: str, references: tuple[Reference, ...]) -> None:
    """Drop the references' foreign keys and check them by triggers instead (PostgreSQL only).

    `guard` names the trigger (and its function) keeping the referenced rows; all references must
    share their target.
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    (target,) = {r.target for r in references}
    with schema_editor.connection.cursor() as cursor:
        for reference in references:
            cursor.execute(
                "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
                "WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = %s",
                [reference.table, reference.column],
            )
            for (name,) in cursor.fetchall():
                schema_editor.execute(f'ALTER TABLE {reference.table} DROP CONSTRAINT "{name}"', params=None)
    for reference in references:
        for statement in _insert_check(reference):
            schema_editor.execute(statement, params=None)
    for statement in _kept(guard, target, references):
        schema_editor.execute(statement, params=None)


def restore_constraints(schema_editor: Any, guard: str, references: tuple[Reference, ...]) -> None:
    """Undo `replace_constraints`."""
    if schema_editor.connection.vendor != "postgresql":
        return
    (target,) = {r.target for r in references}
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {guard} ON {target}", params=None)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {guard}()", params=None)
    for r in references:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {r.table}_references ON {r.table}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {r.table}_references()", params=None)
        schema_editor.execute(
            f"ALTER TABLE {r.table} ADD CONSTRAINT {r.table}_{r.column}_fk_{r.target}_id "
            f"FOREIGN KEY ({r.column}) REFERENCES {r.target} (id) DEFERRABLE INITIALLY DEFERRED",
            params=None,
        )


def _insert_check(r: Reference) -> list[str]:
    return [
        f"""
        CREATE FUNCTION {r.table}_references() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            missing bigint;
        BEGIN
            SELECT n.{r.column} INTO missing FROM new_rows n WHERE n.{r.column} IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM {r.target} t WHERE t.id = n.{r.column}) LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION '{r.row} names {r.named} %, which does not exist', missing
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {r.table}_references AFTER INSERT ON {r.table} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {r.table}_references()
        """,
    ]


def _kept(guard: str, target: str, references: tuple[Reference, ...]) -> list[str]:
    named = " OR ".join(f"EXISTS (SELECT 1 FROM {r.table} WHERE {r.column} = OLD.id)" for r in references)
    what = " or ".join(r.row for r in references)
    return [
        f"""
        CREATE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id) AND ({named}) THEN
                RAISE EXCEPTION
                    '{references[0].named} % is named by {what}: it cannot be removed or renumbered', OLD.id
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
        CREATE TRIGGER {guard} BEFORE DELETE OR UPDATE OF id ON {target}
        FOR EACH ROW EXECUTE FUNCTION {guard}()
        """,
    ]
