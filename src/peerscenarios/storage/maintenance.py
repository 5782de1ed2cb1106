"""Looking after the database file itself: backups of an open database and integrity checks."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from peerscenarios import paths
from peerscenarios.storage import backup as _backup
from peerscenarios.storage import engine as _engine
from peerscenarios.storage.database import Database
from peerscenarios.storage.models import Profile
from peerscenarios.storage.records import BackupInfo

log = logging.getLogger(__name__)

DAILY_BACKUP_AGE = timedelta(days=1)


class Maintenance(Database):
    """The backup and integrity operations of Storage."""

    @property
    def backups_dir(self) -> Path:
        """Where this database's backups go."""
        return self._backups_dir if self._backups_dir is not None else paths.backups_dir()

    def backup_now(self, *, label: str = "") -> Path:
        """Write a consistent copy of the database to the backups folder; keep the newest few."""
        directory = paths.ensure_private_dir(self.backups_dir)
        path: Path = _engine.raw_call(
            self._engine,
            lambda raw: _backup.backup_connection(raw, directory, label=label,
                                                  keep=self._keep_backups),
        )
        log.info("database backed up")
        return path

    def list_backups(self) -> list[BackupInfo]:
        """Backups of this database, newest first."""
        return _backup.list_backups(self.backups_dir)

    def backup_if_due(self, max_age: timedelta = DAILY_BACKUP_AGE) -> Path | None:
        """Back up if the newest backup is older than ``max_age`` and there is data to keep."""
        newest = self.list_backups()
        # Wall-clock time on purpose, not the injectable clock: backup files
        # carry the file system's real modification times.
        if newest and datetime.now(UTC) - newest[0].created_at < max_age:
            return None
        with self._reading() as s:
            if s.scalar(select(func.count()).select_from(Profile)) == 0:
                return None
        return self.backup_now(label="daily")

    def integrity_check(self) -> str:
        """SQLite's full integrity check plus the search index's own: ``"ok"`` or the problems."""
        def check(raw: sqlite3.Connection) -> str:
            problems = [str(r[0]) for r in raw.execute("PRAGMA integrity_check")]
            if problems == ["ok"]:
                problems = []
            try:
                raw.execute(
                    "INSERT INTO reflection_fts(reflection_fts, rank) VALUES ('integrity-check', 1)"
                )
            except sqlite3.DatabaseError as exc:
                problems.append(f"search index: {exc}")
            return "\n".join(problems) or "ok"

        result: str = _engine.raw_call(self._engine, check)
        return result
