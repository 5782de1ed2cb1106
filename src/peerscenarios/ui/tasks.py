"""A single worker thread for slow work; results come back on the main thread (Anki taskman)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[int, int], None]


class _Relay(QObject):
    """Lives on the main thread; signals emitted from the worker are queued back to it."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)

    def __init__(self, on_done: Done, on_error: Failed, on_progress: Progress | None) -> None:
        # Made by run() on the main thread, it belongs to that thread: signals emitted on
        # the worker are queued and its slots run here.
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self.succeeded.connect(self.on_worker_succeeded)
        self.failed.connect(self.on_worker_failed)
        self.progressed.connect(self.on_worker_progressed)

    @Slot(object)
    def on_worker_succeeded(self, result: object) -> None:
        self._on_done(result)

    @Slot(object)
    def on_worker_failed(self, exc: object) -> None:
        assert isinstance(exc, BaseException)
        self._on_error(exc)

    @Slot(int, int)
    def on_worker_progressed(self, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            # Runs on the worker: the function sees only the progress emitter, never a widget.
            result = self._fn(self._relay.progressed.emit)
        except BaseException as exc:  # every failure must reach the main thread
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class TaskManager(QObject):
    """Runs one job at a time on a background thread.

    ``run(fn, on_done, on_error, on_progress)``: ``fn(progress)`` runs on the
    worker and may call ``progress(done, total)``; the callbacks run on the
    main thread. One thread keeps SQLite and the library loader free of races.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    def run(self, fn: Callable[[Progress], Any], on_done: Done, on_error: Failed,
            on_progress: Progress | None = None) -> None:
        """Queue ``fn`` on the worker thread."""
        relay: _Relay

        def finish(result: object) -> None:
            self._relays.discard(relay)
            on_done(result)

        def fail(exc: BaseException) -> None:
            self._relays.discard(relay)
            on_error(exc)

        relay = _Relay(finish, fail, on_progress)
        # Keep the relay alive until its job reports back.
        self._relays.add(relay)
        self._pool.start(_Job(fn, relay))

    @property
    def busy(self) -> bool:
        """True while a job is queued or running."""
        return bool(self._relays)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (shutdown and tests); True if it finished."""
        return self._pool.waitForDone(msecs)
