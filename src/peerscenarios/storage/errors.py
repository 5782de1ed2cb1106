"""The expected ways the local database can fail, each with a plain-language message."""

# The UI and CLI catch these by their plain names (DiskFull, not DiskFullError);
# the names were agreed across the team, so the Error-suffix rule is off here.
# ruff: noqa: N818

from __future__ import annotations

from pathlib import Path

from peerscenarios.errors import StorageError

__all__ = [
    "DatabaseBusy",
    "DatabaseCorrupt",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "DiskFull",
    "InvalidName",
    "MigrationFailed",
    "NameTaken",
    "NotFound",
    "RestoreRefused",
    "StorageError",
    "UnsupportedDatabase",
]


class DatabaseCorrupt(StorageError):
    """The database file is damaged or is not a PeerScenarios database; it was left untouched.

    ``path`` is the file in question (None when there is no file, e.g. in memory),
    so a caller can offer to move it aside without knowing how URLs map to files.
    """

    def __init__(self, message: str, hint: str = "", *, path: Path | None = None) -> None:
        super().__init__(message, hint)
        self.path = path


class DatabaseTooNew(StorageError):
    """The database was written by a newer version of PeerScenarios; it was left untouched."""


class DatabaseReadOnly(StorageError):
    """The database (or its folder) cannot be written."""


class DiskFull(StorageError):
    """The disk is full; the last change was not saved, earlier data is intact."""


class DatabaseBusy(StorageError):
    """Another program kept the database locked for too long."""


class MigrationFailed(StorageError):
    """Upgrading the database failed; it was rolled back and the original is intact."""


class UnsupportedDatabase(StorageError):
    """The database URL names something other than SQLite."""


class NotFound(StorageError):
    """A profile, attempt or other record no longer exists (e.g. deleted in another window)."""


class NameTaken(StorageError):
    """A profile with that name already exists."""


class InvalidName(StorageError):
    """A profile name is empty or too long."""


class RestoreRefused(StorageError):
    """A backup cannot be restored right now (the database is open, or the backup is damaged)."""
