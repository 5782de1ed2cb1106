"""The app entry: one instance per data folder, storage opened with care, then the window."""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from peerscenarios import paths
from peerscenarios.storage import DatabaseCorrupt, Storage, StorageError, move_aside
from peerscenarios.ui.dialogs import MessageDialog

log = logging.getLogger(__name__)

APP_NAME = "PeerScenarios"
ACTIVATE = b"activate\n"


class SingleInstance(QObject):
    """One running app per data folder: a lock file, and a local socket to wake the first one.

    The lock file notices a crashed owner (its process is gone) and takes
    over; the socket lets a second launch bring the first window forward
    instead of opening the same database twice.
    """

    activation_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = QLockFile(str(folder / "app.lock"))
        # Stale only when the owning process has died, never by age: a session may last hours.
        self._lock.setStaleLockTime(0)
        digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
        self.server_name = f"peerscenarios-{digest}"
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Become the running instance; False if another one already is."""
        if not self._lock.tryLock(100):
            return False
        QLocalServer.removeServer(self.server_name)  # left over after a crash
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(self.server_name):
            log.warning("single-instance socket unavailable: %s", self._server.errorString())
        self._server.newConnection.connect(self.on_server_new_connection)
        return True

    def notify_running(self) -> bool:
        """Ask the running instance to show its window; True if it was reached."""
        socket = QLocalSocket(self)
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(1000):
            return False
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(1000)
        socket.disconnectFromServer()
        return True

    def release(self) -> None:
        """Stop listening and unlock."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    @Slot()
    def on_server_new_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            conn = self._server.nextPendingConnection()
            conn.disconnected.connect(conn.deleteLater)
            conn.readyRead.connect(self.on_connection_ready_read)

    @Slot()
    def on_connection_ready_read(self) -> None:
        conn = self.sender()
        if isinstance(conn, QLocalSocket) and ACTIVATE.strip() in bytes(conn.readAll().data()):
            self.activation_requested.emit()


def open_storage(parent: QWidget | None, url: str | None = None) -> Storage | None:
    """Open the database, explaining any problem in plain words; None if the app should stop.

    A damaged database is moved aside (kept, never deleted) only if the
    trainee agrees; then an empty one is started.
    """
    while True:
        try:
            return Storage.open(url)
        except DatabaseCorrupt as exc:
            log.warning("database damaged: %s", exc.message)
            if not MessageDialog.ask_start_fresh(parent, exc):
                return None
            target = paths.database_path()
            if url:
                from sqlalchemy.engine import make_url

                database = make_url(url).database
                if database:
                    target = Path(database)
            moved = move_aside(target)
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
    if getattr(args, "command", None) == "present":
        from peerscenarios.ui.present import run_present

        return run_present(args)

    from peerscenarios.ui.errors import ExceptionHandler, setup_logging

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("peerscenarios")
    app.setWindowIcon(app_icon())
    setup_logging()
    log.info("starting")

    instance = SingleInstance(paths.data_dir())
    if not instance.acquire():
        reached = instance.notify_running()
        log.info("already running; asked it to come forward (%s)", reached)
        if not reached:
            MessageDialog.report(None, "PeerScenarios is already open",
                                 "Another PeerScenarios window is using this data folder.",
                                 "Switch to that window, or close it and try again.")
        return 0

    window: QWidget | None = None
    handler = ExceptionHandler(lambda: window)
    handler.install()
    storage = open_storage(None, getattr(args, "db", None))
    if storage is None:
        handler.uninstall()
        instance.release()
        return 1

    # Imported here so the first window paints before the heavier screens load... and
    # after storage is known to work: a broken database costs no widget building.
    from peerscenarios.ui.context import AppContext
    from peerscenarios.ui.mainwindow import MainWindow
    from peerscenarios.ui.settings import Settings

    ctx = AppContext(storage, Settings())
    main = MainWindow(ctx)
    window = main
    instance.activation_requested.connect(main.on_instance_activation_requested)
    main.show()

    def start() -> None:
        if not main.start():
            main.close()

    # Let the window paint once before asking anything or loading scenarios.
    QTimer.singleShot(0, start)
    try:
        code = app.exec()
    finally:
        ctx.close()
        storage.close()
        instance.release()
        handler.uninstall()
        log.info("stopped")
    return int(code)
