"""Start-up order: the window lists the library first, storage opens just after, as before."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from peerscenarios import paths
from peerscenarios.storage import AttemptStatus, DatabaseTooNew, Storage
from peerscenarios.ui import app as app_module
from peerscenarios.ui.app import DeferredStorage, run_app
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.models.library import (
    STATUS_COMPLETED,
    STATUS_IN_PROGRESS,
    STATUS_PAUSED,
    ScenarioRole,
    StatusRole,
)
from peerscenarios.ui.settings import Settings

from .conftest import DialogScript

BUILTIN_ID = "back-to-school"


@dataclass
class StartupRecord:
    """What the window looked like when storage was about to open, and after."""

    window: MainWindow | None = None
    had_storage: bool | None = None
    rows_before: int = 0
    history_enabled_before: bool | None = None
    screens_before: int = 0
    finished: bool = False
    status: str | None = None
    after: list[Callable[[MainWindow], None]] = field(default_factory=list)


def _args() -> argparse.Namespace:
    return argparse.Namespace(command=None, data_dir=None, db=None)


def _make_profile(name: str = "Sam") -> int:
    storage = Storage.open(backup=False)
    try:
        return storage.create_profile(name).id
    finally:
        storage.close()


@pytest.fixture
def startup(monkeypatch: pytest.MonkeyPatch, dialogs: DialogScript) -> Iterator[StartupRecord]:
    """Record the window at the moment storage opens; quit once start-up has finished."""
    record = StartupRecord()
    original = DeferredStorage.open

    def open_and_watch(self: DeferredStorage) -> None:
        if self.done:
            return
        w = self.window
        record.window = w
        record.had_storage = w.ctx.has_storage
        record.rows_before = w.library.model.rowCount()
        record.history_enabled_before = w.nav_history.isEnabled()
        record.screens_before = w.pages.count()

        def finished() -> None:
            record.finished = True
            record.status = w.library.model.index(0, 5).data()
            for check in record.after:
                check(w)
            QTimer.singleShot(0, lambda: _quit(w))

        w.startup_finished.connect(finished)
        original(self)

    monkeypatch.setattr(DeferredStorage, "open", open_and_watch)
    # Only the listing may trigger the opening here (the fallback is tested on its own).
    monkeypatch.setattr(DeferredStorage, "FALLBACK_MS", 60_000)
    yield record
    if record.window is not None:
        record.window.close()
        record.window.deleteLater()


def _quit(window: MainWindow) -> None:
    """Close the window as the trainee would (the app quits with its last window)."""
    window.close()
    QApplication.exit(0)


def test_modules_before_first_paint_do_not_import_sqlalchemy() -> None:
    code = ("import sys\n"
            "import peerscenarios.cli, peerscenarios.ui.app, peerscenarios.ui.mainwindow\n"
            "import peerscenarios.ui.context, peerscenarios.ui.crash_handling\n"
            "bad = [m for m in ('sqlalchemy', 'alembic', 'peerscenarios.storage',\n"
            "       'peerscenarios.ui.screens.history', 'peerscenarios.ui.screens.player',\n"
            "       'peerscenarios.ui.dialogs', 'logging.handlers', 'hashlib')\n"
            "       if m in sys.modules]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_library_status_values_match_storage() -> None:
    assert AttemptStatus.IN_PROGRESS.value == STATUS_IN_PROGRESS
    assert AttemptStatus.COMPLETED.value == STATUS_COMPLETED


def test_window_lists_the_library_before_storage_opens(
        startup: StartupRecord, dialogs: DialogScript) -> None:
    _make_profile()
    assert run_app(_args()) == 0
    assert startup.had_storage is False
    assert startup.rows_before > 0
    assert startup.history_enabled_before is False
    assert startup.screens_before == 1  # only the library before storage
    assert startup.finished
    assert startup.window is not None
    w = startup.window
    assert w.ctx.profile is not None
    assert w.ctx.profile.name == "Sam"
    assert w.nav_history.isEnabled()
    assert w.pages.count() == 4
    assert startup.status == "New"
    assert not dialogs.called("profile")


def test_the_first_paint_lists_the_library_with_its_columns_already_fitted(
        startup: StartupRecord, dialogs: DialogScript, monkeypatch: pytest.MonkeyPatch,
        qapp: QApplication) -> None:
    # The load starts before the window is shown; once it is in, the first paint shows the
    # rows with their final column widths: no empty list painted first, no widths jumping.
    _make_profile()
    seen: dict[str, Any] = {}
    original_show = MainWindow.show

    def show(self: MainWindow) -> None:
        seen["loading_before_show"] = self.ctx.tasks.busy or bool(self.ctx.library.scenarios)
        # The app waits a little for the loader; a slow test machine may need longer.
        assert self.ctx.tasks.wait(30_000)
        original_show(self)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            view = watched.parent() if isinstance(watched, QWidget) else None
            if ("rows" not in seen and event.type() == QEvent.Type.Paint
                    and isinstance(view, QTableView) and watched is view.viewport()
                    and view.accessibleName() == "Scenarios"):
                seen["rows"] = view.model().rowCount()
                seen["widths"] = _widths(view)
            return False

    def finished(w: MainWindow) -> None:
        seen["final_widths"] = _widths(w.library.table)

    monkeypatch.setattr(MainWindow, "show", show)
    startup.after.append(finished)
    watch = FirstPaint()
    qapp.installEventFilter(watch)
    try:
        assert run_app(_args()) == 0
    finally:
        qapp.removeEventFilter(watch)
    assert seen["loading_before_show"] is True
    assert seen["rows"] >= 1
    assert seen["widths"] == seen["final_widths"]


def _widths(view: QTableView) -> list[int]:
    return [0 if view.isColumnHidden(c) else view.columnWidth(c)
            for c in range(view.model().columnCount())]


def test_first_run_asks_for_a_profile_after_the_library_is_listed(
        startup: StartupRecord, dialogs: DialogScript) -> None:
    assert run_app(_args()) == 0
    assert startup.rows_before > 0
    assert dialogs.called("profile")
    assert startup.window is not None
    assert startup.window.ctx.profile is not None
    assert startup.window.ctx.profile.name == "Sam"


def test_cancelled_first_run_question_closes_the_app(
        startup: StartupRecord, dialogs: DialogScript) -> None:
    dialogs.profile_name = None
    assert run_app(_args()) == 0
    assert dialogs.called("profile")
    assert not startup.finished
    assert startup.window is not None
    assert not startup.window.isVisible()


def test_resume_is_offered_at_start(startup: StartupRecord, dialogs: DialogScript) -> None:
    profile_id = _make_profile()
    storage = Storage.open(backup=False)
    try:
        attempt = storage.start_attempt(profile_id, BUILTIN_ID, "hash", "practice")
        storage.start_attempt(profile_id, "benefits-form", "hash", "practice")
    finally:
        storage.close()
    # The app stopped (closed or crashed) while the first attempt was on screen.
    settings = Settings()
    settings.open_attempt_id = attempt.id
    settings.sync()
    assert run_app(_args()) == 0
    assert startup.finished
    offers = dialogs.called("resume")
    # Only the attempt that was open is offered; the other stays paused in the Library.
    assert len(offers) == 1
    assert offers[0][0] == "Back to school"
    assert startup.window is not None
    model = startup.window.library.model
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(ScenarioRole).id == BUILTIN_ID)
    # The status column is filled in once storage is ready.
    assert model.index(row, 0).data(StatusRole) == STATUS_PAUSED


def test_storage_error_after_first_paint_is_explained_and_stops_the_app(
        startup: StartupRecord, dialogs: DialogScript, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_new(*_a: object, **_k: object) -> Storage:
        raise DatabaseTooNew("This history was written by a newer PeerScenarios.", "Update.")

    monkeypatch.setattr(Storage, "open", too_new)
    assert run_app(_args()) == 1
    reports = dialogs.called("report")
    assert reports[0][1] == "This history was written by a newer PeerScenarios."
    assert startup.rows_before > 0
    assert startup.window is not None
    assert not startup.window.isVisible()
    assert not startup.finished


def test_damaged_database_at_start_is_moved_aside_and_the_app_carries_on(
        startup: StartupRecord, dialogs: DialogScript) -> None:
    db = paths.database_path()
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_bytes(b"this is not a database at all" * 100)
    assert run_app(_args()) == 0
    assert dialogs.called("start_fresh")
    assert list(db.parent.glob("*.damaged-*"))
    assert startup.finished
    assert dialogs.called("profile")  # a fresh database: first run again


def test_fallback_opens_storage_when_the_list_is_slow(
        monkeypatch: pytest.MonkeyPatch, dialogs: DialogScript) -> None:
    _make_profile()
    seen: dict[str, Any] = {}
    original = DeferredStorage.open

    def open_and_watch(self: DeferredStorage) -> None:
        if not self.done:
            seen["opened"] = True
            window = self.window
            window.startup_finished.connect(lambda: _quit(window))
        original(self)

    # The list never reports itself painted: only the fallback timer can open storage.
    monkeypatch.setattr(MainWindow, "eventFilter", lambda *_a: False)
    monkeypatch.setattr(DeferredStorage, "open", open_and_watch)
    monkeypatch.setattr(DeferredStorage, "FALLBACK_MS", 50)
    assert run_app(_args()) == 0
    assert seen == {"opened": True}
    assert app_module.APP_NAME == "PeerScenarios"
