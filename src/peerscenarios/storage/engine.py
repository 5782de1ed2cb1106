"""Opening the SQLite file safely: permissions, damage checks, engine settings, errors."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import stat
import struct
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from peerscenarios.paths import ensure_private_dir
from peerscenarios.storage.errors import (
    DatabaseBusy,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DiskFull,
    StorageError,
    UnsupportedDatabase,
)

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# Execution option that makes the "begin" hook emit BEGIN IMMEDIATE.
WRITE_OPTION = "peerscenarios_write"
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")
LOGGING_NAME = "peerscenarios"
# The logger SQLAlchemy uses for an engine created with logging_name=LOGGING_NAME.
ENGINE_LOGGER = f"sqlalchemy.engine.Engine.{LOGGING_NAME}"

# SQLite primary result codes (sqlite3.h); extended codes keep these in the low byte.
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26
# Below this much free space an open or I/O failure is taken to be a full disk:
# SQLite reports a full disk while creating -wal/-shm as "cannot open" instead.
_NEARLY_FULL_BYTES = 64 * 1024


def sqlite_file(url: str | URL) -> Path | None:
    """The database file a SQLite URL names, or None for an in-memory database.

    Raises UnsupportedDatabase for any other kind of database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        # A bare path typed after --db is the likely mistake: say what a URL looks like.
        raise UnsupportedDatabase(
            f"“{url}” is not a database address.",
            "Write it as sqlite:///path/to/file.sqlite3, or leave out --db to use the "
            "default file.",
        ) from None
    if parsed.get_backend_name() != "sqlite":
        raise UnsupportedDatabase(
            f"PeerScenarios can only keep its data in SQLite, not {parsed.get_backend_name()}.",
            "Use a sqlite:/// URL, or leave out --db to use the default file.",
        )
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database).expanduser().resolve()


