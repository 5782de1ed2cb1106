"""History after a first week of practice: columns, reflections, profile, keys and the tree."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QTableView,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerscenarios.storage import AttemptStatus, Storage
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.models.history import AttemptColumn, period_label
from peerscenarios.ui.settings import TEXT_STEP_MAX, TEXT_STEP_MIN
from peerscenarios.ui.widgets.announce import announcements
from peerscenarios.ui.widgets.columns import content_width

from .a11y import check_screen, readable
from .conftest import WindowFactory
from .test_library_screen import (  # app_look_restored: autouse, here too
    app_look_restored,  # noqa: F401
    assert_columns_whole,
    labels_of,
    set_text_step,
    settle,
    write_library,
)
from .test_playthrough import open_scenario, press_choice, type_reflection

FIRST_NOTE = "I jumped to advice about the dose; next time I ask what she knows."
STEP_BACK_NOTE = "Stepping back showed me how fast I reach for fixing."
PAUSED_NOTE = "What I told the team, and why it stays confidential."
# Wednesdays at noon UTC: the same local ISO week from UTC-11 to UTC+11.
WEEK_1 = datetime(2026, 11, 18, 12, tzinfo=UTC)
WEEK_2 = datetime(2026, 11, 25, 12, tzinfo=UTC)


class Clock:
    """The storage's clock, set by the test to a day of the first week; a minute per write."""

    def __init__(self) -> None:
        self.now = WEEK_1

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Every storage opened in the test reads this clock."""
    fake = Clock()
    monkeypatch.setattr("peerscenarios.storage.database.utcnow", fake)
    return fake


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return write_library(tmp_path / "scenarios")


def seed_first_week(storage: Storage, profile_id: int, clock: Clock, attempts: int = 4) -> None:
    """A first week: a finished attempt, a step-back, an abandoned and a paused one."""
    clock.now = WEEK_1
    a = storage.start_attempt(profile_id, "meds", "hash", "practice")
    storage.record_choice(a.id, "coffee", "advise-dose", "clinical-drift", {2: -1}, "why")
    storage.save_reflection(a.id, "reflect-advice", FIRST_NOTE)
    storage.record_choice(a.id, "second", "reflect-fear", "peer-aligned", {1: 1}, "why")
    storage.finish_attempt(a.id, "end-good")
    if attempts < 2:
        return
    clock.now = WEEK_2
    b = storage.start_attempt(profile_id, "investors", "hash", "practice")
    first = storage.record_choice(b.id, "coffee", "advise-dose", "clinical-drift", {}, "why")
    storage.mark_stepped_back(first.id)
    storage.record_choice(b.id, "coffee", "ask-her", "peer-aligned", {1: 1}, "why")
    storage.save_reflection(b.id, "reflect-advice", STEP_BACK_NOTE)
    storage.record_choice(b.id, "second", "must-take", "directive-drift", {1: -1}, "why")
    storage.finish_attempt(b.id, "end-hard")
    if attempts < 3:
        return
    c = storage.start_attempt(profile_id, "old-friend", "hash", "assessment")
    storage.record_choice(c.id, "coffee", "tell-story", "self-disclosure-misuse", {}, "why")
    storage.abandon_attempt(c.id)
    if attempts < 4:
        return
    d = storage.start_attempt(profile_id, "restraint", "hash", "practice")
    storage.record_choice(d.id, "coffee", "ask-her", "peer-aligned", {1: 1}, "why")
    storage.save_reflection(d.id, "reflect-advice", PAUSED_NOTE)


def history_window(make_window: WindowFactory, library_dir: Path, clock: Clock, *,
                   attempts: int = 4, size: tuple[int, int] = (1366, 768)) -> MainWindow:
    w = make_window(builtin=(library_dir,), size=size)
    profile = w.ctx.profile
    assert profile is not None
    seed_first_week(w.ctx.storage, profile.id, clock, attempts)
    return w


def open_history(qtbot: QtBot, w: MainWindow) -> None:
    qtbot.mouseClick(w.nav_history, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.history
    settle(qtbot)


def click_tab(qtbot: QtBot, w: MainWindow, index: int) -> None:
    bar = w.history.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.history.tabs.currentIndex() == index
    settle(qtbot)


def test_an_empty_history_says_how_it_fills_on_every_tab(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,))
    open_history(qtbot, w)
    h = w.history
    assert h.attempts.rowCount() == 0
    assert "No attempts yet" in h.attempt_detail.toPlainText()
    check_screen(h)
    click_tab(qtbot, w, 1)
    assert h.hits.rowCount() == 0
    assert h.search_status.text().startswith("No reflections yet")
    check_screen(h)
    assert "No reflections yet" in readable(h)
    click_tab(qtbot, w, 2)
    assert h.profile_model.rowCount() == 0
    assert "No attempts yet" in h.chart.accessibleDescription()
    check_screen(h)
    click_tab(qtbot, w, 3)
    check_screen(h)
    assert "only the room's votes" in readable(h)


def test_one_attempt_played_is_listed_with_its_reflection_before_any_search(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    open_scenario(qtbot, w)
    press_choice(qtbot, w, "advise-dose")
    qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)
    type_reflection(qtbot, w, FIRST_NOTE)
    qtbot.mouseClick(w.player.reflection.done_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.player.pause_button, Qt.MouseButton.LeftButton)
    open_history(qtbot, w)
    h = w.history
    assert h.attempts.rowCount() == 1
    row = [h.attempts.index(0, c).data() for c in AttemptColumn]
    assert row[AttemptColumn.SCENARIO] == "Coffee after group"
    assert row[AttemptColumn.STATUS] == "In progress"
    assert (row[AttemptColumn.DECISIONS], row[AttemptColumn.DRIFTS],
            row[AttemptColumn.REFLECTIONS]) == (1, 1, 1)
    assert_columns_whole(h.attempts_view, wrapping=(AttemptColumn.SCENARIO,))
    # The newest attempt is shown at once, with what was chosen and written.
    assert "Start on half the dose" in h.attempt_detail.toPlainText()
    click_tab(qtbot, w, 1)
    assert h.hits.rowCount() == 1
    assert h.hits.index(0, 2).data() == FIRST_NOTE
    assert h.search_status.text().startswith("Your reflections, newest first")
    assert FIRST_NOTE in h.hit_detail.toPlainText()


@pytest.mark.parametrize(("size", "step"), [
    ((1366, 768), 0), ((1024, 600), 0), ((1366, 768), TEXT_STEP_MAX),
    ((1920, 1080), TEXT_STEP_MAX), ((1024, 600), TEXT_STEP_MAX),
])
def test_attempt_columns_fit_their_content_and_the_title_takes_the_rest(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, clock: Clock,
        size: tuple[int, int], step: int) -> None:
    w = history_window(make_window, library_dir, clock, size=size)
    set_text_step(qtbot, w, step)
    open_history(qtbot, w)
    view = w.history.attempts_view
    statuses = {view.model().index(r, AttemptColumn.STATUS).data() for r in range(4)}
    assert statuses == {"Completed", "Abandoned", "In progress"}
    assert_columns_whole(view, wrapping=(AttemptColumn.SCENARIO,))
    for col in (AttemptColumn.STARTED, AttemptColumn.SCENARIO, AttemptColumn.STATUS):
        assert not view.isColumnHidden(col)
    header = view.horizontalHeader()
    for col in AttemptColumn:
        if col is not AttemptColumn.SCENARIO and not view.isColumnHidden(col):
            # Short columns are exactly as wide as their content, never a stretched 300 px.
            assert header.sectionSize(col) == content_width(view, col)
    title_width = header.sectionSize(AttemptColumn.SCENARIO)
    if step == 0:
        assert all(not view.isColumnHidden(c) for c in AttemptColumn) or size[0] < 1366
        assert title_width >= content_width(view, AttemptColumn.SCENARIO)
    else:
        # Where the titles must wrap, the rows are two lines tall and hold them whole.
        fm = view.fontMetrics()
        for r in range(view.model().rowCount()):
            text = view.model().index(r, AttemptColumn.SCENARIO).data()
            box = fm.boundingRect(QRect(0, 0, title_width - 10, 10_000),
                                  Qt.TextFlag.TextWordWrap, text)
            assert box.height() <= view.rowHeight(r) - 6, text


def test_reflections_are_listed_before_a_search_and_the_search_narrows_them(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, clock: Clock) -> None:
    w = history_window(make_window, library_dir, clock)
    open_history(qtbot, w)
    h = w.history
    click_tab(qtbot, w, 1)
    # Newest first: the paused attempt's note, the step-back's, then the first one.
    notes = [h.hits.index(r, 2).data() for r in range(h.hits.rowCount())]
    assert notes == [PAUSED_NOTE, STEP_BACK_NOTE, FIRST_NOTE]
    assert [h.hits.index(r, 1).data() for r in range(3)] == [
        "The morning after restraint", "I don't need help, I need investors",
        "Thinking of stopping my meds"]
    assert "The morning after restraint: attempt 4" in h.hit_detail.toPlainText()
    check_screen(h)
    assert PAUSED_NOTE in readable(h)

    spoken: list[str] = []
    announcements.said.connect(spoken.append)
    try:
        h.search_edit.setFocus()
        with qtbot.waitSignal(announcements.said, timeout=5000):
            qtbot.keyClicks(h.search_edit, "fixing")
        assert [h.hits.index(r, 2).data() for r in range(h.hits.rowCount())] == [
            STEP_BACK_NOTE]
        assert h.search_status.text() == "1 reflection found"
        assert spoken == ["1 reflection found"]
        # The same as the database finds.
        profile = w.ctx.profile
        assert profile is not None
        assert [x.reflection_id for x in w.ctx.storage.search_reflections(profile.id,
                                                                          "fixing")] == \
            [h.hits.hit(0).reflection_id]
        qtbot.keyClick(h.search_edit, Qt.Key.Key_Escape)
        assert h.search_edit.text() == ""
        qtbot.waitUntil(lambda: h.hits.rowCount() == 3, timeout=3000)
        assert not h.hits.searching
        qtbot.keyClicks(h.search_edit, "zebra")
        qtbot.keyClick(h.search_edit, Qt.Key.Key_Return)
        assert h.hits.rowCount() == 0
        assert h.search_status.text().startswith("Nothing found")
        assert spoken[-1].startswith("Nothing found")
    finally:
        announcements.said.disconnect(spoken.append)
    clear = h.search_edit.findChildren(QToolButton)
    assert clear
    assert all(b.accessibleName() == "Clear the search" for b in clear)


def test_profile_has_whole_number_ticks_week_labels_and_a_table_without_sideways_scroll(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, clock: Clock) -> None:
    w = history_window(make_window, library_dir, clock)
    open_history(qtbot, w)
    h = w.history
    click_tab(qtbot, w, 2)
    weeks = [period_label("2026-W47"), period_label("2026-W48")]
    assert weeks[0].startswith("Week of 16 Nov")
    view = h.profile_view
    assert [h.profile_model.headerData(r, Qt.Orientation.Vertical) for r in range(2)] == weeks
    assert not view.is_transposed
    assert not view.horizontalScrollBar().isVisible()
    # Week 2 holds the step-back attempt (stepped-back choice left out), the abandoned
    # and the paused one: 4 choices standing, of which 2 drifted.
    assert h.profile_model.index(1, 0).data() == 3
    assert f"Latest, {weeks[1]}: 2 of 4 choices drifted" in h.chart.accessibleDescription()
    ticks = h.chart.ticks()
    assert ticks[0] == 0
    assert ticks[-1] >= 4
    assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1
    check_screen(h)
    assert weeks[1] in readable(h)

    # "Group by" is the combo's label on the bus, and the keyboard changes it.
    assert labels_of(h.bucket_combo) == ["Group by"]
    h.bucket_combo.setFocus()
    qtbot.keyClick(h.bucket_combo, Qt.Key.Key_Down)
    assert h.profile_model.headerData(0, Qt.Orientation.Vertical) == "Attempts 1–10"
    assert h.profile_model.index(0, 0).data() == 4

    # At the largest text the table turns on its side instead of scrolling sideways.
    set_text_step(qtbot, w, TEXT_STEP_MAX)
    qtbot.waitUntil(lambda: view.is_transposed, timeout=3000)
    settle(qtbot)
    assert not view.horizontalScrollBar().isVisible()
    assert_columns_whole(view)
    assert len(h.chart.ticks()) >= 2


@pytest.mark.parametrize(("size", "step"), [
    ((1024, 600), TEXT_STEP_MAX), ((1366, 768), TEXT_STEP_MAX), ((1024, 600), 0)])
def test_tab_titles_are_never_cut(qtbot: QtBot, make_window: WindowFactory,
                                  library_dir: Path, size: tuple[int, int], step: int) -> None:
    w = make_window(builtin=(library_dir,), size=size)
    set_text_step(qtbot, w, step)
    open_history(qtbot, w)
    bar = w.history.tabs.tabBar()
    assert bar.sizeHint().width() <= w.history.tabs.width()
    for i in range(bar.count()):
        assert bar.rect().contains(bar.tabRect(i))
        assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(
            bar.tabText(i).replace("&", ""))
    assert not any(b.isVisible() for b in bar.findChildren(QToolButton))  # no scroll arrows
    texts = [bar.tabText(i) for i in range(bar.count())]
    if size[0] >= 1366:
        assert texts == ["&Attempts", "&Reflections", "&Boundary profile", "&Group sessions"]


def test_every_tab_is_named_and_readable_and_tab_order_follows_the_screen(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, clock: Clock) -> None:
    w = history_window(make_window, library_dir, clock, attempts=3)
    open_history(qtbot, w)
    h = w.history
    bar = h.tabs.tabBar()
    expected_by_tab: dict[int, list[QWidget]] = {
        0: [bar, h.attempts_view, h.attempt_detail],
        1: [bar, h.search_edit, h.hits_view, h.hit_detail],
        2: [bar, h.bucket_combo, h.profile_view],
        3: [bar, h.groups_view, h.group_detail],
    }
    for index, expected in expected_by_tab.items():
        click_tab(qtbot, w, index)
        check_screen(h)
        h.export_button.setFocus()
        seen: list[QWidget] = [h.export_button]
        for _ in expected:
            focused = QApplication.focusWidget()
            assert focused is not None
            qtbot.keyClick(focused, Qt.Key.Key_Tab)
            focus = QApplication.focusWidget()
            assert focus is not None
            seen.append(focus)
        assert seen == [h.export_button, *expected], index
    # What each tab shows is readable through the tree, the details included.
    click_tab(qtbot, w, 0)
    second = h.attempts_view.visualRect(h.attempts.index(1, AttemptColumn.SCENARIO))
    qtbot.mouseClick(h.attempts_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=second.center())
    text = readable(h)
    assert "I don't need help, I need investors: attempt 2" in text
    assert "stepped back" in text
    click_tab(qtbot, w, 2)
    assert "drifted" in readable(h)


@pytest.mark.parametrize("step", [TEXT_STEP_MIN, 0])
def test_every_history_target_is_at_least_24_pixels(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, clock: Clock,
        step: int) -> None:
    w = history_window(make_window, library_dir, clock, attempts=2)
    set_text_step(qtbot, w, step)
    open_history(qtbot, w)
    h = w.history
    for index in range(4):
        click_tab(qtbot, w, index)
        targets = [t for t in h.findChildren(QWidget)
                   if isinstance(t, QAbstractButton | QComboBox | QLineEdit | QTableView)
                   and t.isVisible() and t.focusPolicy() != Qt.FocusPolicy.NoFocus]
        assert targets
        small = [(t.accessibleName(), t.width(), t.height()) for t in targets
                 if t.width() < 24 or t.height() < 24]
        assert not small, index
    bar = h.tabs.tabBar()
    for i in range(bar.count()):
        assert bar.tabRect(i).height() >= 24
        assert bar.tabRect(i).width() >= 24


def test_ctrl_f_opens_the_reflection_search(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, clock: Clock) -> None:
    w = history_window(make_window, library_dir, clock, attempts=1)
    open_history(qtbot, w)
    h = w.history
    h.attempts_view.setFocus()
    qtbot.keyClick(h.attempts_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert h.tabs.currentIndex() == 1
    assert QApplication.focusWidget() is h.search_edit
    assert h.hits.rowCount() == 1
    # The attempt row in the database is what the list shows.
    profile = w.ctx.profile
    assert profile is not None
    summary = w.ctx.storage.list_attempts(profile.id)[0]
    assert summary.status is AttemptStatus.COMPLETED
    assert h.hits.hit(0).attempt_id == summary.id
