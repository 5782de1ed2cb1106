"""Local history on SQLite: open a Storage once, call its operations, get frozen records back."""

# No Qt here (an import-linter contract enforces it). Expected failures are
# StorageError subclasses with a plain-language ``message`` and ``hint``.

from __future__ import annotations

from peerscenarios.storage.backup import list_backups
from peerscenarios.storage.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    InvalidName,
    MigrationFailed,
    NameTaken,
    NotFound,
    RestoreRefused,
    StorageError,
    UnsupportedDatabase,
)
from peerscenarios.storage.records import (
    AttemptDetail,
    AttemptMode,
    AttemptRecord,
    AttemptStatus,
    AttemptSummary,
    BackupInfo,
    Change,
    ChangeKind,
    ChoiceEventRecord,
    GroupDecisionRecord,
    GroupSessionDetail,
    GroupSessionRecord,
    GroupSessionSummary,
    LastResult,
    ProfileBucket,
    ProfileRecord,
    ReflectionHit,
    ReflectionRecord,
)
from peerscenarios.storage.restore import check_backup, move_aside, restore_backup
from peerscenarios.storage.storage import Storage

__all__ = [
    "AttemptDetail",
    "AttemptMode",
    "AttemptRecord",
    "AttemptStatus",
    "AttemptSummary",
    "BackupInfo",
    "Change",
    "ChangeKind",
    "ChoiceEventRecord",
    "DatabaseBusy",
    "DatabaseCorrupt",
    "DatabaseReadOnly",
    "DatabaseTooNew",
    "DiskFull",
    "GroupDecisionRecord",
    "GroupSessionDetail",
    "GroupSessionRecord",
    "GroupSessionSummary",
    "InvalidName",
    "LastResult",
    "MigrationFailed",
    "NameTaken",
    "NotFound",
    "ProfileBucket",
    "ProfileRecord",
    "ReflectionHit",
    "ReflectionRecord",
    "RestoreRefused",
    "Storage",
    "StorageError",
    "UnsupportedDatabase",
    "check_backup",
    "list_backups",
    "move_aside",
    "restore_backup",
]
