"""Backups with SQLite's online backup API: private files, unique names, rotation, leftovers."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from peerscenarios.storage.engine import BUSY_TIMEOUT_MS, translate_sqlite
from peerscenarios.storage.errors import StorageError
from peerscenarios.storage.records import BackupInfo

log = logging.getLogger(__name__)

DEFAULT_KEEP = 5
BACKUP_PREFIX = "peerscenarios-"
BACKUP_SUFFIX = ".sqlite3"
# A backup being written; renamed to its final name only once complete.
PARTIAL_SUFFIX = ".partial"
_BACKUP_NAME = re.compile(r"^peerscenarios-(\d{8}-\d{6})(-\d+)?(-[a-z0-9-]+)?\.sqlite3$")

# Held shared by every backup being written into a folder, and taken
# exclusively (without waiting) by the cleaner of leftovers: a separate file,
# because SQLite's own locks on the backup itself could clash with a lock on
# it on some systems.
_LOCK_NAME = ".backup.lock"

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only

    def _flock(fd: int, *, exclusive: bool, wait: bool) -> bool:
        # No flock here; Windows refuses to delete a file another program
        # has open, which protects a backup in progress instead.
        return True

else:
    import fcntl

    def _flock(fd: int, *, exclusive: bool, wait: bool) -> bool:
        """Lock the open file ``fd``; False if ``wait`` is off and someone else holds it."""
        flags = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, flags if wait else flags | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def stamp(now: datetime | None = None) -> str:
    """The local date and time as used in backup names, e.g. ``20261126-101500``."""
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def create_private(path: Path) -> None:
    """Create an empty file readable only by the user; FileExistsError if it exists."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _numbered(stem: str, n: int) -> str:
    return stem if n == 1 else f"{stem}-{n}"


@contextmanager
def _writing_into(directory: Path) -> Iterator[None]:
    """Hold the folder's lock shared while a backup is written into it."""
    fd = os.open(directory / _LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        _flock(fd, exclusive=False, wait=True)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _reserve_partial(directory: Path, stem: str) -> Path:
    """Create a new, empty, private ``.partial`` file for a backup and return it.

    O_EXCL decides between two backups started in the same second (or a
    leftover from a killed one): the loser simply takes the next number.
    """
    n = 0
    while True:
        n += 1
        partial = directory / f"{_numbered(stem, n)}{BACKUP_SUFFIX}{PARTIAL_SUFFIX}"
        try:
            create_private(partial)
        except FileExistsError:
            continue
        return partial


def _publish(partial: Path, directory: Path, stem: str) -> Path:
    """Give a finished backup its final name, never replacing another backup."""
    n = 0
    while True:
        n += 1
        final = directory / f"{_numbered(stem, n)}{BACKUP_SUFFIX}"
        try:
            # A hard link fails if the name exists, where a rename would
            # silently replace a backup another process just finished.
            os.link(partial, final)
        except FileExistsError:
            continue
        except OSError:
            # File systems without hard links (FAT on a USB stick): rename,
            # checking first (a race there costs one backup, never data).
            if final.exists():
                continue
            os.replace(partial, final)
            return final
        partial.unlink()
        return final


def backup_connection(source: sqlite3.Connection, directory: Path, *, label: str = "",
                      keep: int | None = DEFAULT_KEEP) -> Path:
    """Copy the database behind ``source`` into a new file in ``directory``; rotate old ones.

    Uses ``sqlite3.Connection.backup``: a consistent snapshot even while other
    connections write, never a byte copy of a live file. The copy is written
    under a temporary ``.partial`` name and then given its final name, so a
    half-written backup never looks complete. Backups are self-contained
    (rollback journal, no -wal) and 0600. With ``keep`` None nothing is
    rotated away.
    """
    stem = f"{BACKUP_PREFIX}{stamp()}" + (f"-{label}" if label else "")
    with _writing_into(directory):
        partial = _reserve_partial(directory, stem)
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
                dest.commit()
            finally:
                dest.close()
            final = _publish(partial, directory, stem)
        except BaseException as exc:
            partial.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error):
                translated = translate_sqlite(exc, partial)
                if isinstance(translated, StorageError):
                    raise translated from exc
            raise
    if keep is not None:
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
    """Delete all but the ``keep`` newest backups, and any abandoned partial copy; return them."""
    removed = clean_partials(directory)
    for old in list_backups(directory)[max(keep, 1):]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def clean_partials(directory: Path) -> list[Path]:
    """Delete the ``.partial`` copies left by backups that were killed; return them.

    Each is a full copy of the reflections, so none may linger. While any
    backup is being written into the folder nothing is touched (the next
    start or rotation cleans up). Only files named as this module names them
    are removed.
    """
    if not directory.is_dir():
        return []
    try:
        fd = os.open(directory / _LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError:
        return []  # a folder we cannot write to holds no leftovers of ours
    removed: list[Path] = []
    try:
        if not _flock(fd, exclusive=True, wait=False):
            return removed
        for entry in directory.iterdir():
            name = entry.name
            if not (name.endswith(PARTIAL_SUFFIX)
                    and _BACKUP_NAME.match(name.removesuffix(PARTIAL_SUFFIX))):
                continue
            try:
                entry.unlink()
            except OSError:
                log.warning("could not remove an unfinished backup copy %s", name)
                continue
            removed.append(entry)
    finally:
        os.close(fd)
    if removed:
        log.info("removed %d unfinished backup copies", len(removed))
    return removed
