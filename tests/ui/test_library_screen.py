"""The Library as a trainee uses it: names, filters, search, large text, keyboard and contrast."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QColor, QFont, QPalette
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

from peerscenarios.ui import theme
from peerscenarios.ui.mainwindow import MainWindow
from peerscenarios.ui.models.library import Column, SettingRole
from peerscenarios.ui.screens.library import MIN_VISIBLE_ROWS
from peerscenarios.ui.settings import TEXT_STEP_MAX, TEXT_STEP_MIN
from peerscenarios.ui.widgets.announce import announcements
from peerscenarios.ui.widgets.columns import content_width

from .a11y import check_screen, readable
from .conftest import GOOD, SCENARIO_ID, WindowFactory

TEMPLATE = (GOOD / f"{SCENARIO_ID}.yaml").read_text(encoding="utf-8")
# The longest titles of the built-in library, so the widths tested are the real worst case.
SCENARIOS = (
    ("investors", "I don't need help, I need investors", "emergency-department",
     "[veterans, adults]", "[8, 11]"),
    ("meds", "Thinking of stopping my meds", "outpatient-clinic", "[adults]", "[3, 6, 7, 9]"),
    ("restraint", "The morning after restraint", "inpatient-unit", "[adults]", "[1, 4, 10, 11]"),
    ("old-friend", "An old friend on my caseload", "peer-center", "[peer-workers]", "[1, 9, 12]"),
    ("which-way", "Which way is the right one?", "peer-center", "[adults]", "[4, 5, 7]"),
    ("hospitalize", "They want to hospitalize him", "team-meeting", "[families]", "[8, 10, 11]"),
    ("warmline", "She calls most nights", "warmline", "[older-adults]", "[1, 2, 9]"),
    ("pistol", "The pistol in the truck", "veterans-services", "[veterans]", "[3, 6, 8]"),
    ("school", "Back to school", "school-youth", "[young-adults, parents]", "[5, 7, 12, 6]"),
    ("borrow", "Can I borrow twenty?", "community", "[adults]", "[1, 6, 9]"),
    ("rock-bottom", "What was your rock bottom?", "peer-center", "[adults]", "[1, 3, 7]"),
)


def write_library(folder: Path) -> Path:
    """Eleven scenarios built from the test scenario, with real titles, settings and people."""
    folder.mkdir(parents=True, exist_ok=True)
    for sid, title, setting, people, comps in SCENARIOS:
        text = (TEMPLATE.replace(f"id: {SCENARIO_ID}", f"id: {sid}")
                .replace('title: "Coffee after group"', f'title: "{title}"')
                .replace("setting: peer-center", f"setting: {setting}\npopulation: {people}")
                .replace("competencies: [1, 2, 3]", f"competencies: {comps}"))
        (folder / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return write_library(tmp_path / "scenarios")


@pytest.fixture(autouse=True)
def app_look_restored(qapp: QApplication) -> Iterator[None]:
    """Text size and theme are the whole application's: put them back after each test.

    A test that ends at the largest text would otherwise hand a 24 pt font to
    the next test's widgets (one that builds no main window never resets it).
    """
    font, palette, sheet = QFont(qapp.font()), QPalette(qapp.palette()), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)


def set_text_step(qtbot: QtBot, w: MainWindow, step: int) -> None:
    """Reach text size ``step`` the way a person does: the last press is View > Larger/Smaller.

    The steps before it are set directly: each restyles the whole window, and only
    the size reached matters here.
    """
    settings = w.ctx.settings
    if step > settings.text_step:
        settings.text_step = step - 1
        w.menu_actions.larger.trigger()
    elif step < settings.text_step:
        settings.text_step = step + 1
        w.menu_actions.smaller.trigger()
    assert settings.text_step == step
    assert w.menu_actions.larger.isEnabled() == (step < TEXT_STEP_MAX)
    settle(qtbot)


def settle(qtbot: QtBot) -> None:
    """Let queued layout and fitting passes run (they are zero-delay timers, not sleeps)."""
    for _ in range(3):
        qtbot.wait(1)
        QApplication.processEvents()


def rows_on_screen(w: MainWindow) -> int:
    """Table rows wholly visible in the page, as they would be seen without scrolling."""
    lib = w.library
    port = lib.page_scroll.viewport()
    visible = QRect(QPoint(0, 0), port.size())
    count = 0
    for r in range(lib.proxy.rowCount()):
        cell = lib.table.visualRect(lib.proxy.index(r, Column.TITLE))
        top_left = lib.table.viewport().mapTo(port, cell.topLeft())
        if cell.isValid() and visible.contains(QRect(top_left, cell.size())) and \
                lib.table.viewport().rect().contains(cell):
            count += 1
    return count


def assert_columns_whole(view: QTableView, wrapping: tuple[int, ...] = ()) -> None:
    """Every shown column wide enough for its header and cells; none past the view's edge."""
    header = view.horizontalHeader()
    shown = [c for c in range(header.count()) if not view.isColumnHidden(c)]
    for c in shown:
        name = view.model().headerData(c, Qt.Orientation.Horizontal)
        assert header.sectionSize(c) >= header.sectionSizeHint(c), f"header {name!r} cut"
        if c not in wrapping:
            assert header.sectionSize(c) >= view.sizeHintForColumn(c), f"cells of {name!r} cut"
    for r in range(view.model().rowCount()):
        assert view.rowHeight(r) >= view.sizeHintForRow(r), f"row {r} cut"
    assert sum(header.sectionSize(c) for c in shown) <= view.viewport().width()
    assert not view.horizontalScrollBar().isVisible()


