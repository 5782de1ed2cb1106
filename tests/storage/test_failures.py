"""Failure behaviour: damaged, too-new, read-only and full databases; failed migrations; modes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event

from peerscenarios.storage import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    MigrationFailed,
    RestoreRefused,
    Storage,
    StorageError,
    move_aside,
    restore_backup,
)
from peerscenarios.storage import migrate as migrate_module
from peerscenarios.storage.engine import sidecars, translate_sqlite

from .conftest import as_unprivileged, file_mode

BIG_TEXT = "reflection " * 20_000  # ~220 kB: needs many new pages
HEAD = migrate_module.head_revision()


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _make_db(path: Path) -> dict[str, int]:
    """A closed database with some data; returns ids."""
    with Storage.open(_url(path), backup=False) as s:
        p = s.create_profile("Robin")
        a = s.start_attempt(p.id, "s1", "h", "practice")
        c = s.record_choice(a.id, "n1", "c1", "peer-aligned", {1: 1}, "ok")
        r = s.save_reflection(a.id, "r1", "It went better than I feared")
    return {"profile": p.id, "attempt": a.id, "choice": c.id, "reflection": r.id}


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _no_sidecars(path: Path) -> bool:
    return not any(s.exists() for s in sidecars(path))


# -------------------------------------------------------------- corrupt files


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(16384))


def _text_file(path: Path) -> None:
    path.write_text("These are my notes, not a database.\n" * 50)


def _truncated(path: Path) -> None:
    _make_db(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncated_mid_page(path: Path) -> None:
    _make_db(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])


def _damaged_page(path: Path) -> None:
    _make_db(path)
    data = bytearray(path.read_bytes())
    page = 4096
    # Overwrite the middle pages (b-tree pages of tables/indexes) with noise.
    data[2 * page: len(data) - page] = os.urandom(len(data) - 3 * page)
    path.write_bytes(bytes(data))


def _short_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)


@pytest.mark.parametrize(
    "damage", [_garbage, _text_file, _truncated, _truncated_mid_page, _damaged_page, _short_header]
)
def test_corrupt_file_refused_and_untouched(db_path: Path, damage: Callable[[Path], None]) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    damage(db_path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseCorrupt) as info:
        Storage.open(_url(db_path))
    assert "not been changed" in info.value.message
    assert info.value.hint
    assert db_path.read_bytes() == before
    assert _no_sidecars(db_path)


def test_not_a_peerscenarios_database(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="not a PeerScenarios database"):
        Storage.open(_url(db_path))
    assert db_path.read_bytes() == before


def test_empty_file_is_a_new_database(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    db_path.touch()
    with Storage.open(_url(db_path)) as s:
        assert s.list_profiles() == []
        s.create_profile("New")


def test_move_aside_keeps_bytes_and_allows_fresh_start(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _garbage(db_path)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"wal bytes")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseCorrupt):
        Storage.open(_url(db_path))
    moved = move_aside(db_path)
    assert moved.name.startswith("peerscenarios.sqlite3.damaged-")
    assert moved.read_bytes() == before
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal bytes"
    assert not db_path.exists()
    assert not wal.exists()
    with Storage.open(_url(db_path)) as s:
        s.create_profile("Fresh start")
    # A second damaged file on the same second gets its own name.
    with Storage.open(_url(db_path)) as s:
        pass
    again = move_aside(db_path)
    assert again != moved
    assert moved.read_bytes() == before


# ----------------------------------------------------------------- too new


def test_newer_schema_refused_and_untouched(db_path: Path) -> None:
    _make_db(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = 'f00dcafe9999'")
    conn.commit()
    conn.close()
    assert _no_sidecars(db_path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew) as info:
        Storage.open(_url(db_path))
    assert "newer version" in info.value.message
    assert db_path.read_bytes() == before
    assert _no_sidecars(db_path)


# ------------------------------------------------------------------ read-only


def _open_result(db: Path) -> Callable[[], str]:
    def attempt() -> str:
        try:
            with Storage.open(_url(db), backup=False) as s:
                s.create_profile("Should not be written")
        except DatabaseReadOnly as exc:
            return f"readonly: {exc.message}"
        except Exception as exc:
            return f"other: {exc!r}"
        return "opened"

    return attempt


def _hand_to_nobody(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)


@pytest.mark.parametrize(("locked", "mode"), [("file", 0o400), ("folder", 0o500)])
def test_read_only_refused_nothing_written(shared_dir: Path, locked: str, mode: int) -> None:
    """A read-only database file, or a read-only folder around it: refused, untouched."""
    folder = shared_dir / "data"
    folder.mkdir()
    db = folder / "peerscenarios.sqlite3"
    _make_db(db)
    for p in (folder, db):
        _hand_to_nobody(p)
    (db if locked == "file" else folder).chmod(mode)
    before = db.read_bytes()
    result = as_unprivileged(_open_result(db))
    assert result.startswith("readonly:"), result
    assert db.read_bytes() == before
    assert _no_sidecars(db)


def test_read_only_during_session(storage: Storage) -> None:
    """The database becoming unwritable mid-session: a clear error, nothing half-written."""
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s", "h", "practice")
    storage.save_draft(a.id, "r1", "kept")
    storage.engine.dispose()

    def query_only(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.execute("PRAGMA query_only = ON")

    event.listen(storage.engine, "connect", query_only)
    with pytest.raises(DatabaseReadOnly) as info:
        storage.save_reflection(a.id, "r1", "new text")
    assert info.value.hint
    event.remove(storage.engine, "connect", query_only)
    storage.engine.dispose()
    assert storage.get_draft(a.id, "r1") == "kept"
    assert storage.attempt_detail(a.id).reflections == ()


# ------------------------------------------------------------------ disk full


def test_disk_full_keeps_earlier_data(storage: Storage) -> None:
    p = storage.create_profile("A")
    a = storage.start_attempt(p.id, "s", "h", "practice")
    storage.record_choice(a.id, "n1", "c1", "peer-aligned", {}, "f")
    storage.save_draft(a.id, "r1", "draft before the disk filled")
    storage.save_reflection(a.id, "r0", "saved before the disk filled")
    storage.engine.dispose()
    with storage.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    # SQLite reports SQLITE_FULL when a database would grow past max_page_count:
    # the same error a full disk produces.
    def cap(dbapi_connection: sqlite3.Connection, record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(storage.engine, "connect", cap)
    storage.engine.dispose()
    seen: list[object] = []
    storage.add_listener(seen.append)
    with pytest.raises(DiskFull) as info:
        storage.save_reflection(a.id, "r1", BIG_TEXT)
    assert "disk is full" in info.value.message
    with pytest.raises(DiskFull):
        storage.save_draft(a.id, "r1", BIG_TEXT)
    assert seen == []  # nothing was reported as changed
    event.remove(storage.engine, "connect", cap)
    storage.engine.dispose()
    assert storage.get_draft(a.id, "r1") == "draft before the disk filled"
    detail = storage.attempt_detail(a.id)
    assert [r.text for r in detail.reflections] == ["saved before the disk filled"]
    assert len(detail.choices) == 1
    assert storage.integrity_check() == "ok"
    storage.save_reflection(a.id, "r1", BIG_TEXT)  # works again once there is room


# --------------------------------------------------------------- permissions


def test_files_are_private(data_dir: Path, db_path: Path) -> None:
    with Storage.open(_url(db_path)) as s:
        s.create_profile("A")
        wal, shm = (db_path.with_name(db_path.name + x) for x in ("-wal", "-shm"))
        assert wal.exists()
        assert shm.exists()
        assert file_mode(data_dir) == 0o700
        for f in (db_path, wal, shm):
            assert file_mode(f) == 0o600, f
        backup = s.backup_now()
        assert file_mode(backup) == 0o600
        assert file_mode(backup.parent) == 0o700


def test_loose_existing_file_is_tightened(db_path: Path) -> None:
    _make_db(db_path)
    db_path.chmod(0o644)
    with Storage.open(_url(db_path)):
        assert file_mode(db_path) == 0o600


def test_custom_location_under_new_folder(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "mine.sqlite3"
    with Storage.open(_url(db), backup=False) as s:
        s.create_profile("A")
    assert file_mode(db.parent) == 0o700
    assert file_mode(db) == 0o600


# ---------------------------------------------------------------- migrations

_TEST_REVISION = '''
"""Test-only revision: rebuilds the attempt table (a parent of cascading children)."""
import sqlalchemy as sa
from alembic import op

revision = "test9999"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.execute("UPDATE attempt SET note = 'migrated'")
    op.execute("DELETE FROM profile WHERE name = 'nobody'")
    FAIL


def downgrade():
    pass
'''


@pytest.fixture
def extra_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Install a copy of the migrations plus one more that fails (True) or succeeds (False)."""

    def install(fail: bool) -> None:
        target = tmp_path / "migrations"
        shutil.copytree(Path(migrate_module.__file__).with_name("migrations"), target,
                        ignore=shutil.ignore_patterns("__pycache__"))
        body = _TEST_REVISION.replace(
            "    FAIL\n", "    raise RuntimeError('injected failure')\n" if fail else ""
        ).replace("HEAD", HEAD)
        (target / "versions" / "test9999_test.py").write_text(textwrap.dedent(body))
        monkeypatch.setattr(migrate_module, "script_location", lambda: str(target))

    return install


