"""Environmental problems end in a plain message, never a traceback, and nothing overwritten."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from peerscenarios import paths
from peerscenarios.cli import main
from peerscenarios.storage import DatabaseCorrupt, DiskFull, Storage, StorageError
from peerscenarios.storage import backup as backup_module
from peerscenarios.storage import engine as engine_module
from peerscenarios.storage.engine import translate_sqlite

from .conftest import as_unprivileged, file_mode, hand_to_nobody

OPEN_CHILD = Path(__file__).with_name("open_child.py")


class _SqliteError(sqlite3.OperationalError):
    """A driver error carrying a chosen SQLite result code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.sqlite_errorcode = code


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _cli(*argv: str) -> Callable[[], str]:
    """The command line run in-process, its exit code and output as one string."""
    def run() -> str:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(argv))
        return f"{code}\n{out.getvalue()}\n--- stderr\n{err.getvalue()}"

    return run


# ------------------------------------------------------------------ full disk


def test_full_disk_at_first_run_is_a_plain_message_and_leaves_no_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """The first write to a new database is the switch to WAL; on a full disk it fails."""
    def disk_full(engine: Any) -> None:
        raise _SqliteError("database or disk is full", 13)

    monkeypatch.setattr(engine_module, "set_wal", disk_full)
    with pytest.raises(DiskFull) as info:
        Storage.open(_url(db_path))
    assert "disk is full" in info.value.message
    assert str(db_path) in info.value.hint
    assert not db_path.exists()  # no empty file left to look like a database
    assert main(["backup"]) == 1
    err = capsys.readouterr().err
    assert "The disk is full" in err
    assert "Traceback" not in err


