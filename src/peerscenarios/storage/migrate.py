"""Running the Alembic migrations in code, in one transaction, without an alembic.ini."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from peerscenarios import paths
from peerscenarios.storage.engine import WRITE_OPTION, translate
from peerscenarios.storage.errors import DatabaseTooNew, MigrationFailed, StorageError

log = logging.getLogger(__name__)


def script_location() -> str:
    """Where the revision scripts live (from ``paths``; a function so tests can redirect it)."""
    return str(paths.migrations_dir())


def alembic_config() -> Config:
    """An Alembic Config built in code for the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of PeerScenarios knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def is_known(revision: str) -> bool:
    """True if ``revision`` is one of this version's migrations (not from a newer version)."""
    # Unknown means newer: every revision this version ever shipped is still
    # in its migrations folder, so an unfamiliar one can only come from later.
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def too_new(revision: str, path: Path | None) -> DatabaseTooNew:
    """The standard 'written by a newer version' error."""
    where = f" ({path})" if path is not None else ""
    return DatabaseTooNew(
        "This database was written by a newer version of PeerScenarios. "
        "It has been left exactly as it was.",
        f"Install the newer version again to use it, or start this version with another "
        f"--data-dir{where}. (schema {revision})",
    )


def upgrade(engine: Engine, *, backup_path: Path | None = None) -> None:
    """Upgrade the database to the head revision in a single transaction.

    Foreign keys are switched off for the duration, as SQLite's documented
    table-rebuild procedure requires (batch mode drops and recreates tables,
    which with enforcement on would cascade-delete children); they are checked
    with ``PRAGMA foreign_key_check`` before the commit instead. Any failure
    rolls everything back and raises MigrationFailed.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        # PRAGMA foreign_keys is ignored inside a transaction: set it before BEGIN.
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"{len(problems)} broken references after upgrade")
        except DBAPIError as exc:
            # A full disk or read-only file during the upgrade is environmental:
            # say so, rather than calling it a failed migration.
            translated = translate(exc)
            if isinstance(translated, StorageError):
                raise translated from exc
            raise _failed(backup_path) from exc
        except StorageError:
            raise
        except Exception as exc:
            # Anything else is our bug: logged with its traceback for the report,
            # while the user hears that nothing was changed.
            log.exception("database migration failed")
            raise _failed(backup_path) from exc
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _failed(backup_path: Path | None) -> MigrationFailed:
    hint = "Please report this problem."
    if backup_path is not None:
        hint = f"A backup taken just before is at {backup_path}. {hint}"
    return MigrationFailed(
        "PeerScenarios could not upgrade its database to this version. "
        "Nothing was changed: your data is as it was.",
        hint,
    )