def labels_of(widget: QWidget) -> list[str]:
    """The names of the labels a screen reader reads for ``widget`` (labelled-by relations)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None
    return [other.text(QAccessible.Text.Name)
            for other, _ in iface.relations(QAccessible.Relation.Label)]


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2.1 contrast ratio of two colours."""
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_competencies_appear_by_number_and_name_in_table_filter_and_details(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,), size=(1920, 1080))
    lib = w.library
    assert lib.select_scenario("investors")
    row = lib.table.selectionModel().selectedRows()[0].row()
    cell = lib.proxy.index(row, Column.COMPETENCIES)
    assert not lib.table.isColumnHidden(Column.COMPETENCIES)
    assert cell.data() == "8 Crisis support, 11 Advocacy"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == (
        "8. Helps peers to manage crises\n11. Promotes leadership and advocacy")
    details = lib.details_view.toPlainText()
    assert "8 Crisis support: Helps peers to manage crises" in details
    assert "11 Advocacy: Promotes leadership and advocacy" in details

    # The filter lists the same names, with SAMHSA's title as each item's tooltip.
    combo = lib.competency_combo
    assert combo.itemText(8) == "8 Crisis support"
    assert combo.itemData(8, Qt.ItemDataRole.ToolTipRole) == "8. Helps peers to manage crises"
    combo.setFocus()
    for _ in range(8):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "8 Crisis support"
    assert combo.toolTip() == "8. Helps peers to manage crises"
    titles = {lib.proxy.index(r, Column.TITLE).data() for r in range(lib.proxy.rowCount())}
    assert titles == {"I don't need help, I need investors", "They want to hospitalize him",
                      "The pistol in the truck"}
    assert lib.count_label.text() == "3 of 11 scenarios"


def test_setting_and_population_show_in_the_details_and_filter_the_list(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,))
    lib = w.library
    assert lib.select_scenario("investors")
    details = lib.details_view.toPlainText()
    assert "Setting: Emergency department" in details
    assert "Population: Veterans, Adults" in details
    # Only the settings the library uses are offered.
    offered = [lib.setting_combo.itemText(i) for i in range(lib.setting_combo.count())]
    assert offered[0] == "Any setting"
    assert len(offered) == 1 + len({s[2] for s in SCENARIOS})
    lib.setting_combo.setFocus()
    while lib.setting_combo.currentData() != "peer-center":
        qtbot.keyClick(lib.setting_combo, Qt.Key.Key_Down)
    shown = {lib.proxy.index(r, 0).data(SettingRole) for r in range(lib.proxy.rowCount())}
    assert shown == {"peer-center"}
    assert lib.proxy.rowCount() == 3
    lib.population_combo.setFocus()
    while lib.population_combo.currentText() != "Peer workers themselves":
        qtbot.keyClick(lib.population_combo, Qt.Key.Key_Down)
    assert [lib.proxy.index(r, Column.TITLE).data() for r in range(lib.proxy.rowCount())] == [
        "An old friend on my caseload"]
    assert lib.count_label.text() == "1 of 11 scenarios"


