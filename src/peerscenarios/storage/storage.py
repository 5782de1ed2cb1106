"""Storage, the one object the app holds: opening, closing, and every area's operations mixed in."""

# Each area (profiles, attempts, history, reflections, group sessions,
# maintenance) is a class in its own module, and Storage inherits them all.
# Mixins rather than composition (``storage.profiles.create``) because callers
# keep the flat API they already use (``storage.create_profile``) without
# fifty one-line delegating methods, while each area is still typed against
# the one shared base, Database (engine, transactions, listeners). Areas never
# call each other's methods, so the order of the bases carries no meaning.

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from peerscenarios import paths
from peerscenarios.storage import backup as _backup
from peerscenarios.storage import engine as _engine
from peerscenarios.storage import migrate as _migrate
from peerscenarios.storage.attempts import Attempts
from peerscenarios.storage.database import Clock, iso_week
from peerscenarios.storage.errors import StorageError
from peerscenarios.storage.groups import Groups
from peerscenarios.storage.history import History
from peerscenarios.storage.maintenance import DAILY_BACKUP_AGE, Maintenance
from peerscenarios.storage.profiles import Profiles
from peerscenarios.storage.reflections import Reflections
from peerscenarios.storage.schema import schema_problem

log = logging.getLogger(__name__)


class Storage(Profiles, Attempts, History, Reflections, Groups, Maintenance):
    """The PeerScenarios database: open it once at start-up and pass it to whoever needs it.

    Every method is one user action and one short transaction; writes start
    with BEGIN IMMEDIATE and, after they commit, tell every listener what
    changed (a listener that fails is logged, never raised to the caller).
    Methods return frozen records, never ORM objects, and raise StorageError
    subclasses with plain-language messages for environmental failures (disk
    full, read-only, damaged, busy). Methods may be called from a worker
    thread; listeners run on the calling thread.
    """

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, backup: bool = True,
             backups_dir: Path | None = None, keep_backups: int = _backup.DEFAULT_KEEP,
             clock: Clock | None = None) -> Storage:
        """Open (creating if needed) and upgrade the database at ``url``.

        ``url`` is any SQLite SQLAlchemy URL; the default is the file in the data
        directory. With ``migrate`` the schema is upgraded (after a backup when
        ``backup`` is set and the file already holds data). With ``backup`` a
        daily rotating backup is also taken if the newest is over a day old.

        Raises DatabaseCorrupt (file untouched), DatabaseTooNew (untouched),
        DatabaseReadOnly, DiskFull, DatabaseBusy, MigrationFailed or
        UnsupportedDatabase.
        """
        url = url or paths.default_database_url()
        db_path = _engine.sqlite_file(url)
        revision: str | None = None
        created = False
        if db_path is not None:
            # Every check here only reads: a damaged, incomplete or too-new
            # file is refused before anything could write to it.
            created = _engine.prepare_file(db_path)
            _engine.check_header(db_path)
            found = _engine.probe(db_path)
            revision = found.revision
            if revision is not None and not _migrate.is_known(revision):
                raise _migrate.too_new(revision, db_path)
            if revision is not None:
                problem = schema_problem(found.tables,
                                         at_head=revision == _migrate.head_revision())
                if problem:
                    raise _engine.corrupt(db_path, problem)
        engine = _engine.create_sqlite_engine(url, memory=db_path is None)
        try:
            if db_path is not None:
                # WAL is a property of the file: set once, before any write.
                _engine.set_wal(engine)
            if backups_dir is None and db_path is not None and backup:
                backups_dir = paths.backups_dir()
            if backup and backups_dir is not None:
                _clean_leftovers(backups_dir)
            storage = cls(engine, path=db_path, backups_dir=backups_dir,
                          keep_backups=keep_backups, clock=clock)
            # A database with data (revision not None) is backed up before an
            # upgrade, so even a bug in a migration cannot cost history.
            if migrate and revision != _migrate.head_revision():
                backup_path = None
                if backup and revision is not None and backups_dir is not None:
                    backup_path = storage.backup_now(label=f"before-upgrade-from-{revision}")
                _migrate.upgrade(engine, backup_path=backup_path)
            if backup and db_path is not None and revision is not None:
                storage.backup_if_due()
        except BaseException as exc:
            # Close the pool on any failure, so no connection keeps the file open.
            engine.dispose()
            if created and db_path is not None:
                _forget_new_file(db_path)
            # set_wal and the backups use the sqlite3 driver directly, so both
            # kinds of driver error need translating.
            original = exc.orig if isinstance(exc, DBAPIError) else exc
            if isinstance(original, sqlite3.Error | DBAPIError):
                translated = _engine.translate_sqlite(original, db_path)
                if isinstance(translated, StorageError):
                    raise translated from exc
            # The backups folder is created here too: a refusal is environmental.
            if isinstance(exc, OSError) and db_path is not None:
                raise _engine.translate_os_error(exc, db_path) from exc
            raise
        return storage

    def close(self) -> None:
        """Close every connection; the last one checkpoints the WAL back into the file."""
        if self._closed:
            return
        self._closed = True
        try:
            _engine.raw_call(self._engine, lambda raw: raw.execute("PRAGMA optimize"))
        except (DBAPIError, sqlite3.Error):
            log.debug("PRAGMA optimize skipped", exc_info=True)
        self._engine.dispose()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _clean_leftovers(backups_dir: Path) -> None:
    """Remove copies left by backups that were killed: each holds every reflection."""
    try:
        _backup.clean_partials(backups_dir)
    except OSError:
        # Best effort: an untidy backups folder must never stop the app opening.
        log.warning("could not look for unfinished backups", exc_info=True)


def _forget_new_file(path: Path) -> None:
    """Remove a database file this very call created, if nothing was ever written to it."""
    # A first run that failed (a full disk) should not leave an empty file
    # behind; a file or WAL with any content is never removed.
    wal, shm, journal = _engine.sidecars(path)
    try:
        if path.stat().st_size or (wal.exists() and wal.stat().st_size):
            return
        for side in (wal, shm, journal):
            side.unlink(missing_ok=True)
        path.unlink()
    except OSError:
        log.debug("could not remove the empty database file", exc_info=True)


__all__ = ["DAILY_BACKUP_AGE", "Storage", "iso_week"]
