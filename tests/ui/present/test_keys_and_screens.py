"""Presenter conventions (blackout, whiteout, Esc, ?, timer keys) and screen choice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from peerscenarios.app.group.stage_state import Blank, Step
from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.controller import DiscussionTimer, format_seconds
from peerscenarios.ui.present.dialogs import LeaveDialog
from peerscenarios.ui.present.presenter import PresenterWindow
from peerscenarios.ui.present.screens import Placement, PresentSettings
from peerscenarios.ui.present.theme import Theme

from .helpers import OFFSCREEN_NOISE, FakeScreen, FakeScreens

pytestmark = OFFSCREEN_NOISE


def _open(qtbot: QtBot, scenario: Scenario, storage: Storage, screens: FakeScreens,
          settings: PresentSettings) -> PresenterWindow:
    p = start_presentation(None, scenario, storage, screens=screens, settings=settings)
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    return p


def test_b_and_w_black_and_white_out_and_next_brings_the_step_back(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, typical, storage, two_screens, settings)
    assert p.audience.visible_text()
    qtbot.keyClick(p, Qt.Key.Key_B)
    assert p.audience.canvas.blank is Blank.BLACK
    assert p.audience.visible_text() == ""
    qtbot.keyClick(p, Qt.Key.Key_B)
    assert p.audience.canvas.blank is Blank.NONE
    qtbot.keyClick(p, Qt.Key.Key_W)
    assert p.audience.canvas.blank is Blank.WHITE
    assert p.white_button.isChecked()
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # choices: B now counts votes, "." blacks out
    assert p.audience.canvas.blank is Blank.NONE
    qtbot.keyClick(p, Qt.Key.Key_B)
    assert p.controller.flow.current.visit.votes[1] == 1  # type: ignore[union-attr]
    assert p.audience.canvas.blank is Blank.NONE
    qtbot.keyClick(p, Qt.Key.Key_Period)
    assert p.audience.canvas.blank is Blank.BLACK
    assert "blacked out" in p.preview_caption.text()


def test_escape_asks_then_ends_early_with_the_summary_and_export_like_an_ending(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _open(qtbot, typical, storage, two_screens, settings)
    asked: list[bool] = []
    monkeypatch.setattr(LeaveDialog, "ask",
                        classmethod(lambda cls, parent, finished: asked.append(finished)))
    qtbot.keyClick(p, Qt.Key.Key_Escape)
    assert asked == [False]
    assert p.isVisible()
    for _ in range(3):
        qtbot.keyClick(p, Qt.Key.Key_PageDown)
    qtbot.keyClick(p, Qt.Key.Key_A)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # the feedback is up: a decision to keep
    monkeypatch.setattr(LeaveDialog, "ask", classmethod(lambda cls, parent, finished: True))
    with qtbot.waitSignal(p.controller.session_finished):
        qtbot.keyClick(p, Qt.Key.Key_Escape)
    # Ending early shows what reaching the ending shows: the summary, export, Close.
    assert p.isVisible()
    assert p.end_panel.isVisible()
    summary = p.end_panel.text.text()
    assert summary.startswith("The session was ended early and is saved.")
    assert "1 decision recorded" in summary
    assert p.end_panel.pdf.isVisible()
    assert p.end_panel.csv.isVisible()
    detail = storage.group_session_detail(p.controller.session_id or 0)
    assert detail.session.finished_at is not None
    assert detail.session.ending_node_id is None
    assert len(detail.decisions) == 1
    # Close leaves facilitator mode.
    with qtbot.waitSignal(p.left):
        qtbot.mouseClick(p.end_panel.close_button, Qt.MouseButton.LeftButton)
    assert not p.isVisible()


def test_question_mark_opens_the_cheat_sheet_without_blocking(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, typical, storage, two_screens, settings)
    qtbot.keyClick(p, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    sheet = p._cheat_sheet
    assert sheet is not None
    assert sheet.isVisible()
    assert "Page Down" in sheet.table.text()
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    assert p.controller.flow.current.step is Step.CHOICES


def test_one_screen_toggles_between_presenter_and_audience_view(
        qtbot: QtBot, typical: Scenario, storage: Storage, one_screen: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, typical, storage, one_screen, settings)
    assert p.screens.placement is Placement.SAME_SCREEN
    assert not p.audience.isVisible()
    qtbot.keyClick(p, Qt.Key.Key_S)
    assert p.audience.isVisible()
    assert p.screens.showing_here
    # Keys pressed while the audience view has focus still drive the session.
    qtbot.keyClick(p.audience, Qt.Key.Key_PageDown)
    assert p.controller.flow.current.step is Step.CHOICES
    qtbot.keyClick(p.audience, Qt.Key.Key_Escape)  # back to the presenter, not leaving
    assert not p.audience.isVisible()
    assert p.isVisible()


def test_the_audience_screen_is_remembered(
        qtbot: QtBot, typical: Scenario, storage: Storage, settings: PresentSettings) -> None:
    left = FakeScreen("DP-2 Left", QRect(1366, 0, 1280, 720))
    right = FakeScreen("DP-3 Right", QRect(2646, 0, 1280, 720))
    screens = FakeScreens(left, right)
    p = _open(qtbot, typical, storage, screens, settings)
    assert p.screens.chosen is left
    p.screen_combo.activated.emit(2)
    assert p.screens.chosen is right
    assert PresentSettings().audience_screen == "DP-3 Right"
    p.close()
    again = _open(qtbot, typical, storage, FakeScreens(left, right), settings)
    assert again.screens.chosen is right


def test_timer_keys_and_theme(qtbot: QtBot, typical: Scenario, storage: Storage,
                              two_screens: FakeScreens, settings: PresentSettings) -> None:
    p = _open(qtbot, typical, storage, two_screens, settings)
    qtbot.keyClick(p, Qt.Key.Key_V)
    assert p.controller.timer_shown
    assert "2:00" in p.audience.visible_text()
    qtbot.keyClick(p, Qt.Key.Key_T)
    assert p.controller.timer.running
    qtbot.keyClick(p, Qt.Key.Key_T, Qt.KeyboardModifier.ShiftModifier)
    assert not p.controller.timer.running
    qtbot.keyClick(p, Qt.Key.Key_V)
    assert "2:00" not in p.audience.visible_text()
    p.theme_combo.activated.emit(1)
    assert PresentSettings().theme is Theme.LIGHT
    assert p.audience.canvas.renderer.theme is Theme.LIGHT


def test_discussion_timer_counts_down_pauses_and_resets(qtbot: QtBot) -> None:
    now = [100.0]
    timer = DiscussionTimer(90, clock=lambda: now[0])
    timer.start()
    now[0] += 30.2
    assert timer.text == "1:00"
    timer.pause()
    now[0] += 100
    assert timer.text == "1:00"
    timer.start()
    now[0] += 61
    timer.on_tick_timeout()
    assert timer.expired
    assert not timer.running
    timer.reset()
    assert timer.text == "1:30"
    assert format_seconds(0.2) == "0:01"
