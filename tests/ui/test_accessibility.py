"""Every screen read through Qt's accessibility tree: names, roles, and the story as text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerscenarios.core.markup import to_plain
from peerscenarios.ui.screens.player import Phase

from .a11y import check_screen, readable, walk
from .conftest import SCENARIO_ID, WindowFactory
from .test_playthrough import press_choice


def _flat(text: str) -> str:
    return " ".join(to_plain(text).split())


def test_player_story_responses_and_feedback_are_readable(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    assert w.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
    # The content warnings are read as text, with the scenario's own words.
    assert w.player.phase is Phase.WARNINGS
    check_screen(w)
    assert "touches on" in readable(w.player.warnings_page)
    assert "relapse" in readable(w.player.warnings_page)
    qtbot.mouseClick(w.player.warnings_page.start_button, Qt.MouseButton.LeftButton)

    pt = w.player.playthrough
    assert pt is not None
    node = pt.node
    check_screen(w)
    text = readable(w.player)
    # The story itself, not a short name in its place.
    assert _flat(node.text)[:60] in text
    for line in node.lines:
        assert _flat(line.text)[:40] in text
    for choice in node.choices:
        assert _flat(choice.text)[:40] in text
    assert "Press 1 to 3" in text

    press_choice(qtbot, w, "advise-dose")
    check_screen(w)
    text = readable(w.player)
    choice = node.choice("advise-dose")
    assert "You said" in text
    assert "Clinical drift" in text
    assert _flat(choice.feedback.why)[:50] in text
    assert _flat(choice.feedback.better)[:40] in text

    qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)
    check_screen(w)
    text = readable(w.player)
    prompt = node.reflect[0].prompt
    assert _flat(prompt)[:40] in text


def test_navigation_buttons_are_buttons_not_check_boxes(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    nav = [n for n in walk(w) if n.class_name == "QPushButton" and "Library" in n.name]
    assert nav
    assert all(n.role.name == "Button" for n in nav)
    check_screen(w)


def test_the_window_is_named_for_the_app_and_the_profile(make_window: WindowFactory) -> None:
    """The bus reads the bare window title; the frame names the app as well as the person."""
    from PySide6.QtGui import QAccessible

    w = make_window()
    frame = QAccessible.queryAccessibleInterface(w)
    assert frame is not None
    name = frame.text(QAccessible.Text.Name)
    assert name.startswith("PeerScenarios, ")
    assert w.ctx.profile is not None
    assert name.endswith(w.ctx.profile.name)


def test_feedback_and_page_changes_are_announced_once(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    from peerscenarios.ui.widgets.announce import announcements

    said: list[str] = []
    announcements.said.connect(said.append)
    try:
        w = make_window()
        assert w.library.select_scenario(SCENARIO_ID)
        qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(w.player.warnings_page.start_button, Qt.MouseButton.LeftButton)
        assert said == ["Decision 1 of 2"]
        press_choice(qtbot, w, "advise-dose")
        assert len(said) == 2
        assert said[1].startswith("This response reflects: Clinical drift.")
        assert "A better response would:" in said[1]
        # The Continue button no longer repeats the whole feedback when it takes focus.
        assert w.player.feedback.continue_button.accessibleDescription() == "Go on with the story"
        # Autosave is silent; Ctrl+S saves and says so, once.
        qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)
        editor = w.player.reflection.editors[0].editor
        qtbot.keyClicks(editor, "a draft")
        qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert said[2:] == ["Draft saved"]
        attempt = w.ctx.storage.paused_attempts(w.ctx.profile_id)[0]
        assert w.ctx.storage.get_draft(attempt.id, "reflect-advice") == "a draft"
    finally:
        announcements.said.disconnect(said.append)


def test_focus_never_passes_through_the_navigation_on_a_page_change(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    from PySide6.QtWidgets import QApplication

    w = make_window()
    nav = {w.nav_library, w.nav_play, w.nav_history, w.switch_button}
    visited: list[object] = []

    def on_focus(_old: object, new: object) -> None:
        visited.append(new)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.focusChanged.connect(on_focus)
    try:
        assert w.library.select_scenario(SCENARIO_ID)
        qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(w.player.warnings_page.start_button, Qt.Key.Key_Return)
        press_choice(qtbot, w, "advise-dose")
        qtbot.keyClick(w.player.feedback.continue_button, Qt.Key.Key_Return)  # reflection
        qtbot.keyClick(w.player.reflection.done_button, Qt.Key.Key_Return)  # narrative
        qtbot.keyClick(w.player.continue_button, Qt.Key.Key_Return)  # decision 2
        press_choice(qtbot, w, "reflect-fear")
        qtbot.keyClick(w.player.feedback.continue_button, Qt.Key.Key_Return)  # ending
    finally:
        app.focusChanged.disconnect(on_focus)
    assert visited, "focus never moved"
    assert not [v for v in visited if v in nav]


def test_a_list_is_read_before_its_details(make_window: WindowFactory) -> None:
    # The Library and History put a table above the details of its selected row; a
    # screen reader read the details first ("Scenario details", then "Scenarios").
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QSplitter

    w = make_window()
    order = [n.name for n in walk(w.library) if n.name in ("Scenarios", "Scenario details")]
    assert order == ["Scenarios", "Scenario details"]
    w.on_nav_history_clicked()
    splitters = w.findChildren(QSplitter)
    assert len(splitters) >= 5  # the Library's, and one on each History tab
    for splitter in splitters:
        shown = [splitter.widget(i) for i in range(splitter.count())]
        iface = QAccessible.queryAccessibleInterface(splitter)
        assert iface is not None
        read = [iface.child(i).object() for i in range(iface.childCount())]
        parts = [obj for obj in read if obj in shown]
        assert parts == shown, splitter.parent()
    names = [n.name for n in walk(w.history) if n.name in ("My attempts", "Attempt details")]
    assert names == ["My attempts", "Attempt details"]