def test_failed_migration_leaves_original_intact(
    db_path: Path, extra_revision: Callable[[bool], None]
) -> None:
    _make_db(db_path)
    before = _dump(db_path)
    extra_revision(True)
    with pytest.raises(MigrationFailed) as info:
        Storage.open(_url(db_path))
    assert "Nothing was changed" in info.value.message
    assert "backup" in info.value.hint
    assert _dump(db_path) == before
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_migration_backs_up_then_keeps_children(
    data_dir: Path, db_path: Path, extra_revision: Callable[[bool], None]
) -> None:
    ids = _make_db(db_path)
    extra_revision(False)
    with Storage.open(_url(db_path)) as s:
        # The attempt table was rebuilt; its cascading children must survive.
        detail = s.attempt_detail(ids["attempt"])
        assert [c.id for c in detail.choices] == [ids["choice"]]
        assert [r.id for r in detail.reflections] == [ids["reflection"]]
        assert s.search_reflections(ids["profile"], "feared")
        assert s.integrity_check() == "ok"
        backups = s.list_backups()
    assert len(backups) == 1
    assert f"before-upgrade-from-{HEAD}" in backups[0].path.name
    with sqlite3.connect(backups[0].path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)


# ------------------------------------------------------------ backup/restore


def test_backup_rotation_keeps_newest(db_path: Path) -> None:
    with Storage.open(_url(db_path), keep_backups=3) as s:
        s.create_profile("A")
        made = [s.backup_now() for _ in range(5)]
        listed = [b.path for b in s.list_backups()]
    assert len(listed) == 3
    assert set(listed) == set(made[-3:])
    assert all(_no_sidecars(p) for p in listed)


