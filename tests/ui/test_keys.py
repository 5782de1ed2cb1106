"""One key press, one action: Enter, Space and 1-9 at every page change record only what was chosen.

Each step presses the key that changes the page on the widget that has focus,
then presses Enter, Space and a digit again on whatever has focus on the new
page, and checks the database: a key that opened a page must never also act
on it (skip the warnings, answer, continue).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from peerscenarios.storage import AttemptStatus, Storage
from peerscenarios.ui.dialogs import ResumeAnswer
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.screens.player import Phase

from .conftest import GOOD, SCENARIO_ID, DialogScript, WindowFactory

STRAY = (Qt.Key.Key_Return, Qt.Key.Key_Space)


def focused(w: MainWindow) -> QWidget:
    widget = QApplication.focusWidget() or w.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(qtbot: QtBot, w: MainWindow, key: Qt.Key) -> None:
    """One key press where the keyboard focus is, as a person would press it."""
    qtbot.keyClick(focused(w), key)


def choices(storage: Storage) -> list[str]:
    attempts = storage.list_attempts(storage.list_profiles()[0].id)
    return [c.choice_id for a in attempts for c in storage.attempt_choices(a.id)]


def no_warnings_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "plain"
    folder.mkdir()
    text = (GOOD / f"{SCENARIO_ID}.yaml").read_text(encoding="utf-8")
    text = text.replace("content_warnings: [relapse]\n", "")
    (folder / f"{SCENARIO_ID}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_enter_on_a_library_row_only_opens_the_scenario(qtbot: QtBot, make_window: WindowFactory,
                                                        tmp_path: Path) -> None:
    w = make_window(builtin=(no_warnings_copy(tmp_path),))
    storage = w.ctx.storage
    assert w.library.select_scenario(SCENARIO_ID)
    w.library.table.setFocus()
    press(qtbot, w, Qt.Key.Key_Return)
    # No warnings: the first decision is shown, and nothing was answered.
    assert w.player.phase is Phase.DECISION
    assert choices(storage) == []
    assert focused(w) is w.player.story
    for key in STRAY:
        press(qtbot, w, key)
    assert w.player.phase is Phase.DECISION
    assert choices(storage) == []


def test_every_page_change_by_keyboard_acts_once(qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    storage = w.ctx.storage
    assert w.library.select_scenario(SCENARIO_ID)
    w.library.table.setFocus()

    # Library row -> content warnings; the warnings are never skipped by the same Enter.
    press(qtbot, w, Qt.Key.Key_Return)
    assert w.player.phase is Phase.WARNINGS
    assert storage.count_attempts(w.ctx.profile_id) == 0
    for key in STRAY:
        press(qtbot, w, key)
    assert w.player.phase is Phase.WARNINGS

    # Tab to Skip, Tab to Start, Enter: the first decision, nothing answered.
    press(qtbot, w, Qt.Key.Key_Tab)
    press(qtbot, w, Qt.Key.Key_Tab)
    assert focused(w) is w.player.warnings_page.start_button
    press(qtbot, w, Qt.Key.Key_Return)
    assert w.player.phase is Phase.DECISION
    assert choices(storage) == []
    for key in STRAY:
        press(qtbot, w, key)
    assert choices(storage) == []

    # A digit answers once; focus lands on Continue, and the stray keys do not answer again.
    press(qtbot, w, Qt.Key.Key_2)
    assert w.player.phase is Phase.FEEDBACK
    assert len(choices(storage)) == 1
    assert focused(w) is w.player.feedback.continue_button
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        press(qtbot, w, key)
    assert len(choices(storage)) == 1

    # Continue -> the reflection: focus in the editor, digits are typed, not chosen.
    press(qtbot, w, Qt.Key.Key_Return)
    assert w.player.phase is Phase.REFLECT
    editor = w.player.reflection.editors[0].editor
    assert focused(w) is editor
    press(qtbot, w, Qt.Key.Key_1)
    assert editor.toPlainText() == "1"
    assert len(choices(storage)) == 1
    # Tab goes editor -> Save; Enter saves and moves on to the narrative page.
    press(qtbot, w, Qt.Key.Key_Tab)
    assert focused(w) is w.player.reflection.done_button
    press(qtbot, w, Qt.Key.Key_Return)
    assert w.player.phase is Phase.NARRATIVE
    assert focused(w) is w.player.continue_button

    # Continue on a narrative: the next decision, nothing answered by the same Enter.
    press(qtbot, w, Qt.Key.Key_Return)
    assert w.player.phase is Phase.DECISION
    assert len(choices(storage)) == 1
    for key in STRAY:
        press(qtbot, w, key)
    assert len(choices(storage)) == 1
    assert w.player.phase is Phase.DECISION


def test_ctrl_enter_saves_a_reflection_and_space_pauses_once(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    storage = w.ctx.storage
    assert w.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.player.warnings_page.start_button, Qt.MouseButton.LeftButton)
    press(qtbot, w, Qt.Key.Key_1)
    press(qtbot, w, Qt.Key.Key_Return)
    editor = w.player.reflection.editors[0].editor
    qtbot.keyClicks(editor, "Kept with Ctrl+Enter.")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert w.player.phase is Phase.NARRATIVE
    attempt = storage.paused_attempts(w.ctx.profile_id)[0]
    texts = [r.text for r in storage.attempt_detail(attempt.id).reflections]
    assert texts == ["Kept with Ctrl+Enter."]

    # Pause by keyboard, then Resume from the Library by keyboard: one action each.
    w.player.pause_button.setFocus()
    press(qtbot, w, Qt.Key.Key_Space)
    assert w.pages.currentWidget() is w.library
    assert w.library.resume_button.isVisibleTo(w.library)
    w.library.resume_button.setFocus()
    press(qtbot, w, Qt.Key.Key_Return)
    assert w.pages.currentWidget() is w.player
    assert w.player.phase is Phase.NARRATIVE
    assert storage.get_attempt(attempt.id).status is AttemptStatus.IN_PROGRESS
    assert focused(w) is w.player.continue_button


def test_resume_puts_the_caret_at_the_end_of_the_draft(
        qtbot: QtBot, make_window: WindowFactory, dialogs: DialogScript) -> None:
    first = make_window()
    assert first.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(first.library.practice_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(first.player.warnings_page.start_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(first.player, Qt.Key.Key_1)
    qtbot.mouseClick(first.player.feedback.continue_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(first.player.reflection.editors[0].editor, "half a thought")
    attempt = first.ctx.storage.paused_attempts(first.ctx.profile_id)[0]
    qtbot.waitUntil(lambda: first.ctx.storage.get_draft(attempt.id, "reflect-advice")
                    == "half a thought", timeout=5000)
    make_window.crash(first)

    dialogs.resume = ResumeAnswer.RESUME
    second = make_window()
    assert second.player.phase is Phase.REFLECT
    editor = second.player.reflection.editors[0].editor
    assert focused(second) is editor
    assert editor.textCursor().position() == len("half a thought")
    qtbot.keyClicks(editor, ", and the rest")
    assert editor.toPlainText() == "half a thought, and the rest"


def _mnemonic(text: str) -> str | None:
    """The letter after a single '&' (Alt+letter), or None."""
    i = text.replace("&&", "").find("&")
    return text.replace("&&", "")[i + 1].lower() if i >= 0 else None


def test_every_menu_has_one_letter_per_item(make_window: WindowFactory) -> None:
    """Alt+letter picks one item: two items on one letter only cycle between them."""
    w = make_window()
    bar = w.menuBar()
    titles = [a.text() for a in bar.actions()]
    letters = [_mnemonic(t) for t in titles]
    assert None not in letters, titles
    assert len(set(letters)) == len(letters), titles
    for top in bar.actions():
        menu = top.menu()
        assert menu is not None
        items = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert items, top.text()
        keys = [_mnemonic(t) for t in items]
        assert None not in keys, (top.text(), items)
        assert len(set(keys)) == len(keys), (top.text(), items)
