"""The shared base of every storage area: engine, sessionmakers, transactions and listeners."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from peerscenarios.storage import backup as _backup
from peerscenarios.storage import engine as _engine
from peerscenarios.storage.errors import NotFound, StorageError
from peerscenarios.storage.records import AttemptStatus, Change

log = logging.getLogger(__name__)

Listener = Callable[[Change], None]
Clock = Callable[[], datetime]

IN_PROGRESS = AttemptStatus.IN_PROGRESS.value
COMPLETED = AttemptStatus.COMPLETED.value
ABANDONED = AttemptStatus.ABANDONED.value


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the default clock)."""
    return datetime.now(UTC)


def iso_week(moment: datetime) -> str:
    """ISO week label of ``moment`` in the computer's local time, e.g. ``"2026-W47"``."""
    year, week, _ = moment.astimezone().isocalendar()
    return f"{year}-W{week:02d}"


class Database:
    """What every area of :class:`~peerscenarios.storage.Storage` shares.

    Holds the engine, one sessionmaker for reads (deferred BEGIN) and one for
    writes (BEGIN IMMEDIATE), the clock, and the listeners told about each
    committed write. The area classes (profiles, attempts, ...) subclass it
    and use only what is defined here, never each other.
    """

    def __init__(self, engine: Engine, *, path: Path | None, backups_dir: Path | None = None,
                 keep_backups: int = _backup.DEFAULT_KEEP, clock: Clock | None = None) -> None:
        """Wrap an engine from :func:`engine.create_sqlite_engine`; use ``Storage.open`` instead."""
        self._engine = engine
        self._path = path
        self._backups_dir = backups_dir
        self._keep_backups = keep_backups
        self._now: Clock = clock or utcnow
        self._listeners: list[Listener] = []
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._write_engine = engine.execution_options(**{_engine.WRITE_OPTION: True})
        self._writes = sessionmaker(self._write_engine, expire_on_commit=False)
        self._closed = False

    @property
    def path(self) -> Path | None:
        """The database file, or None for an in-memory database."""
        return self._path

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for tests and maintenance commands; the UI never needs it)."""
        return self._engine

    # --------------------------------------------------------------- listeners

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(change)`` after each committed write; returns a remover function."""
        self._listeners.append(callback)

        def remove() -> None:
            self.remove_listener(callback)

        return remove

    def remove_listener(self, callback: Listener) -> None:
        """Stop calling ``callback`` (no error if it was not registered)."""
        with suppress(ValueError):
            self._listeners.remove(callback)

    def _notify(self, change: Change) -> None:
        # The write is already committed and the caller is about to get its
        # record back. A failing listener is a bug, but raising it here would
        # make the caller believe the write failed while it is on disk (the
        # player would then not advance, and a second click would record the
        # choice twice). So it is logged with its traceback, and the other
        # listeners still hear about the change.
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:
                log.exception("storage listener %r failed on a %s change",
                              listener, change.kind.value)

    # ------------------------------------------------------------ transactions

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE); SQLite failures become StorageErrors."""
        try:
            with self._writes.begin() as session:
                yield session
        except IntegrityError:
            # Callers turn constraint failures into their own errors (NameTaken, NotFound).
            raise
        except DBAPIError as exc:
            self._raise_translated(exc)
            raise

    @contextmanager
    def _writing_core(self) -> Iterator[Connection]:
        """Like :meth:`_writing`, on a bare Connection: for hot paths that need no ORM.

        The same BEGIN IMMEDIATE, commit and error translation, without the
        Session's identity map and flush, which cost more CPU than the
        statements themselves on the choice-click path.
        """
        try:
            with self._write_engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            self._raise_translated(exc)
            raise

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """One read transaction (deferred BEGIN: readers never block writers in WAL)."""
        try:
            with self._reads.begin() as session:
                yield session
        except DBAPIError as exc:
            self._raise_translated(exc)
            raise

    def _raise_translated(self, exc: DBAPIError) -> None:
        """Raise the plain-language StorageError for ``exc``; return if it is a bug of ours."""
        translated = _engine.translate(exc, self._path)
        if isinstance(translated, StorageError):
            raise translated from exc


# ---------------------------------------------------------------- helpers


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (0 when the driver does not say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def not_found(what: str) -> NotFound:
    """The standard 'that record is gone' error."""
    return NotFound(f"That {what} no longer exists.",
                    "It may have been deleted in another window. Refresh and try again.")


def checked_seed(seed: int | None) -> int | None:
    """``seed`` if SQLite can store it as an INTEGER (signed 64-bit); ValueError otherwise."""
    # Checked up front: the driver would raise OverflowError mid-transaction,
    # which reads like a storage failure rather than the caller's mistake.
    if seed is not None and not -(2**63) <= seed < 2**63:
        raise ValueError(f"order_seed must fit in a signed 64-bit integer, not {seed}")
    return seed


def get_or_raise(s: Session, model: type[Any], ident: int, what: str) -> Any:
    """``s.get(model, ident)``, raising NotFound instead of returning None."""
    obj = s.get(model, ident)
    if obj is None:
        raise not_found(what)
    return obj
