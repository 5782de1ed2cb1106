"""Restoring a backup only after checking it, and moving a damaged database aside."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from peerscenarios import paths
from peerscenarios.storage import migrate as _migrate
from peerscenarios.storage.backup import backup_connection, create_private, stamp
from peerscenarios.storage.engine import (
    check_header,
    readonly_uri,
    sidecars,
    table_columns,
    translate_sqlite,
)
from peerscenarios.storage.errors import DatabaseCorrupt, RestoreRefused, StorageError
from peerscenarios.storage.schema import schema_problem

log = logging.getLogger(__name__)

_CHOOSE_ANOTHER = ("Nothing was changed. Choose another backup "
                   "(peerscenarios backup --list shows them).")


def _refused(message: str, hint: str = _CHOOSE_ANOTHER) -> RestoreRefused:
    return RestoreRefused(message, hint)


def check_backup(path: Path) -> str:
    """Check, reading only, that ``path`` is a whole PeerScenarios backup this version can use.

    It must be a SQLite file that passes the full integrity check, carry a
    PeerScenarios schema revision no newer than this version's, and hold
    every table that revision needs. Returns the revision; raises
    RestoreRefused with a plain-language reason otherwise.
    """
    path = Path(path)
    if not path.is_file():
        raise _refused(f"There is no backup file at {path}.")
    if path.stat().st_size == 0:
        raise _refused(f"{path} is empty, so it is not a PeerScenarios backup.")
    try:
        check_header(path)
        conn = sqlite3.connect(readonly_uri(path), uri=True)
    except (DatabaseCorrupt, OSError, sqlite3.Error) as exc:
        raise _refused(f"{path} is damaged or is not a database.") from exc
    try:
        # The full check, not quick_check: this file is about to replace history.
        if [r[0] for r in conn.execute("PRAGMA integrity_check")] != ["ok"]:
            raise _refused(f"{path} is damaged: SQLite's check found errors in it.")
        tables = table_columns(conn)
        if not tables:
            raise _refused(f"{path} is an empty database, not a PeerScenarios backup.")
        if "alembic_version" not in tables:
            raise _refused(f"{path} is not a PeerScenarios backup: it belongs to another program.")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if row is None:
            raise _refused(f"{path} is not a PeerScenarios backup: it has no schema version.")
        revision = str(row[0])
        if not _migrate.is_known(revision):
            raise _refused(
                f"{path} was made by a newer version of PeerScenarios (schema {revision}).",
                "Nothing was changed. Install that version to use it, or choose another backup.",
            )
        problem = schema_problem(tables, at_head=revision == _migrate.head_revision())
        if problem:
            raise _refused(f"{path} is not a complete PeerScenarios backup: {problem}.")
    except sqlite3.Error as exc:
        raise _refused(f"{path} cannot be read as a database.") from exc
    finally:
        conn.close()
    return revision


def restore_backup(backup_path: Path, target_path: Path, *,
                   backups_dir: Path | None = None) -> Path | None:
    """Replace the database at ``target_path`` with the backup at ``backup_path``.

    The backup is checked first (:func:`check_backup`); nothing is touched
    unless it passes. Refuses (RestoreRefused) while the target is open in any
    process. The current database is first copied into ``backups_dir`` (the
    data folder's backups by default) as a ``...-before-restore`` backup, which
    ``backup --list`` shows and which can itself be restored to undo this one.
    A target too damaged to copy is moved aside instead (see :func:`move_aside`).
    Returns where the previous database was kept, or None if there was none.
    The pages are copied with SQLite's backup API inside the target's own
    transaction, so an interrupted restore leaves the old database in place.
    """
    backup_path = Path(backup_path)
    target_path = Path(target_path)
    check_backup(backup_path)
    if target_path.exists() and os.path.samefile(backup_path, target_path):
        raise _refused(f"{backup_path} is the database itself, not a backup of it.")
    directory = paths.ensure_private_dir(backups_dir or paths.backups_dir())
    try:
        return _restore(backup_path, target_path, directory)
    except sqlite3.Error as exc:
        translated = translate_sqlite(exc, target_path)
        if isinstance(translated, StorageError):
            raise translated from exc
        raise


def _restore(backup_path: Path, target_path: Path, directory: Path) -> Path | None:
    saved: Path | None = None
    if not target_path.exists():
        paths.ensure_private_dir(target_path.parent)
        create_private(target_path)
    elif _is_damaged(target_path):
        # Restoring is what a damaged database is for; its bytes are kept.
        saved = move_aside(target_path)
        create_private(target_path)
    had_data = target_path.stat().st_size > 0
    src = sqlite3.connect(readonly_uri(backup_path), uri=True)
    try:
        dest = sqlite3.connect(target_path, timeout=0, isolation_level=None)
        try:
            # Leaving WAL mode needs the only connection to the file, so this
            # is also the "is PeerScenarios still running?" test.
            try:
                mode = dest.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            except sqlite3.OperationalError:
                mode = "busy"
            if str(mode).lower() != "delete":
                raise RestoreRefused(
                    "The database is still in use, so the backup was not restored.",
                    "Close PeerScenarios (every window) and try again.",
                )
            if had_data and saved is None:
                saved = backup_connection(dest, directory, label="before-restore", keep=None)
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = WAL")
        finally:
            dest.close()
    finally:
        src.close()
    log.info("restored the database from a backup")
    return saved


def _is_damaged(path: Path) -> bool:
    """True if ``path`` holds something SQLite cannot read as a database (read-only look)."""
    if path.stat().st_size == 0:
        return False
    try:
        check_header(path)
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=0)
    except (DatabaseCorrupt, sqlite3.Error):
        return True
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        return False  # locked by a running app: the in-use check reports that
    except sqlite3.DatabaseError:
        return True
    finally:
        conn.close()
    return False


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) to ``NAME.damaged-YYYYmmdd-HHMMSS``.

    Nothing is deleted: the WAL keeps its place beside the renamed file, so a
    recovery tool opening the renamed file still sees it. Returns the new path
    of the main file. Call only after the user agreed.
    """
    path = Path(path)
    base = f"{path.name}.damaged-{stamp()}"
    target = path.with_name(base)
    n = 2
    while target.exists() or any(s.exists() for s in sidecars(target)):
        target = path.with_name(f"{base}-{n}")
        n += 1
    # Sidecars first: if the main rename then failed, SQLite would simply see
    # a database without a WAL rather than a WAL without its database.
    for side, new_side in zip(sidecars(path), sidecars(target), strict=True):
        if side.exists():
            os.replace(side, new_side)
    if path.exists():
        os.replace(path, target)
    log.info("moved a damaged database aside")
    return target
