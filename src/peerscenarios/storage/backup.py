"""Backups with SQLite's online backup API, rotation, restore, and moving a damaged file aside."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from peerscenarios.storage.engine import BUSY_TIMEOUT_MS, check_header, sidecars, translate_sqlite
from peerscenarios.storage.errors import DatabaseCorrupt, RestoreRefused, StorageError
from peerscenarios.storage.records import BackupInfo

log = logging.getLogger(__name__)

DEFAULT_KEEP = 5
BACKUP_PREFIX = "peerscenarios-"
BACKUP_SUFFIX = ".sqlite3"
_BACKUP_NAME = re.compile(r"^peerscenarios-(\d{8}-\d{6})(-\d+)?(-[a-z0-9-]+)?\.sqlite3$")


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def _create_private(path: Path) -> None:
    """Create an empty file readable only by the user; fails if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _unique(directory: Path, stem: str, suffix: str) -> Path:
    candidate = directory / f"{stem}{suffix}"
    n = 2
    while candidate.exists():
        candidate = directory / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def backup_connection(source: sqlite3.Connection, directory: Path, *, label: str = "",
                      keep: int = DEFAULT_KEEP) -> Path:
    """Copy the database behind ``source`` into a new file in ``directory``; rotate old ones.

    Uses ``sqlite3.Connection.backup``: a consistent snapshot even while other
    connections write, never a byte copy of a live file. The copy is written
    under a temporary name and renamed, so a half-written backup never looks
    complete. Backups are self-contained (rollback journal, no -wal) and 0600.
    """
    stem = f"{BACKUP_PREFIX}{_stamp()}" + (f"-{label}" if label else "")
    final = _unique(directory, stem, BACKUP_SUFFIX)
    partial = final.with_name(final.name + ".partial")
    _create_private(partial)
    try:
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            dest.commit()
        finally:
            dest.close()
        os.replace(partial, final)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            translated = translate_sqlite(exc)
            if isinstance(translated, StorageError):
                raise translated from exc
        raise
    rotate(directory, keep)
    return final


def backup_file(path: Path, directory: Path, *, label: str = "", keep: int = DEFAULT_KEEP) -> Path:
    """Back up the database file at ``path`` (opened read-only) into ``directory``."""
    source = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True,
                             timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        return backup_connection(source, directory, label=label, keep=keep)
    finally:
        source.close()


def list_backups(directory: Path) -> list[BackupInfo]:
    """Backups in ``directory``, newest first."""
    if not directory.is_dir():
        return []
    found: list[BackupInfo] = []
    for entry in directory.iterdir():
        if not _BACKUP_NAME.match(entry.name) or not entry.is_file():
            continue
        st = entry.stat()
        found.append(BackupInfo(
            path=entry, created_at=datetime.fromtimestamp(st.st_mtime, UTC), size=st.st_size
        ))
    found.sort(key=lambda b: (b.created_at, b.path.name), reverse=True)
    return found


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups (only files this module named); return them."""
    removed = []
    for old in list_backups(directory)[max(keep, 1):]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm) to ``NAME.damaged-YYYYmmdd-HHMMSS``.

    Nothing is deleted: the WAL keeps its place beside the renamed file, so a
    recovery tool opening the renamed file still sees it. Returns the new path
    of the main file. Call only after the user agreed.
    """
    path = Path(path)
    base = f"{path.name}.damaged-{_stamp()}"
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


def restore_backup(backup_path: Path, target_path: Path) -> Path | None:
    """Replace the database at ``target_path`` with the backup at ``backup_path``.

    Refuses (RestoreRefused) if the backup is damaged or the target database is
    open in any process. The current database is first saved as
    ``NAME.before-restore-YYYYmmdd-HHMMSS`` (returned; None if there was no
    database). The pages are copied with SQLite's backup API into the target
    inside its own transaction, so an interrupted restore leaves the old
    database in place.
    """
    backup_path = Path(backup_path)
    target_path = Path(target_path)
    try:
        check_header(backup_path)
        src = sqlite3.connect(f"file:{quote(str(backup_path))}?mode=ro", uri=True)
    except (DatabaseCorrupt, OSError, sqlite3.Error) as exc:
        raise RestoreRefused("That backup file cannot be read.",
                             "Choose another backup.") from exc
    try:
        if [r[0] for r in src.execute("PRAGMA quick_check")] != ["ok"]:
            raise RestoreRefused("That backup file is damaged.", "Choose another backup.")
        created = not target_path.exists()
        if created:
            target_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _create_private(target_path)
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
            saved: Path | None = None
            if not created:
                saved = _unique(target_path.parent,
                                f"{target_path.name}.before-restore-{_stamp()}", "")
                _create_private(saved)
                keep = sqlite3.connect(saved)
                try:
                    dest.backup(keep)
                finally:
                    keep.close()
            src.backup(dest)
            dest.execute("PRAGMA journal_mode = WAL")
        finally:
            dest.close()
    finally:
        src.close()
    log.info("restored the database from a backup")
    return saved
