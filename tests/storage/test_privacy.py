"""Privacy: reflection text stays out of logs, no network is opened, hostile searches are safe."""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from peerscenarios import paths
from peerscenarios.storage import DiskFull, Storage
from peerscenarios.storage.search import fts_query

SECRET = "Zqxv-secret-relapse-story"


def _full_session(storage: Storage) -> None:
    """Exercise every operation once, with SECRET in every free-text field."""
    p = storage.create_profile("Taylor")
    a = storage.start_attempt(p.id, "s1", "h", "practice")
    c = storage.record_choice(a.id, "n1", "c1", "clinical-drift", {2: -1}, f"feedback {SECRET}")
    storage.mark_stepped_back(c.id)
    storage.record_choice(a.id, "n1", "c2", "peer-aligned", {2: 1}, "ok")
    storage.save_draft(a.id, "r1", f"draft {SECRET}")
    storage.get_draft(a.id, "r1")
    storage.drafts_for_attempt(a.id)
    r = storage.save_reflection(a.id, "r1", f"My {SECRET} today")
    storage.save_reflection(a.id, "r2", f"Another {SECRET}")
    storage.search_reflections(p.id, SECRET)
    storage.search_reflections(p.id, f'"{SECRET} AND(')
    storage.delete_reflection(r.id)
    storage.finish_attempt(a.id, "end")
    storage.list_attempts(p.id)
    storage.count_attempts(p.id)
    storage.attempt_detail(a.id)
    storage.last_results(p.id)
    storage.boundary_profile(p.id, bucket="week")
    storage.boundary_profile(p.id, bucket="ten")
    g = storage.start_group_session("s1", "h")
    storage.record_group_decision(g.id, "n1", {"c1": 3}, "c1", revealed_all=True)
    storage.set_group_notes(g.id, f"notes {SECRET}")
    storage.finish_group_session(g.id, "end")
    storage.list_group_sessions()
    storage.group_session_detail(g.id)
    storage.backup_now()
    storage.list_backups()
    assert storage.integrity_check() == "ok"
    storage.rename_profile(p.id, "T")
    storage.delete_profile(p.id)


def test_reflection_text_never_logged(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # DEBUG everywhere, SQLAlchemy's own engine and pool loggers included: even
    # someone turning all logging up must not see what a trainee wrote.
    for name in ("", "sqlalchemy", "sqlalchemy.engine", "sqlalchemy.pool", "alembic"):
        caplog.set_level(logging.DEBUG, logger=name)
    with Storage.open(f"sqlite:///{db_path}") as storage:
        assert storage.engine.echo is False
        _full_session(storage)
        # The failure path too: the text of a write that failed stays out of logs.
        attempt = storage.start_attempt(storage.create_profile("X").id, "s", "h", "practice")
        storage.engine.dispose()
        def cap(dbapi_connection: Any, record: object) -> None:
            dbapi_connection.execute("PRAGMA max_page_count = 1")

        event.listen(storage.engine, "connect", cap)
        with pytest.raises(DiskFull) as info:
            storage.save_reflection(attempt.id, "r", SECRET * 400)
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value.__cause__)
        event.remove(storage.engine, "connect", cap)
        storage.engine.dispose()
    assert caplog.records, "logging capture did not work"
    assert any(r.name.startswith("sqlalchemy") for r in caplog.records)
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in repr(record.args)