def sidecars(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files that belong with a database file."""
    return [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]


def prepare_file(path: Path) -> bool:
    """Make sure ``path`` can be opened for writing and is private; return True if created.

    The file is pre-created 0600 because SQLite creates new files with the
    process umask (often world-readable), and its -wal/-shm copy the main
    file's mode. Nothing here writes to an existing file's contents. Failures
    of the file system (no permission, full disk) become StorageErrors that
    name the file.
    """
    try:
        return _prepare_file(path)
    except OSError as exc:
        raise translate_os_error(exc, path) from exc


def _prepare_file(path: Path) -> bool:
    parent = path.parent
    if not parent.exists():
        ensure_private_dir(parent)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise DatabaseReadOnly(
            "PeerScenarios cannot save your work: the folder holding its database is read-only.",
            f"Make this folder writable, or choose another with --data-dir: {parent}",
        )
    try:
        # O_EXCL decides who creates the file; checking exists() first would
        # let two programs starting at once both try, and one fail.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        pass
    else:
        os.close(fd)
        return True
    if not path.is_file():
        raise DatabaseCorrupt(
            "The database path is not a file.",
            f"Choose another location with --data-dir or --db: {path}",
            path=path,
        )
    if not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseReadOnly(
            "PeerScenarios cannot save your work: its database file is read-only.",
            f"Make the file writable (it is {path}), or restore a backup elsewhere.",
        )
    for candidate in (path, *sidecars(path)):
        _tighten(candidate)
    return False


def _tighten(path: Path) -> None:
    """Drop group/other permissions from an existing file (metadata only, not contents)."""
    if os.name != "posix":
        return
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o600)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("could not make %s private", path.name)


def check_header(path: Path) -> None:
    """Raise DatabaseCorrupt if ``path`` is clearly not an intact SQLite file. Reads only.

    An empty file is fine: SQLite treats it as a new database.
    """
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as f:
        header = f.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise corrupt(path, "it is not a database file")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise corrupt(path, "its header is damaged")
    # The in-header page count is trustworthy when the two change counters
    # agree (SQLite file format, offsets 24 and 92). A file shorter than that
    # has been truncated. With a -wal present the WAL may hold the newer pages,
    # so only quick_check can judge.
    (change_counter,) = struct.unpack(">I", header[24:28])
    (page_count,) = struct.unpack(">I", header[28:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    has_wal = path.with_name(path.name + "-wal").exists()
    if not has_wal and change_counter == valid_for and size < page_count * page_size:
        raise corrupt(path, "it has been cut short")
    if not has_wal and size % page_size:
        raise corrupt(path, "it has been cut short")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What a read-only look at an existing database found.

    ``tables`` maps each table's name to its column names, so a caller can
    notice a dropped table or column before it writes anything.
    """

    revision: str | None
    has_tables: bool
    tables: Mapping[str, frozenset[str]] = field(default_factory=dict)


def probe(path: Path, *, quick_check: bool = True) -> ProbeResult:
    """Open ``path`` read-only and report its schema revision; raise DatabaseCorrupt if damaged.

    ``mode=ro`` guarantees this never changes the file, so a damaged or too-new
    database is left exactly as it was found.
    """
    # A hot rollback journal (an interrupted restore) must be rolled back
    # before the file can be judged; only a writable connection can do that,
    # and doing it is SQLite's own crash recovery, not a change of ours.
    hot_journal = sidecars(path)[2].exists()
    uri = f"file:{quote(str(path))}?mode=rw" if hot_journal else readonly_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise translate_sqlite(exc, path) from exc
    try:
        if quick_check:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                raise corrupt(path, "SQLite's check found damage")
        tables = table_columns(conn)
        if not tables:
            return ProbeResult(revision=None, has_tables=False)
        if "alembic_version" not in tables:
            raise DatabaseCorrupt(
                "This file is not a PeerScenarios database.",
                f"Check the --db option, or move the file aside: {path}",
                path=path,
            )
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return ProbeResult(revision=None if row is None else str(row[0]), has_tables=True,
                           tables=tables)
    except sqlite3.Error as exc:
        raise translate_sqlite(exc, path) from exc
    finally:
        conn.close()


def readonly_uri(path: Path) -> str:
    """A URI that opens ``path`` read-only and never creates files beside it when it can."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        # The WAL may hold committed pages the main file lacks: read it too.
        return f"file:{quote(str(path))}?mode=ro"
    # No WAL means nothing outside the main file: immutable=1 reads it
    # without creating -wal/-shm files beside it.
    return f"file:{quote(str(path))}?mode=ro&immutable=1"


def table_columns(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Every ordinary and virtual table of the open database, with its column names."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    # pragma_table_info takes the name as a bound value, so any table name is safe.
    return {
        name: frozenset(r[0] for r in conn.execute(
            "SELECT name FROM pragma_table_info(?)", (name,)))
        for name in names
    }


def corrupt(path: Path | None, why: str) -> DatabaseCorrupt:
    """The standard 'damaged database' error."""
    where = f" ({path})" if path is not None else ""
    return DatabaseCorrupt(
        f"PeerScenarios cannot read its database: {why}. The file has not been changed.",
        "You can restore a backup, or move the damaged file aside and start with an empty "
        f"history. Nothing is deleted{where}.",
        path=path,
    )


def translate_sqlite(
    exc: BaseException, path: Path | None = None
) -> StorageError | BaseException:
    """Map a sqlite3 error to a plain-language StorageError, or return ``exc`` if it is a bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary is None:
        # Python before 3.11 or a non-sqlite error: fall back to the message text.
        text = str(exc).lower()
        for needle, value in (
            ("disk is full", _SQLITE_FULL),
            ("readonly", _SQLITE_READONLY),
            ("not a database", _SQLITE_NOTADB),
            ("malformed", _SQLITE_CORRUPT),
            ("locked", _SQLITE_BUSY),
        ):
            if needle in text:
                primary = value
                break
    if primary == _SQLITE_FULL:
        return _disk_full(path)
    if primary in (_SQLITE_READONLY, _SQLITE_PERM):
        return DatabaseReadOnly(
            "PeerScenarios cannot save your work: the database is read-only.",
            "Check that the data folder and the database file are writable.",
        )
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return corrupt(path, "the file is damaged")
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseBusy(
            "The database is busy in another PeerScenarios window or program.",
            "Close the other window and try again.",
        )
    if primary in (_SQLITE_CANTOPEN, _SQLITE_IOERR):
        if path is not None and _nearly_full(path):
            return _disk_full(path)
        return StorageError(
            "PeerScenarios could not open or read its database file.",
            "Check that the disk is connected and the data folder is accessible.",
        )
    return exc


def translate_os_error(exc: OSError, path: Path) -> StorageError:
    """A file-system failure while preparing ``path``, as a plain-language StorageError."""
    where = exc.filename or path
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _disk_full(path)
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return StorageError(
            f"PeerScenarios needs a folder at {where}, but a file is in the way.",
            "Move or rename that file, or choose another data folder with --data-dir.",
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseReadOnly(
            f"PeerScenarios is not allowed to use {where}.",
            "Make the folder yours and writable, or choose another with --data-dir.",
        )
    return StorageError(
        f"PeerScenarios could not open {where}: {exc.strerror or exc}.",
        "Check that the disk is connected and the data folder is accessible.",
    )


def _nearly_full(path: Path) -> bool:
    for folder in (path.parent, *path.parents):
        try:
            return shutil.disk_usage(folder).free < _NEARLY_FULL_BYTES
        except OSError:
            continue  # the folder itself may be missing; ask its parent
    return False


def _disk_full(path: Path | None) -> DiskFull:
    where = f" (the database is {path})" if path is not None else ""
    return DiskFull(
        "The disk is full, so your last change could not be saved.",
        f"Free some disk space and try again. Everything saved before is safe{where}.",
    )


def translate(exc: DBAPIError, path: Path | None = None) -> StorageError | BaseException:
    """Like translate_sqlite, for an error SQLAlchemy wrapped."""
    return translate_sqlite(exc.orig if exc.orig is not None else exc, path)


def create_sqlite_engine(url: str | URL, *, memory: bool) -> Engine:
    """An engine with the settings every connection needs.

    - ``isolation_level=None`` plus our own BEGIN in the "begin" event: SQLAlchemy's
      documented pysqlite recipe for real transactions, including DDL, so a
      failed migration rolls back whole.
    - Writes begin with BEGIN IMMEDIATE: a deferred transaction that later
      writes fails at once with "database is locked" if another connection
      committed in between, ignoring busy_timeout.
    - WAL with synchronous=FULL: every commit is fsynced to the WAL before it
      returns, so a saved reflection survives a power cut, not just a crash
      (NORMAL would only protect against the application crashing).
    - ``hide_parameters``: bound values (reflection text) never reach logs or
      exception messages, even if someone turns on SQLAlchemy logging; and the
      engine's own logger is pinned to WARNING because at DEBUG SQLAlchemy
      logs every result row, which would include reflection text.
    """
    logging.getLogger(ENGINE_LOGGER).setLevel(logging.WARNING)
    kwargs: dict[str, Any] = {
        "echo": False,
        "hide_parameters": True,
        "logging_name": LOGGING_NAME,
        "connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000},
    }
    if memory:
        # One shared connection, or each checkout would see a different empty database.
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's begin hook, not the driver, decide when transactions start.
    dbapi_connection.isolation_level = None
    for pragma in (
        "PRAGMA foreign_keys = ON",
        f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        "PRAGMA synchronous = FULL",
        # Zero every page a delete frees (reflection text, old search-index
        # segments) instead of leaving it readable in the file's free list;
        # FAST would skip pages whose zeroing costs an extra write.
        "PRAGMA secure_delete = ON",
    ):
        dbapi_connection.execute(pragma)


def _on_begin(conn: Any) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def set_wal(engine: Engine) -> None:
    """Switch the file to write-ahead logging (persistent; a no-op when already on)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        while True:
            try:
                mode = raw.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as exc:
                # Two programs creating the database at once: the one that loses
                # the switch gets BUSY at once (SQLite skips its busy handler
                # there to avoid a deadlock) or, while the other's -wal is
                # being set up, an I/O error. Both clear within milliseconds.
                code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
                transient = code in (_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR)
                if not transient or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        if str(mode).lower() != "wal":
            log.warning("could not switch the database to WAL (mode is %s)", mode)


def raw_call(engine: Engine, fn: Callable[[sqlite3.Connection], Any]) -> Any:
    """Run ``fn`` on a pooled connection's sqlite3 object, outside any transaction."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        return fn(raw)
