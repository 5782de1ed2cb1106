"""A trainee plays a whole scenario through the UI, then finds it all in history and exports."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from peerscenarios.storage import AttemptMode, AttemptStatus
from peerscenarios.ui.export_dialog import ExportRequest
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.screens.player import Phase

from .conftest import SCENARIO_ID, DialogScript, WindowFactory

REFLECTION = "I feel the pull to advise when someone looks worried about their medicine."
ENDING_REFLECTION = "Asking questions kept the decision with Dana."


def open_scenario(qtbot: QtBot, w: MainWindow, *, assessment: bool = False) -> None:
    """Select the test scenario in the library and start it, past its content warning."""
    assert w.library.select_scenario(SCENARIO_ID)
    button = w.library.assessment_button if assessment else w.library.practice_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.player
    assert w.player.phase is Phase.WARNINGS
    assert "relapse" in w.player.warnings_page.text.text()
    qtbot.mouseClick(w.player.warnings_page.start_button, Qt.MouseButton.LeftButton)
    assert w.player.phase is Phase.DECISION


def press_choice(qtbot: QtBot, w: MainWindow, choice_id: str) -> None:
    """Press the number key the screen shows for this response (the order is shuffled)."""
    number = next(b.number for b in w.player.choice_buttons if b.choice.id == choice_id)
    qtbot.keyClick(w.player, getattr(Qt.Key, f"Key_{number}"))


def click_choice(qtbot: QtBot, w: MainWindow, choice_id: str) -> None:
    """Click the button of this response."""
    button = next(b for b in w.player.choice_buttons if b.choice.id == choice_id)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_reflection(qtbot: QtBot, w: MainWindow, text: str) -> None:
    editor = w.player.reflection.editors[0].editor
    editor.setFocus()
    qtbot.keyClicks(editor, text)


def test_complete_playthrough_debrief_history_search_and_export(
        qtbot: QtBot, make_window: WindowFactory, dialogs: DialogScript, tmp_path: Path) -> None:
    w = make_window()
    storage = w.ctx.storage
    assert dialogs.called("profile")  # first run asked for a name
    profile = storage.list_profiles()[0]
    assert profile.name == "Sam"
    open_scenario(qtbot, w)

    # Choice buttons carry the choice text as their accessible name.
    names = [b.accessibleName() for b in w.player.choice_buttons]
    assert "What have you been thinking about it yourself?" in names

    # A number key picks the response shown with it: clinical drift, in symbol and words.
    press_choice(qtbot, w, "advise-dose")
    assert w.player.phase is Phase.FEEDBACK
    assert w.player.feedback.badge.text() == "✚ Clinical drift"
    assert "medical advice" in w.player.feedback.why.text()
    assert "doctor" in w.player.feedback.better.text()
    assert w.player.feedback.step_back_button.isVisibleTo(w.player)
    qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)

    # The decision's reflection prompt; the draft is autosaved after typing pauses.
    assert w.player.phase is Phase.REFLECT
    attempt = storage.unfinished_attempt(profile.id)
    assert attempt is not None
    type_reflection(qtbot, w, REFLECTION)
    qtbot.waitUntil(lambda: storage.get_draft(attempt.id, "reflect-advice") == REFLECTION,
                    timeout=5000)
    qtbot.mouseClick(w.player.reflection.done_button, Qt.MouseButton.LeftButton)

    # A narrative node, then the second decision by mouse.
    assert w.player.phase is Phase.NARRATIVE
    qtbot.mouseClick(w.player.continue_button, Qt.MouseButton.LeftButton)
    assert w.player.phase is Phase.DECISION
    click_choice(qtbot, w, "reflect-fear")
    assert w.player.feedback.badge.text() == "✓ Peer-aligned"
    qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)

    # The ending, shown above its own prompt; finishing opens the debrief.
    assert w.player.phase is Phase.REFLECT
    assert w.player.ending_frame.isVisibleTo(w.player)
    assert w.player.ending_title.text() == "Her questions, her choice"
    type_reflection(qtbot, w, ENDING_REFLECTION)
    with qtbot.waitSignal(w.player.finished):
        qtbot.mouseClick(w.player.reflection.done_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.debrief
    debrief = w.debrief.view.toPlainText()
    assert "Her questions, her choice" in debrief
    assert "Start on half the dose" in debrief  # the choice made
    assert "What have you been thinking about it yourself?" in debrief  # an alternative
    assert "Self-disclosure misuse" in debrief  # an alternative's role
    assert "Clinical drift" in debrief
    assert "Peer-aligned" in debrief
    assert "Engages peers in collaborative and caring relationships" in debrief
    assert REFLECTION in debrief
    assert ENDING_REFLECTION in debrief

    # What the database holds.
    attempts = storage.list_attempts(profile.id)
    assert len(attempts) == 1
    done = attempts[0]
    assert done.status is AttemptStatus.COMPLETED
    assert done.mode is AttemptMode.PRACTICE
    assert done.ending_node_id == "end-good"
    assert (done.choice_count, done.drift_count, done.reflection_count) == (2, 1, 2)
    detail = storage.attempt_detail(done.id)
    assert [(c.node_id, c.choice_id, c.role) for c in detail.choices] == [
        ("coffee", "advise-dose", "clinical-drift"), ("second", "reflect-fear", "peer-aligned")]
    assert {r.prompt_id: r.text for r in detail.reflections} == {
        "reflect-advice": REFLECTION, "reflect-ending": ENDING_REFLECTION}
    assert storage.drafts_for_attempt(done.id) == {}
    assert storage.unfinished_attempt(profile.id) is None

    # The library shows it completed.
    row = w.library.model.row_of(SCENARIO_ID)
    assert w.library.model.index(row, 5).data() == "Completed"

    # History: the attempt, its detail, and the reflection search.
    qtbot.mouseClick(w.debrief.history_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.history
    assert w.history.attempts.rowCount() == 1
    assert "Start on half the dose" in w.history.attempt_detail.toPlainText()
    assert REFLECTION in w.history.attempt_detail.toPlainText()
    w.history.tabs.setCurrentIndex(1)
    qtbot.keyClicks(w.history.search_edit, "medicine")
    qtbot.waitUntil(lambda: w.history.hits.rowCount() == 1, timeout=3000)
    assert "medicine" in w.history.hits.index(0, 2).data()
    # The matched word is drawn bold and underlined (never by colour alone).
    from peerscenarios.ui.widgets.match_delegate import snippet_html

    hit = w.history.hits.hit(0)
    assert "<b><u>medicine</u></b>" in snippet_html(hit).lower()
    assert w.history.hits_view.itemDelegateForColumn(2) is w.history.match_delegate
    w.history.hits_view.selectRow(0)
    w.history.hits_view.grab()  # paints the delegate; Qt warnings would fail the test
    assert "Coffee after group" in w.history.hit_detail.toPlainText()

    # Boundary profile: one week with one clinical drift and one peer-aligned choice.
    w.history.tabs.setCurrentIndex(2)
    buckets = w.history.profile_model.buckets
    assert len(buckets) == 1
    assert dict(buckets[0].counts) == {"clinical-drift": 1, "peer-aligned": 1}

    # Export all three formats from the History screen.
    for fmt in ("pdf", "md", "csv"):
        out = tmp_path / f"portfolio.{fmt}"
        dialogs.export = ExportRequest(fmt, out)
        with qtbot.waitSignal(w.history.export_finished, timeout=20_000) as blocker:
            qtbot.mouseClick(w.history.export_button, Qt.MouseButton.LeftButton)
        assert Path(blocker.args[0]) == out
        assert out.exists()
        if os.name == "posix":
            assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert (tmp_path / "portfolio.pdf").read_bytes().startswith(b"%PDF")
    markdown = (tmp_path / "portfolio.md").read_text(encoding="utf-8")
    assert REFLECTION in markdown
    assert "Coffee after group" in markdown
    assert "advise-dose" in (tmp_path / "portfolio.csv").read_text(encoding="utf-8") or \
        "Start on half the dose" in (tmp_path / "portfolio.csv").read_text(encoding="utf-8")
    assert not dialogs.called("crash")
    assert not dialogs.called("report")


def test_step_back_in_practice_mode_records_both_choices(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    storage = w.ctx.storage
    open_scenario(qtbot, w)
    press_choice(qtbot, w, "tell-story")
    assert w.player.feedback.badge.text() == "◉ Self-disclosure misuse"
    qtbot.mouseClick(w.player.feedback.step_back_button, Qt.MouseButton.LeftButton)
    assert w.player.phase is Phase.DECISION
    press_choice(qtbot, w, "ask-her")
    assert w.player.feedback.badge.text() == "✓ Peer-aligned"
    attempt = storage.unfinished_attempt(w.ctx.profile_id)
    assert attempt is not None
    events = storage.attempt_choices(attempt.id)
    assert [(e.choice_id, e.stepped_back) for e in events] == [
        ("tell-story", True), ("ask-her", False)]
    summary = storage.attempt_detail(attempt.id).summary
    assert (summary.choice_count, summary.drift_count) == (1, 0)


def test_assessment_mode_offers_no_step_back(qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    open_scenario(qtbot, w, assessment=True)
    assert w.player.mode_label.text() == "Assessment mode"
    press_choice(qtbot, w, "advise-dose")
    assert w.player.phase is Phase.FEEDBACK
    assert not w.player.feedback.step_back_button.isVisibleTo(w.player)


def test_dont_keep_stores_nothing_and_digits_type_in_the_editor(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    storage = w.ctx.storage
    open_scenario(qtbot, w)
    press_choice(qtbot, w, "ask-her")
    qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)
    attempt = storage.unfinished_attempt(w.ctx.profile_id)
    assert attempt is not None
    type_reflection(qtbot, w, "private 123")
    assert w.player.reflection.editors[0].text == "private 123"  # 1-3 typed, not chosen
    qtbot.waitUntil(lambda: storage.get_draft(attempt.id, "reflect-advice") is not None,
                    timeout=5000)
    w.player.reflection.editors[0].dont_keep.click()
    assert storage.get_draft(attempt.id, "reflect-advice") is None
    qtbot.mouseClick(w.player.reflection.done_button, Qt.MouseButton.LeftButton)
    assert storage.attempt_detail(attempt.id).reflections == ()
    assert storage.drafts_for_attempt(attempt.id) == {}


def test_content_warning_skip_starts_nothing(qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    assert w.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.player.warnings_page.skip_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.library
    assert w.ctx.storage.count_attempts(w.ctx.profile_id) == 0


def test_pause_keeps_the_attempt_and_continues_it(qtbot: QtBot,
                                                  make_window: WindowFactory) -> None:
    w = make_window()
    open_scenario(qtbot, w)
    press_choice(qtbot, w, "ask-her")
    qtbot.mouseClick(w.player.pause_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.library
    row = w.library.model.row_of(SCENARIO_ID)
    assert w.library.model.index(row, 5).data() == "Paused"
    # The Library offers Resume in place of the Start buttons; it carries on where it was.
    assert w.library.resume_button.isVisibleTo(w.library)
    assert not w.library.practice_button.isVisibleTo(w.library)
    qtbot.mouseClick(w.library.resume_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.player
    assert w.player.phase is Phase.FEEDBACK
    assert w.ctx.storage.count_attempts(w.ctx.profile_id) == 1


@pytest.mark.parametrize("crash_while", ["reflecting", "choosing"])
def test_resume_after_a_crash_offers_the_attempt_and_its_draft(
        qtbot: QtBot, make_window: WindowFactory, dialogs: DialogScript,
        crash_while: str) -> None:
    first = make_window()
    open_scenario(qtbot, first)
    press_choice(qtbot, first, "ask-her")
    attempt = first.ctx.storage.unfinished_attempt(first.ctx.profile_id)
    assert attempt is not None
    if crash_while == "reflecting":
        qtbot.mouseClick(first.player.feedback.continue_button, Qt.MouseButton.LeftButton)
        type_reflection(qtbot, first, "half a thought")
        qtbot.waitUntil(lambda: first.ctx.storage.get_draft(attempt.id, "reflect-advice")
                        == "half a thought", timeout=5000)
    make_window.crash(first)

    dialogs.resume = dialogs.resume.RESUME
    second = make_window()
    offered = dialogs.called("resume")
    assert len(offered) == 1
    title, _started, has_draft = offered[0]
    assert title == "Coffee after group"
    assert has_draft is (crash_while == "reflecting")
    assert dialogs.called("profile") == [(True,)]  # the profile was remembered
    assert second.pages.currentWidget() is second.player
    if crash_while == "reflecting":
        assert second.player.phase is Phase.REFLECT
        assert second.player.reflection.editors[0].text == "half a thought"
        qtbot.mouseClick(second.player.reflection.done_button, Qt.MouseButton.LeftButton)
        texts = [r.text for r in second.ctx.storage.attempt_detail(attempt.id).reflections]
        assert texts == ["half a thought"]
    # Either way the story carries on from the recorded choice.
    assert second.player.phase is Phase.NARRATIVE
    assert second.player.playthrough is not None
    assert second.player.playthrough.attempt.id == attempt.id


def test_feedback_border_follows_the_role_without_a_new_style_sheet_each_time(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    open_scenario(qtbot, w)
    feedback = w.player.feedback
    press_choice(qtbot, w, "tell-story")
    assert feedback.drift
    assert feedback.border_colour.name() == w.ctx.colours.drift
    sheet = feedback.styleSheet()
    # The border is painted in the role's colour, dashed for drift; a grab paints it.
    image = feedback.grab().toImage()
    top_edge = {image.pixelColor(x, 1).name() for x in range(8, feedback.width() - 8)}
    assert w.ctx.colours.drift in top_edge
    qtbot.mouseClick(feedback.step_back_button, Qt.MouseButton.LeftButton)
    press_choice(qtbot, w, "ask-her")
    assert not feedback.drift
    assert feedback.border_colour.name() == w.ctx.colours.peer
    assert feedback.styleSheet() == sheet  # no style sheet set per choice


def test_each_new_feedback_text_is_laid_out_once_per_choice(
        qtbot: QtBot, make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Choice-to-feedback speed: each new text is laid out at the width it is shown at,
    # not also at widths only size hints asked about (that was half the click's time).
    w = make_window(size=(1280, 760))
    open_scenario(qtbot, w)
    feedback = w.player.feedback
    press_choice(qtbot, w, "tell-story")  # the first feedback places the panel
    qtbot.mouseClick(feedback.step_back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(w.player.choice_buttons))
    laid_out: dict[str, set[int]] = {}
    original = QLabel.heightForWidth
    names = {id(feedback.said): "said", id(feedback.why): "why", id(feedback.better): "better"}

    def counting(label: QLabel, width: int) -> int:
        if id(label) in names:
            laid_out.setdefault(names[id(label)], set()).add(width)
        return original(label, width)

    monkeypatch.setattr(QLabel, "heightForWidth", counting)
    click_choice(qtbot, w, "ask-her")
    qtbot.waitUntil(lambda: feedback.isVisible() and feedback.said.text() != "")
    QApplication.processEvents()
    shown = {name: getattr(feedback, name).width() for name in ("said", "why", "better")
             if getattr(feedback, name).isVisible()}
    assert shown
    for name, width in shown.items():
        assert laid_out.get(name) == {width}, (name, laid_out.get(name), width)


def test_pressing_a_response_leaves_focus_on_the_story_until_the_feedback_takes_it(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    # A click answers without first moving focus (and a screen reader's attention) onto
    # the response; the feedback's Continue gets it. Tab still reaches every response.
    w = make_window()
    open_scenario(qtbot, w)
    button = w.player.choice_buttons[0]
    assert QApplication.focusWidget() is w.player.story
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    assert QApplication.focusWidget() is w.player.story
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert w.player.phase is Phase.FEEDBACK
    assert QApplication.focusWidget() is w.player.feedback.continue_button
    qtbot.mouseClick(w.player.feedback.step_back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(w.player.choice_buttons))
    w.player.story.setFocus()
    qtbot.keyClick(w.player.story, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is w.player.choice_buttons[0]


def test_history_catches_up_with_choices_made_while_it_was_hidden(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    w.show_page(w.history)  # load the (empty) list, then play with the history hidden
    open_scenario(qtbot, w)
    assert w.player.playthrough is not None
    attempts = w.history.attempts
    row = attempts.row_of(w.player.playthrough.attempt.id)
    assert row >= 0
    assert attempts.summary(row).choice_count == 0
    press_choice(qtbot, w, "tell-story")
    assert attempts.summary(row).choice_count == 0  # not re-read on each click
    qtbot.mouseClick(w.nav_history, Qt.MouseButton.LeftButton)
    assert w.history.isVisible()
    row = attempts.row_of(w.player.playthrough.attempt.id)
    assert (attempts.summary(row).choice_count, attempts.summary(row).drift_count) == (1, 1)


def test_enter_presses_the_focused_button(qtbot: QtBot, make_window: WindowFactory) -> None:
    """Keyboard only: Enter starts the scenario, picks the focused choice, and continues."""
    w = make_window()
    assert w.library.select_scenario(SCENARIO_ID)
    w.library.practice_button.setFocus()
    qtbot.keyClick(w.library.practice_button, Qt.Key.Key_Return)
    assert w.player.phase is Phase.WARNINGS
    start = w.player.warnings_page.start_button
    start.setFocus()
    qtbot.keyClick(start, Qt.Key.Key_Enter)
    assert w.player.phase is Phase.DECISION
    second = w.player.choice_buttons[1]
    qtbot.waitUntil(second.isVisible)
    second.setFocus()
    qtbot.keyClick(second, Qt.Key.Key_Return)
    assert w.player.phase is Phase.FEEDBACK
    assert w.ctx.storage.attempt_choices(w.player.playthrough.attempt.id)[0].choice_id == \
        second.choice.id
    cont = w.player.feedback.continue_button
    assert w.focusWidget() is cont
    qtbot.keyClick(cont, Qt.Key.Key_Return)
    assert w.player.phase is not Phase.FEEDBACK
