"""A whole scenario by keyboard alone: from the Library to the debrief and an exported portfolio.

No mouse and no programmatic focus: each step presses keys on whatever has
keyboard focus, as a trainee who cannot use a mouse would.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from peerscenarios.storage import AttemptStatus
from peerscenarios.ui.export_dialog import ExportRequest
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.screens.player import Phase

from .conftest import DialogScript, WindowFactory


def _focus(w: MainWindow) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def _key(qtbot: QtBot, w: MainWindow, key: Qt.Key,
         mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(_focus(w), key, mod)


def _tab_to(qtbot: QtBot, w: MainWindow, target: QWidget, limit: int = 15) -> None:
    for _ in range(limit):
        if _focus(w) is target:
            return
        _key(qtbot, w, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target!r}; focus is on {_focus(w)!r}")


def test_a_whole_scenario_and_its_export_by_keyboard(
        qtbot: QtBot, make_window: WindowFactory, dialogs: DialogScript, tmp_path: Path) -> None:
    w = make_window()
    storage = w.ctx.storage
    # The Library has focus on its list from the start; Down picks the first scenario.
    assert _focus(w) is w.library.table
    _key(qtbot, w, Qt.Key.Key_Down)
    assert w.library.selected_scenario() is not None
    _key(qtbot, w, Qt.Key.Key_Return)
    assert w.player.phase is Phase.WARNINGS
    _tab_to(qtbot, w, w.player.warnings_page.start_button)
    _key(qtbot, w, Qt.Key.Key_Return)

    digits = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3]
    for step in range(40):
        phase = w.player.phase
        if phase is None or w.pages.currentWidget() is w.debrief:
            break
        if phase is Phase.DECISION:
            _key(qtbot, w, digits[step % len(w.player.choice_buttons) % 3])
        elif phase is Phase.REFLECT:
            qtbot.keyClicks(_focus(w), "Typed without a mouse.")
            _key(qtbot, w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        else:  # feedback, narrative, ending: Continue has focus
            _key(qtbot, w, Qt.Key.Key_Return)
    assert w.pages.currentWidget() is w.debrief
    # The debrief opens on its text, not on "Play again".
    assert _focus(w) is w.debrief.view
    attempt = storage.list_attempts(w.ctx.profile_id)[0]
    assert attempt.status is AttemptStatus.COMPLETED
    assert attempt.reflection_count >= 1

    # Ctrl+E: export the portfolio (the dialog's own keys are tested on their own).
    out = tmp_path / "portfolio.md"
    dialogs.export = ExportRequest("md", out)
    with qtbot.waitSignal(w.history.export_finished, timeout=20_000):
        _key(qtbot, w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert "Typed without a mouse." in out.read_text(encoding="utf-8")

    # Alt+letter on a section switches to it (Qt animates the press for a moment).
    _key(qtbot, w, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.library, timeout=2000)
    _key(qtbot, w, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.history, timeout=2000)
    _key(qtbot, w, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    # Scenario is off once the attempt is finished, but the debrief is there to go back to.
    qtbot.waitUntil(lambda: w.pages.currentWidget() is w.debrief, timeout=2000)