def test_escape_clears_the_search_and_the_count_is_shown_and_spoken(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,))
    lib = w.library
    assert lib.count_label.text() == "11 scenarios"
    spoken: list[str] = []
    announcements.said.connect(spoken.append)
    try:
        lib.search_edit.setFocus()
        with qtbot.waitSignal(announcements.said, timeout=3000):
            qtbot.keyClicks(lib.search_edit, "veterans")
        # Found by the population's plain name; said once, when typing paused.
        assert lib.proxy.rowCount() == 2
        assert lib.count_label.text() == "2 of 11 scenarios"
        assert spoken == ["2 of 11 scenarios"]
        qtbot.keyClick(lib.search_edit, Qt.Key.Key_Escape)
        assert lib.search_edit.text() == ""
        assert lib.proxy.rowCount() == 11
        assert lib.count_label.text() == "11 scenarios"
        qtbot.keyClicks(lib.search_edit, "zzz")
        assert lib.count_label.text() == "No scenario matches (of 11)"
    finally:
        announcements.said.disconnect(spoken.append)
    # The mouse-only clear button is named for anyone who meets it in the tree.
    clear = lib.search_edit.findChildren(QToolButton)
    assert clear
    assert all(b.accessibleName() == "Clear the search" for b in clear)
    # Ctrl+F comes back to the search from anywhere on the page.
    lib.table.setFocus()
    qtbot.keyClick(lib.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is lib.search_edit


@pytest.mark.parametrize(("size", "step"), [
    ((1366, 768), TEXT_STEP_MAX), ((1920, 1080), TEXT_STEP_MAX), ((1024, 600), 0),
    ((1366, 768), 0), ((1024, 600), TEXT_STEP_MAX),
])
def test_no_column_is_cut_or_hidden_behind_a_scroll_bar(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path,
        size: tuple[int, int], step: int) -> None:
    w = make_window(builtin=(library_dir,), size=size)
    set_text_step(qtbot, w, step)
    lib = w.library
    assert_columns_whole(lib.table, wrapping=(Column.TITLE,))
    for col in (Column.TITLE, Column.STATUS, Column.LAST_RESULT):
        assert not lib.table.isColumnHidden(col)
    if size[0] >= 1366 or step == 0:
        # Six rows on screen at once, without scrolling the page.
        assert rows_on_screen(w) >= MIN_VISIBLE_ROWS
    # The page never scrolls sideways: everything is inside its width.
    body = lib.page_scroll.widget()
    assert body is not None
    assert body.width() <= lib.page_scroll.viewport().width()
    check_screen(w.library)


@pytest.mark.parametrize("step", [0, TEXT_STEP_MAX])
def test_column_widths_measured_from_the_widest_texts_match_measuring_every_cell(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, step: int) -> None:
    # content_width asks the delegate about the few widest texts only (start-up speed);
    # it must come to what Qt's own measure of every cell says.
    w = make_window(builtin=(library_dir,), size=(1366, 768))
    set_text_step(qtbot, w, step)
    view = w.library.table
    assert view.model().rowCount() == len(SCENARIOS)
    header = view.horizontalHeader()
    for c in range(header.count()):
        hidden = view.isColumnHidden(c)
        view.setColumnHidden(c, False)  # Qt measures a hidden column as nearly empty
        every_cell = max(view.sizeHintForColumn(c), header.sectionSizeHint(c))
        assert content_width(view, c) == every_cell, view.model().headerData(
            c, Qt.Orientation.Horizontal)
        view.setColumnHidden(c, hidden)


def test_at_the_largest_text_the_filters_fold_behind_a_button(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,), size=(1366, 768))
    lib = w.library
    assert lib.filters.isVisible()
    assert not lib.filters_button.isVisible()
    set_text_step(qtbot, w, TEXT_STEP_MAX)
    assert not lib.filters.isVisible()
    assert lib.filters_button.isVisible()
    assert lib.filters_button.text() == "Show filters"
    qtbot.mouseClick(lib.filters_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert lib.filters.isVisible()
    assert QApplication.focusWidget() is lib.competency_combo
    qtbot.keyClick(lib.competency_combo, Qt.Key.Key_Down)
    assert lib.count_label.text().endswith("of 11 scenarios")
    qtbot.mouseClick(lib.filters_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert not lib.filters.isVisible()
    # Folded filters still say that one of them narrows the list.
    assert lib.filters_button.text() == "Show filters (1 on)"
    assert lib.filters_button.accessibleName() == "Show filters (1 on)"
    set_text_step(qtbot, w, 0)
    assert lib.filters.isVisible()


def test_every_control_is_named_and_the_combos_are_labelled(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,))
    lib = w.library
    assert lib.select_scenario("warmline")
    check_screen(lib)
    for combo, label in ((lib.competency_combo, "Competency"), (lib.tag_combo, "Tag"),
                         (lib.status_combo, "Status"), (lib.setting_combo, "Setting"),
                         (lib.population_combo, "Population")):
        # On Linux a combo's own name is its value; the label relation names it.
        assert labels_of(combo) == [label]
    text = readable(lib)
    assert "She calls most nights" in text  # the details pane, through the tree
    assert "Setting: Warmline or crisis line (phone or text)" in text
    assert "1 Relationships: Engages peers in collaborative and caring relationships" in text
    assert "11 scenarios" in text
    names = {lib.table.accessibleName(), lib.details_view.accessibleName(),
             lib.search_edit.accessibleName()}
    assert names == {"Scenarios", "Scenario details", "Search scenarios"}
    set_text_step(qtbot, w, TEXT_STEP_MAX)
    check_screen(lib)
    assert "Show filters" in readable(lib)


def test_tab_order_follows_the_screen_from_top_left(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path) -> None:
    w = make_window(builtin=(library_dir,))
    lib = w.library
    expected: list[QWidget] = [
        lib.open_folder_button, lib.reload_button, lib.search_edit, lib.competency_combo,
        lib.tag_combo, lib.status_combo, lib.setting_combo, lib.population_combo, lib.table,
        lib.details_view, lib.practice_button, lib.assessment_button, lib.present_button]
    lib.open_folder_button.setFocus()
    seen: list[QWidget] = []
    for _ in range(len(expected)):
        focused = QApplication.focusWidget()
        assert focused is not None
        seen.append(focused)
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert seen == expected
    # Each stop is below the previous one, or on the same line to its right.
    spots = [e.mapTo(w, QPoint(0, 0)) for e in expected]
    for before, after in itertools.pairwise(spots):
        assert after.y() > before.y() + 4 or (abs(after.y() - before.y()) <= 40
                                               and after.x() > before.x()), (before, after)


@pytest.mark.parametrize("step", [TEXT_STEP_MIN, 0])
def test_every_target_is_at_least_24_pixels(
        qtbot: QtBot, make_window: WindowFactory, library_dir: Path, step: int) -> None:
    w = make_window(builtin=(library_dir,))
    set_text_step(qtbot, w, step)
    lib = w.library
    targets = [t for t in lib.findChildren(QWidget)
               if isinstance(t, QAbstractButton | QComboBox | QLineEdit) and t.isVisible()
               and t.focusPolicy() != Qt.FocusPolicy.NoFocus]
    assert len(targets) >= 10
    small = [(t.accessibleName() or t.objectName(), t.width(), t.height()) for t in targets
             if t.width() < 24 or t.height() < 24]
    assert not small


@pytest.mark.parametrize("colours", [theme.LIGHT, theme.DARK, theme.HIGH_CONTRAST],
                         ids=lambda c: c.name)
def test_search_placeholder_reaches_4_5_to_1_in_every_theme(
        qtbot: QtBot, make_window: WindowFactory, colours: theme.Colours) -> None:
    w = make_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setPalette(theme.palette(colours))
    app.setStyleSheet(theme.stylesheet(colours, 0))
    try:
        settle(qtbot)
        for edit in (w.library.search_edit, w.history.search_edit):
            placeholder = edit.palette().color(QPalette.ColorRole.PlaceholderText)
            assert placeholder.alpha() == 255
            assert contrast(placeholder, QColor(colours.base)) >= 4.5, edit.accessibleName()
        # And on screen: the field as drawn, placeholder pixels against its background.
        edit = w.library.search_edit
        w.library.table.setFocus()
        image = edit.grab().toImage()
        background = image.pixelColor(image.width() // 2, 3)
        assert background.name() == QColor(colours.base).name()
        inner = [image.pixelColor(x, y) for x in range(8, image.width() // 2)
                 for y in range(6, image.height() - 6)]
        best = max(contrast(c, background) for c in inner)
        assert best >= 4.5
    finally:
        w.apply_theme()