def test_no_network_connection_ever(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with Storage.open(f"sqlite:///{db_path}") as storage:
        _full_session(storage)
    with Storage.open(f"sqlite:///{db_path}") as storage:
        assert storage.list_profiles() == []
    assert attempts == []


HOSTILE = [
    '"', '""', "'", "AND(", "OR", "NOT", "NEAR(a b)", "a AND", "(", ")", "*", "^start",
    "col:val", "text:x", "{a b}:c", "a + b", "-", "'; DROP TABLE reflection; --", "\\",
    "\x00", "\x02", "é", "日本語", "🙂", "a" * 5000, "a " * 300, "_", "NEAR", "a:*",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_queries_never_raise(storage: Storage, query: str) -> None:
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s", "h", "practice")
    storage.save_reflection(a.id, "r", "a plain note with NEAR and AND and OR in it, é 日本語 🙂")
    storage.search_reflections(p.id, query)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_any_text_is_a_safe_query(storage: Storage, query: str) -> None:
    storage.search_reflections(1, query)


def test_query_builder_treats_syntax_as_words() -> None:
    assert fts_query('meds AND("clinic') == '"meds" "AND" "clinic"*'
    assert fts_query("  ") is None
    assert fts_query("!!!") is None
    assert fts_query("café") == '"café"*'


def _file_bytes(db: Path) -> bytes:
    """The database file and any -wal/-shm beside it, as one blob to search."""
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))


@pytest.mark.parametrize("how", ["reflection", "profile"])
def test_deleted_words_leave_the_search_index(db_path: Path, how: str) -> None:
    """Deleting a reflection (or its profile) removes its words from the file, index included."""
    words = [b"zebrawordone", b"quagmirewordtwo", b"x4711marker"]
    with Storage.open(f"sqlite:///{db_path}", backup=False) as storage:
        keep = storage.create_profile("Keep")
        kept = storage.start_attempt(keep.id, "s", "h", "practice")
        gone = storage.create_profile("Gone")
        attempt = storage.start_attempt(gone.id, "s", "h", "practice")
        for i in range(30):  # enough segments that the index merges on its own
            storage.save_reflection(kept.id, f"k{i}", f"ordinary words number {i} " * 20)
        secret = storage.save_reflection(attempt.id, "r1", " ".join(w.decode() for w in words))
        for i in range(30):
            storage.save_reflection(kept.id, f"l{i}", f"later words number {i} " * 20)
        assert len(storage.search_reflections(gone.id, "zebrawordone")) == 1
        if how == "reflection":
            storage.delete_reflection(secret.id)
        else:
            storage.delete_profile(gone.id)
        assert storage.search_reflections(gone.id, "zebrawordone") == []
        assert storage.integrity_check() == "ok"
        assert len(storage.search_reflections(keep.id, "ordinary")) == 30
    data = _file_bytes(db_path)
    assert b"ordinary" in data  # the search really looks at the file's bytes
    for word in words:
        assert word not in data, word


def test_unfinished_backup_copies_are_removed_at_start(db_path: Path) -> None:
    """A backup killed halfway leaves a .partial copy of every reflection: gone at next start."""
    with Storage.open(f"sqlite:///{db_path}", backup=False) as storage:
        storage.create_profile("A")
        folder = paths.ensure_private_dir(storage.backups_dir)
    leftovers = [folder / "peerscenarios-20261120-090000-daily.sqlite3.partial",
                 folder / "peerscenarios-20261121-090000-daily-2.sqlite3.partial"]
    for leftover in leftovers:
        leftover.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    unrelated = folder / "my-notes.partial"
    unrelated.write_text("not ours")
    with Storage.open(f"sqlite:///{db_path}"):
        pass
    assert [p for p in leftovers if p.exists()] == []
    assert unrelated.exists()


def test_a_backup_being_written_is_not_mistaken_for_a_leftover(db_path: Path) -> None:
    from peerscenarios.storage import backup as backup_module

    with Storage.open(f"sqlite:///{db_path}", backup=False) as storage:
        storage.create_profile("A")
        folder = paths.ensure_private_dir(storage.backups_dir)
        in_progress = folder / "peerscenarios-20261126-101500.sqlite3.partial"
        in_progress.write_bytes(b"being written")
        with backup_module._writing_into(folder):  # as another process's backup holds it
            assert backup_module.clean_partials(folder) == []
            storage.backup_now()
            assert in_progress.exists()
        assert backup_module.clean_partials(folder) == [in_progress]