def test_opening_on_a_full_disk_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite reports a full disk while creating -wal/-shm as 'cannot open' or an I/O error."""
    db = tmp_path / "db.sqlite3"
    free = {"bytes": 0}
    monkeypatch.setattr(engine_module.shutil, "disk_usage",
                        lambda _p: SimpleNamespace(total=10**9, used=10**9, free=free["bytes"]))
    for code in (14, 10, 10 | (4 << 8)):  # CANTOPEN, IOERR, IOERR_FSYNC
        translated = translate_sqlite(_SqliteError("unable to open database file", code), db)
        assert isinstance(translated, DiskFull)
        assert str(db) in translated.hint
    free["bytes"] = 10**9
    roomy = translate_sqlite(_SqliteError("unable to open database file", 14), db)
    assert type(roomy) is StorageError
    assert "disk is connected" in roomy.hint


# --------------------------------------------------------------- permissions


def test_where_in_a_folder_it_may_not_write_names_the_folder(shared_dir: Path) -> None:
    data = shared_dir / "data"
    data.mkdir()
    hand_to_nobody(data)
    data.chmod(0o500)  # readable, but scenarios/, logs/ ... cannot be created in it
    result = as_unprivileged(_cli("--data-dir", str(data), "where"))
    code, _, rest = result.partition("\n")
    assert code == "1", result
    out, _, err = rest.partition("--- stderr\n")
    assert f"data folder:        {data}" in out
    assert "cannot be used" in out
    assert str(data / "scenarios") in err
    assert "--data-dir" in err
    assert "Traceback" not in result


def test_export_from_a_folder_it_may_not_read_names_the_file(shared_dir: Path) -> None:
    data = shared_dir / "data"
    _make_history(data / paths.DATABASE_FILENAME)
    hand_to_nobody(data, *data.iterdir())
    data.chmod(0o000)
    out_file = shared_dir / "portfolio.md"
    result = as_unprivileged(_cli("--data-dir", str(data), "export", "--format", "md",
                                  "--out", str(out_file)))
    code, _, rest = result.partition("\n")
    assert code == "1", result
    assert "not allowed to use" in rest
    assert str(data) in rest
    assert "Traceback" not in result
    assert not out_file.exists()


def _make_history(db: Path) -> None:
    with Storage.open(_url(db), backup=False) as s:
        p = s.create_profile("Robin")
        a = s.start_attempt(p.id, "s1", "h", "practice")
        s.save_reflection(a.id, "r1", "It went better than I feared")


# ------------------------------------------------------------------- races


def test_database_created_by_another_program_at_the_same_moment(
    db_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other program creates the file between our look and our create: we use it."""
    real_open = os.open

    def other_program_first(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if Path(path) == db_path and flags & os.O_EXCL and not db_path.exists():
            os.close(real_open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        return real_open(path, flags, mode, **kw)

    db_path.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(engine_module.os, "open", other_program_first)
    with Storage.open(_url(db_path), backup=False) as s:
        s.create_profile("Works")
    monkeypatch.undo()
    assert file_mode(db_path) == 0o600


@pytest.mark.slow
def test_four_programs_creating_fresh_databases_at_once(tmp_path: Path) -> None:
    """The field report's race, for real: 4 processes open each new database together."""
    children = [
        subprocess.Popen([sys.executable, str(OPEN_CHILD)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "READY"
        answers: list[str] = []
        for round_no in range(25):
            db = tmp_path / f"round-{round_no}" / "peerscenarios.sqlite3"
            for child in children:
                assert child.stdin is not None
                child.stdin.write(f"{db}\n")
            for child in children:
                assert child.stdin is not None
                child.stdin.flush()
            for child in children:
                assert child.stdout is not None
                answers.append(child.stdout.readline().strip())
            with Storage.open(_url(db), backup=False) as s:
                assert s.integrity_check() == "ok"
    finally:
        for child in children:
            assert child.stdin is not None
            child.stdin.close()
            child.wait(timeout=60)
    assert [a for a in answers if a != "OK"] == []
    assert len(answers) == 100


def test_two_backups_in_the_same_second(
    storage: Storage, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A .partial under the name this backup would take (another backup's, or a killed one's)."""
    monkeypatch.setattr(backup_module, "stamp", lambda now=None: "20261126-101500")
    storage.create_profile("A")
    folder = paths.ensure_private_dir(storage.backups_dir)
    leftover = folder / "peerscenarios-20261126-101500.sqlite3.partial"
    leftover.touch(mode=0o600)
    first = storage.backup_now()
    assert first.parent == folder
    assert not leftover.exists()  # nobody was writing it: rotation removed it
    made: list[Path] = []
    errors: list[BaseException] = []

    def one_backup() -> None:
        try:
            made.append(storage.backup_now())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one_backup) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len({first, *made}) == 5  # five backups, five names, none replaced
    for path in (first, *made):
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.close()
    assert main(["backup"]) == 0
    assert main(["backup"]) == 0
    assert "Traceback" not in capsys.readouterr().err


# ------------------------------------------------------------ schema drift


def _drop_table(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE reflection_draft")
    conn.close()


def _drop_column(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE attempt DROP COLUMN order_seed")
    conn.close()


@pytest.mark.parametrize(("damage", "says"), [
    (_drop_table, "the table reflection_draft is missing"),
    (_drop_column, "the table attempt lacks the column order_seed"),
])
def test_a_dropped_table_or_column_is_found_at_open(
    db_path: Path, damage: Callable[[Path], None], says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _make_history(db_path)
    damage(db_path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseCorrupt) as info:
        Storage.open(_url(db_path))
    assert says in info.value.message
    assert "not been changed" in info.value.message
    assert info.value.path == db_path
    assert str(db_path) in info.value.hint
    assert main(["backup"]) == 1
    err = capsys.readouterr().err
    assert says in err
    assert "Traceback" not in err
    assert db_path.read_bytes() == before


def test_a_backups_folder_that_cannot_be_made_is_a_plain_message(db_path: Path) -> None:
    _make_history(db_path)
    backups = db_path.parent / "backups"
    assert not backups.exists()
    backups.write_text("a file where the backups folder should be")
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as info:
        Storage.open(_url(db_path))
    assert str(backups) in info.value.message
    assert "a file is in the way" in info.value.message
    assert db_path.read_bytes() == before
