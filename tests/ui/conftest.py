"""Fixtures for UI tests: a main window on the test data dir, and dialogs that never block.

Every modal dialog's classmethod is replaced by a recorder, so no test can
reach a real ``exec()``; a test that expects a dialog sets its answer and
checks what was asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from peerscenarios.storage import Storage
from peerscenarios.ui.context import AppContext, LibrarySources
from peerscenarios.ui.dialogs import (
    CrashDialog,
    MessageDialog,
    ProfileNameDialog,
    ProfilePickerDialog,
    ResumeAnswer,
    ResumeDialog,
)
from peerscenarios.ui.export_dialog import ExportDialog
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.settings import Settings

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"
SCENARIO_ID = "coffee-after-group"


@dataclass
class DialogScript:
    """Answers the patched dialogs give, and a record of every call."""

    profile_name: str | None = "Sam"
    resume: ResumeAnswer = ResumeAnswer.LATER
    start_fresh: bool = True
    export: Any = None
    pick: Any = None
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def called(self, name: str) -> list[tuple[Any, ...]]:
        """The arguments of every call of one dialog."""
        return [args for n, args in self.calls if n == name]


@pytest.fixture(autouse=True)
def _one_application(qapp: object) -> object:
    """Every test here runs with pytest-qt's QApplication, created once and never destroyed.

    Code under test (run_app, run_present) creates an application only when none
    exists; without this, the first such test in a shuffled order would own one
    that dies with it, and the next widget would crash the interpreter.
    """
    return qapp


@pytest.fixture(autouse=True)
def _no_window_outlives_its_test(qapp: object) -> Iterator[None]:
    """Close and delete every top-level widget a test left, before the next test starts.

    ``deleteLater`` alone waits for an event loop, and the next test's first loop
    may be a theme change that repolishes every widget, the dead ones included.
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def _app_loop_is_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run ``run_app``'s ``app.exec()`` as a local event loop, and its exit as that loop's.

    A real QApplication.exit leaves the one shared application in an exited state:
    every later test's timers stop firing (pytest-qt issue #37).
    """
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    loops: list[QEventLoop] = []

    def exec_(_self: object = None) -> int:
        loop = QEventLoop()
        loops.append(loop)
        try:
            return loop.exec()
        finally:
            loops.pop()

    def exit_(code: int = 0) -> None:
        if loops:
            loops[-1].exit(code)

    monkeypatch.setattr(QApplication, "exec", exec_)
    monkeypatch.setattr(QApplication, "exit", staticmethod(exit_))
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: exit_(0)))


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> DialogScript:
    """Replace every modal dialog with a scripted answer."""
    script = DialogScript()

    def record(name: str, answer: Callable[[], Any]) -> Any:
        def fake(cls: type, *args: Any, **kwargs: Any) -> Any:
            script.calls.append((name, args[1:] + tuple(kwargs.values())))
            return answer()
        return classmethod(fake)

    monkeypatch.setattr(ProfileNameDialog, "ask", record("profile", lambda: script.profile_name))
    monkeypatch.setattr(ProfilePickerDialog, "ask", record("pick", lambda: script.pick))
    monkeypatch.setattr(ResumeDialog, "ask", record("resume", lambda: script.resume))
    monkeypatch.setattr(ExportDialog, "ask", record("export", lambda: script.export))
    monkeypatch.setattr(MessageDialog, "report", record("report", lambda: None))
    monkeypatch.setattr(MessageDialog, "ask_start_fresh",
                        record("start_fresh", lambda: script.start_fresh))
    monkeypatch.setattr(CrashDialog, "report", record("crash", lambda: None))
    return script


class WindowFactory:
    """Builds main windows the way run_app does, on the test's data directory."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.opened: list[tuple[AppContext, Storage]] = []

    def __call__(self, *, builtin: Sequence[Path] = (GOOD,), user: Sequence[Path] = (),
                 size: tuple[int, int] = (1366, 768)) -> MainWindow:
        storage = Storage.open()
        ctx = AppContext(storage, Settings(),
                         sources=LibrarySources(builtin=tuple(builtin), user=tuple(user),
                                                cache=None))
        window = MainWindow(ctx)
        self.qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        self.qtbot.waitExposed(window)
        with self.qtbot.waitSignal(window.startup_finished, timeout=10_000):
            assert window.start()
        self.opened.append((ctx, storage))
        return window

    def crash(self, window: MainWindow) -> None:
        """Drop a window as a crash would: no close event, no pause, nothing flushed."""
        for ctx, storage in list(self.opened):
            if ctx is window.ctx:
                ctx.close()
                storage.close()
                self.opened.remove((ctx, storage))
        window.hide()
        # Whatever the crashed window still holds must not reach the database.
        window.player.model.playthrough = None

    def close_all(self) -> None:
        for ctx, storage in self.opened:
            ctx.close()
            storage.close()
        self.opened.clear()


@pytest.fixture
def make_window(qtbot: QtBot, dialogs: DialogScript) -> Iterator[WindowFactory]:
    """A factory for main windows; their storages are closed after the test."""
    factory = WindowFactory(qtbot)
    yield factory
    factory.close_all()
