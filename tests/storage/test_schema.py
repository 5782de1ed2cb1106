"""Tests that the migrations build the schema the models describe, with the right settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event

from peerscenarios.storage import Storage
from peerscenarios.storage.migrate import head_revision
from peerscenarios.storage.models import Base


def test_migrations_match_models(storage: Storage) -> None:
    with storage.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, parent: not (
                    type_ == "table" and str(name).startswith("reflection_fts")
                ),
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_database_is_at_head(storage: Storage) -> None:
    with storage.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == head_revision()


def test_connection_settings(storage: Storage) -> None:
    with storage.engine.connect() as conn:
        def pragma(name: str) -> Any:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("synchronous") == 2  # FULL: a commit is on disk when it returns


def test_writes_begin_immediate_and_reads_deferred(storage: Storage) -> None:
    statements: list[str] = []

    @event.listens_for(storage.engine, "before_cursor_execute")
    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            statements.append(statement)

    p = storage.create_profile("A")
    storage.list_profiles()
    a = storage.start_attempt(p.id, "s", "h", "practice")
    storage.record_choice(a.id, "n", "c", "peer-aligned", {}, "f")
    storage.save_draft(a.id, "r", "x")
    storage.list_attempts(p.id)
    assert statements == [
        "BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE",
        "BEGIN",
    ]


def test_fts_triggers_exist(db_path: Path, storage: Storage) -> None:
    with storage.engine.connect() as conn:
        names = {
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert names == {"reflection_fts_ai", "reflection_fts_ad", "reflection_fts_au"}


def test_record_choice_is_one_short_transaction(storage: Storage) -> None:
    """The click path: BEGIN IMMEDIATE, three statements, COMMIT; no reads, no flushes."""
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s", "h", "practice")
    storage.record_choice(a.id, "n0", "c0", "peer-aligned", {}, "f")
    sent: list[str] = []

    @event.listens_for(storage.engine, "before_cursor_execute")
    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement.split()[0])

    @event.listens_for(storage.engine, "commit")
    def committed(conn: Any) -> None:
        sent.append("COMMIT")

    choice = storage.record_choice(a.id, "n1", "c1", "clinical-drift", {2: -1}, "f")
    assert sent == ["BEGIN", "UPDATE", "INSERT", "INSERT", "COMMIT"]
    assert choice.seq == 2
    summary = storage.list_attempts(p.id)[0]
    assert (summary.choice_count, summary.drift_count) == (2, 1)
    assert storage.boundary_profile(p.id)[0].counts == {"peer-aligned": 1, "clinical-drift": 1}
