"""Restore can never destroy history: every check before any change, --db honoured, undoable."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from peerscenarios import paths
from peerscenarios.cli import main
from peerscenarios.storage import RestoreRefused, Storage, list_backups, restore_backup
from peerscenarios.storage.migrate import head_revision

from .conftest import file_mode


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _history(path: Path, *names: str) -> None:
    """A closed database at ``path`` holding one profile per name."""
    with Storage.open(_url(path), backup=False) as s:
        for name in names:
            s.create_profile(name)


def _profiles(path: Path) -> list[str]:
    with Storage.open(_url(path), backup=False) as s:
        return [p.name for p in s.list_profiles()]


def _backup_of(db: Path, folder: Path) -> Path:
    with Storage.open(_url(db), backup=False, backups_dir=folder) as s:
        return s.backup_now()


# Each maker writes a file that is not a usable backup, as the field report tried.


def _zero_length(path: Path) -> None:
    path.write_bytes(b"")


def _empty_sqlite(path: Path) -> None:
    sqlite3.connect(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")  # gives the file its header page
    conn.close()


def _other_program(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()


def _newer_schema(path: Path) -> None:
    _history(path, "From the future")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dcafe9999'")
    conn.close()


def _table_missing(path: Path) -> None:
    _history(path, "Half")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE reflection_draft")
    conn.close()


def _no_version_row(path: Path) -> None:
    _history(path, "Unversioned")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM alembic_version")
    conn.close()


def _text_file(path: Path) -> None:
    path.write_text("not a database\n" * 100)


@pytest.mark.parametrize(("make", "says"), [
    (_zero_length, "is empty"),
    (_empty_sqlite, "empty database"),
    (_other_program, "another program"),
    (_newer_schema, "newer version"),
    (_table_missing, "reflection_draft is missing"),
    (_no_version_row, "no schema version"),
    (_text_file, "damaged or is not a database"),
])
def test_restore_refuses_what_is_not_a_usable_backup(
    db_path: Path, tmp_path: Path, make: Callable[[Path], None], says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _history(db_path, "Robin")
    before = db_path.read_bytes()
    candidate = tmp_path / "candidate.sqlite3"
    make(candidate)
    assert main(["restore", str(candidate)]) == 1
    err = capsys.readouterr().err
    assert says in err
    assert str(candidate) in err
    assert "Nothing was changed" in err
    assert "Traceback" not in err
    assert db_path.read_bytes() == before
    assert list_backups(paths.backups_dir()) == []  # not even a before-restore copy


def test_restore_honours_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    default_db = data / paths.DATABASE_FILENAME
    other = tmp_path / "other" / "peerscenarios.sqlite3"
    _history(default_db, "Default")
    _history(other, "Other before")
    backup = _backup_of(other, tmp_path / "kept")
    with Storage.open(_url(other), backup=False) as s:
        s.create_profile("Other after")
    default_before = default_db.read_bytes()
    assert main(["--data-dir", str(data), "--db", _url(other), "restore", str(backup)]) == 0
    assert f"to {other}" in capsys.readouterr().out
    assert _profiles(other) == ["Other before"]
    assert default_db.read_bytes() == default_before


def test_restore_into_memory_or_a_bare_path_is_refused_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = _backup_of(tmp_path / "db.sqlite3", tmp_path / "kept")
    assert main(["--db", "sqlite://", "restore", str(backup)]) == 1
    assert "in-memory" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "db.sqlite3"), "restore", str(backup)]) == 1
    err = capsys.readouterr().err
    assert "sqlite:///" in err
    assert "Traceback" not in err


def test_before_restore_copy_is_listed_and_undoes_the_restore(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(db_path, "Ana")
    old = _backup_of(db_path, paths.backups_dir())
    with Storage.open(_url(db_path), backup=False) as s:
        s.create_profile("Ben")
    assert main(["restore", str(old)]) == 0
    out = capsys.readouterr().out
    assert _profiles(db_path) == ["Ana"]
    assert main(["backup", "--list"]) == 0
    listed = capsys.readouterr().out
    kept = next(b.path for b in list_backups(paths.backups_dir())
                if b.path.name.endswith("-before-restore.sqlite3"))
    assert str(kept) in listed
    assert str(kept) in out
    assert file_mode(kept) == 0o600
    assert main(["restore", str(kept)]) == 0  # the mistaken restore, undone
    assert _profiles(db_path) == ["Ana", "Ben"]


def test_restore_onto_the_database_itself_is_refused(db_path: Path) -> None:
    _history(db_path, "Ana")
    before = db_path.read_bytes()
    with pytest.raises(RestoreRefused, match="the database itself"):
        restore_backup(db_path, db_path)
    assert db_path.read_bytes() == before


def test_restore_over_a_damaged_database_keeps_its_bytes(db_path: Path, tmp_path: Path) -> None:
    backup = _backup_of(tmp_path / "good.sqlite3", tmp_path / "kept")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    damaged = b"this was a database once" * 200
    db_path.write_bytes(damaged)
    kept = restore_backup(backup, db_path)
    assert kept is not None
    assert kept.read_bytes() == damaged
    assert _profiles(db_path) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    conn.close()


def test_restore_of_an_older_revision_is_accepted(db_path: Path, tmp_path: Path) -> None:
    """A backup from an earlier version restores; the next open upgrades it."""
    from alembic import command
    from sqlalchemy import create_engine

    from peerscenarios.storage.migrate import alembic_config

    old = tmp_path / "old.sqlite3"
    engine = create_engine(_url(old))
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO profile (name, created_at) VALUES ('Old', '2025-11-01 10:00:00')")
    engine.dispose()
    _history(db_path, "New")
    restore_backup(old, db_path)
    assert _profiles(db_path) == ["Old"]