def test_restore_refused_while_open_then_restores(db_path: Path) -> None:
    s = Storage.open(_url(db_path))
    p = s.create_profile("Before backup")
    backup = s.backup_now()
    s.create_profile("After backup")
    with pytest.raises(RestoreRefused, match="still in use"):
        restore_backup(backup, db_path)
    s.close()
    saved = restore_backup(backup, db_path)
    assert saved is not None
    assert saved.parent == backup.parent
    assert saved.name.endswith("-before-restore.sqlite3")
    assert file_mode(saved) == 0o600
    with Storage.open(_url(db_path)) as s2:
        assert [x.id for x in s2.list_profiles()] == [p.id]
        assert s2.integrity_check() == "ok"
    with sqlite3.connect(saved) as conn:
        assert conn.execute("SELECT count(*) FROM profile").fetchone() == (2,)


def test_restore_refuses_damaged_backup(db_path: Path, tmp_path: Path) -> None:
    _make_db(db_path)
    bad = tmp_path / "bad.sqlite3"
    _garbage(bad)
    before = db_path.read_bytes()
    with pytest.raises(RestoreRefused):
        restore_backup(bad, db_path)
    assert db_path.read_bytes() == before


# -------------------------------------------------------- error translation


class _FakeSqliteError(sqlite3.OperationalError):
    def __init__(self, code: int) -> None:
        super().__init__("fake")
        self.sqlite_errorcode = code


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (13, DiskFull),            # SQLITE_FULL
        (8, DatabaseReadOnly),     # SQLITE_READONLY
        (8 | (1 << 8), DatabaseReadOnly),  # an extended READONLY code
        (11, DatabaseCorrupt),     # SQLITE_CORRUPT
        (26, DatabaseCorrupt),     # SQLITE_NOTADB
        (5, DatabaseBusy),         # SQLITE_BUSY
        (10, StorageError),        # SQLITE_IOERR
    ],
)
def test_sqlite_errors_become_plain_language(code: int, expected: type[StorageError]) -> None:
    translated = translate_sqlite(_FakeSqliteError(code))
    assert isinstance(translated, expected)
    assert isinstance(translated, StorageError)
    assert translated.message
    assert translated.hint


def test_unexpected_sqlite_error_is_left_as_a_bug() -> None:
    original = _FakeSqliteError(1)  # SQLITE_ERROR: a bad statement is our bug
    assert translate_sqlite(original) is original


def test_corrupt_error_names_the_file_to_move_aside(tmp_path: Path) -> None:
    """The UI moves aside exc.path; storage, not the UI, knows which file a URL means."""
    from peerscenarios.storage import DatabaseCorrupt, Storage

    bad = tmp_path / "elsewhere.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseCorrupt) as info:
        Storage.open(f"sqlite:///{bad}")
    assert info.value.path == bad
