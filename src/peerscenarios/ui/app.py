"""The app entry: one instance per data folder, the window, then storage opened with care."""

from __future__ import annotations

import argparse
import logging
import sys
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDeadlineTimer, QLockFile, QObject, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from peerscenarios import paths

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

    from peerscenarios.storage import Storage
    from peerscenarios.ui.mainwindow import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "PeerScenarios"
ACTIVATE = b"activate\n"
AFTER_PAINT_FALLBACK_MS = 1500
LIST_WAIT_MS = 60  # how long the window waits for its library before it is first shown
# Logged once the window has painted with the library listed.
FIRST_PAINT_LOG = "window shown with the library listed"


class SingleInstance(QObject):
    """One running app per data folder: a lock file, and a local socket to wake the first one.

    The lock file notices a crashed owner (its process is gone) and takes
    over; the socket lets a second launch bring the first window forward
    instead of opening the same database twice.
    """

    activation_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = folder
        self._lock = QLockFile(str(folder / "app.lock"))
        # Stale only when the owning process has died, never by age: a session may last hours.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None  # made by listen(), after the first paint

    @cached_property
    def server_name(self) -> str:
        """The socket's name: a hash of the folder, one name per data folder, short enough
        for a socket path, and without the slashes that would make Qt read it as a path.

        Worked out when first needed (after the first paint, or when another instance
        runs): hashlib loads OpenSSL, 3 ms a start would otherwise wait for.
        """
        import hashlib

        digest = hashlib.sha256(str(self._folder.resolve()).encode()).hexdigest()[:16]
        return f"peerscenarios-{digest}"

    def acquire(self) -> bool:
        """Become the running instance (the lock only); False if another one already is."""
        with paths.private_umask():  # QLockFile creates its file with the process umask
            locked = self._lock.tryLock(100)
        return bool(locked)

    def listen(self) -> None:
        """Start answering second launches (called once the window has painted).

        QtNetwork costs about 10 ms to load, which the first paint need not
        wait for; a launch in between retries until this is listening.
        """
        from PySide6.QtNetwork import QLocalServer

        if self._server is not None:
            return
        QLocalServer.removeServer(self.server_name)  # left over after a crash
        self._server = QLocalServer(self)
        # This user only: on a shared computer nobody else can poke the window.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(self.server_name):
            log.warning("single-instance socket unavailable: %s", self._server.errorString())
        self._server.newConnection.connect(self.on_server_new_connection)

    def notify_running(self, patience_ms: int = 2000) -> bool:
        """Ask the running instance to show its window; True if it was reached.

        Tries for ``patience_ms``: the first instance starts listening only
        after its first paint, and a quick double-click starts two at once.
        """
        from PySide6.QtNetwork import QLocalSocket

        deadline = QDeadlineTimer(patience_ms)
        while True:
            socket = QLocalSocket(self)
            socket.connectToServer(self.server_name)
            if socket.waitForConnected(min(250, max(1, deadline.remainingTime()))):
                socket.write(ACTIVATE)
                socket.flush()
                socket.waitForBytesWritten(1000)
                socket.disconnectFromServer()
                return True
            socket.deleteLater()
            if deadline.hasExpired():
                return False
            QThread.msleep(100)

    def release(self) -> None:
        """Stop listening and unlock."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    @Slot()
    def on_server_new_connection(self) -> None:
        if self._server is None:
            return
        while self._server.hasPendingConnections():
            conn = self._server.nextPendingConnection()
            conn.disconnected.connect(conn.deleteLater)
            conn.readyRead.connect(self.on_connection_ready_read)

    @Slot()
    def on_connection_ready_read(self) -> None:
        from PySide6.QtNetwork import QLocalSocket

        conn = self.sender()
        if isinstance(conn, QLocalSocket) and ACTIVATE.strip() in bytes(conn.readAll().data()):
            log.info("another start asked this window to come forward")
            self.activation_requested.emit()


def open_storage(parent: QWidget | None, url: str | None = None) -> Storage | None:
    """Open the database, explaining any problem in plain words; None if the app should stop.

    A damaged database is moved aside (kept, never deleted) only if the
    trainee agrees; then an empty one is started.
    """
    # Imported here, not at the top: SQLAlchemy and Alembic take longer to import than
    # the whole window takes to paint, so the app calls this just after its first paint.
    from peerscenarios.storage import DatabaseCorrupt, Storage, StorageError, move_aside
    from peerscenarios.ui.dialogs import MessageDialog

    while True:
        try:
            return Storage.open(url)
        except DatabaseCorrupt as exc:
            log.warning("database damaged: %s", exc.message)
            if exc.path is None:  # nothing on disk to move aside
                MessageDialog.report_error(parent, exc, "PeerScenarios cannot open your history")
                return None
            if not MessageDialog.ask_start_fresh(parent, exc):
                return None
            moved = move_aside(exc.path)
            log.warning("damaged database moved aside to %s", moved)
        except StorageError as exc:
            log.warning("database could not be opened: %s: %s", type(exc).__name__, exc.message)
            MessageDialog.report_error(parent, exc, "PeerScenarios cannot open your history")
            return None


def app_icon() -> QIcon:
    """The window icon (an SVG drawn for the app)."""
    from peerscenarios.ui.theme import assets_dir

    return QIcon(str(assets_dir() / "icons" / "peerscenarios.svg"))


def run_app(args: argparse.Namespace) -> int:
    """Run the trainee app (or facilitator mode for ``present``); returns the exit code."""
    if QApplication.instance() is None:
        from peerscenarios.ui.platform_check import display_problem

        problem = display_problem()
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
    if getattr(args, "command", None) == "present":
        from peerscenarios.ui.present import run_present

        return run_present(args)

    from peerscenarios.ui.crash_handling import ExceptionHandler, setup_logging

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("peerscenarios")
    setup_logging(rotating=False)  # rotating once the window has painted (see there)
    log.info("starting")

    instance = SingleInstance(paths.data_dir())
    if not instance.acquire():
        reached = instance.notify_running()
        log.info("already running; asked it to come forward (%s)", reached)
        if not reached:
            from peerscenarios.ui.dialogs import MessageDialog

            MessageDialog.report(None, "PeerScenarios is already open",
                                 "Another PeerScenarios window is using this data folder.",
                                 "Switch to that window, or close it and try again.")
        return 0

    window: QWidget | None = None
    handler = ExceptionHandler(lambda: window)
    handler.install()

    # The window paints with the library listed before storage is opened (let alone
    # imported): the library needs none, and SQLAlchemy alone costs more than the paint.
    from peerscenarios.ui.context import AppContext
    from peerscenarios.ui.mainwindow import MainWindow
    from peerscenarios.ui.settings import Settings

    ctx = AppContext(None, Settings())
    main = MainWindow(ctx)
    window = main
    instance.activation_requested.connect(main.on_instance_activation_requested)
    startup = DeferredStorage(main, getattr(args, "db", None))

    painted: list[bool] = []

    def after_first_paint() -> None:
        if painted:  # the list painted, then the fallback timer fired too
            return
        painted.append(True)
        # None is needed to see the library: the icon loads Qt's SVG plugin, the socket
        # QtNetwork, and the rotating log logging.handlers, about 50 ms together on a
        # two-core laptop.
        if app.windowIcon().isNull():
            app.setWindowIcon(app_icon())
        setup_logging()
        instance.listen()
        # The library's quick YAML reader may only be imported here, on the main thread
        # (see core.validate.quick); loads on the worker thread use it from then on.
        from peerscenarios.core.validate import quick

        quick.ready()

    main.library_listed.connect(after_first_paint)
    # Also when the list never paints (a minimized window, a slow cold load).
    QTimer.singleShot(AFTER_PAINT_FALLBACK_MS, after_first_paint)
    # The library loads on the worker (a few ms from the cache) before the window is shown,
    # so the first paint lists it: one paint with rows, where an empty list was painted
    # first and then the whole window again. Loading it while the window was being built
    # was slower: both threads share one interpreter lock. A cold load (no cache yet, or
    # many new files) does not hold the window back: it is shown after LIST_WAIT_MS and
    # the list fills in when the load is done.
    main.load_library()
    ctx.tasks.wait(LIST_WAIT_MS)
    main.show()
    startup.arm()
    try:
        code = app.exec()
    finally:
        ctx.close()
        if ctx.has_storage:
            ctx.storage.close()
        instance.release()
        handler.uninstall()
        log.info("stopped")
    return int(code) or startup.exit_code


class DeferredStorage(QObject):
    """Opens storage just after the window has painted its library, then starts the window.

    The trigger is the window's ``library_listed``, or ``FALLBACK_MS`` after
    the window was shown if the list is slow to come (a cold library load,
    or a minimized window that never paints), whichever is first. A problem
    with the database is explained in a dialog and the app stops with 1; a
    cancelled first-run profile question closes it with 0.
    """

    FALLBACK_MS = 300

    def __init__(self, window: MainWindow, url: str | None) -> None:
        super().__init__(window)
        self.window = window
        self.url = url
        self.exit_code = 0
        self.done = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(self.FALLBACK_MS)
        self._fallback.timeout.connect(self.on_fallback_timeout)
        window.library_listed.connect(self.on_window_library_listed)

    def arm(self) -> None:
        """Start the fallback clock (call after ``show()``)."""
        self._fallback.start()

    @Slot()
    def on_window_library_listed(self) -> None:
        # The first paint a trainee sees; the built app's test and bench/bench_bundle.py
        # look for this line (its timestamp is the start-up time).
        log.info(FIRST_PAINT_LOG)
        self.open()

    @Slot()
    def on_fallback_timeout(self) -> None:
        self.open()

    def open(self) -> None:
        """Open storage (once), attach it and start the window, or stop the app."""
        if self.done:
            return
        self.done = True
        self._fallback.stop()
        storage = open_storage(self.window, self.url)
        if storage is None:
            self.exit_code = 1
            self.window.close()
            QApplication.exit(1)
            return
        self.window.ctx.attach_storage(storage)
        if not self.window.start():
            # No profile chosen: end the app explicitly rather than rely on the
            # last-window-closed rule, which only applies inside a running exec().
            self.window.close()
            QApplication.exit(0)
