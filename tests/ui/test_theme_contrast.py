"""Focus rings a keyboard user can see: WCAG contrast of the ring against what is around it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from peerscenarios.ui.theme import DARK, HIGH_CONTRAST, LIGHT, Colours, stylesheet

from .conftest import SCENARIO_ID, WindowFactory


def _luminance(hex_colour: str) -> float:
    c = QColor(hex_colour)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("colours", [LIGHT, DARK, HIGH_CONTRAST], ids=lambda c: c.name)
def test_a_focused_primary_button_has_a_ring_of_3_to_1_against_button_and_page(
        colours: Colours) -> None:
    sheet = stylesheet(colours, 0)
    # Focused, the filled primary button turns outlined: base fill, focus-coloured ring.
    block = sheet[sheet.index("QPushButton#primary:focus"):]
    block = block[:block.index("}")]
    assert f"background: {colours.base}" in block
    assert f"border: 3px solid {colours.focus}" in block
    assert contrast(colours.focus, colours.base) >= 3
    assert contrast(colours.focus, colours.window) >= 3
    # The button's own words stay readable on its focused fill.
    assert contrast(colours.text, colours.base) >= 4.5


def test_the_focused_continue_button_really_draws_the_ring(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    assert w.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(w.player.warnings_page.start_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(w.player, Qt.Key.Key_1)
    button = w.player.feedback.continue_button
    assert button.hasFocus()
    image = button.grab().toImage()
    left_edge = {image.pixelColor(1, y).name() for y in range(4, button.height() - 4)}
    assert w.ctx.colours.focus in left_edge


@pytest.mark.parametrize("colours", [LIGHT, DARK, HIGH_CONTRAST], ids=lambda c: c.name)
def test_hint_text_in_an_empty_field_is_told_apart_from_typed_text(colours: Colours) -> None:
    # High contrast once drew "Search titles, summaries, tags..." in the same white as
    # typed words: an empty search field looked filled in.
    assert QColor(colours.placeholder) != QColor(colours.text)
    assert contrast(colours.placeholder, colours.base) >= 4.5
    assert contrast(colours.text, colours.base) > contrast(colours.placeholder, colours.base)


def test_the_search_field_draws_its_hint_in_the_hint_colour(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    w.menu_actions.contrast.trigger()
    assert w.ctx.colours is HIGH_CONTRAST
    edit = w.library.search_edit
    edit.clear()
    assert edit.placeholderText()
    assert edit.palette().color(edit.palette().ColorRole.PlaceholderText) == QColor(
        HIGH_CONTRAST.placeholder)
    image = edit.grab().toImage()
    drawn = {image.pixelColor(x, y).name() for x in range(image.width())
             for y in range(image.height())}
    assert HIGH_CONTRAST.placeholder in drawn
    assert HIGH_CONTRAST.text not in drawn - {HIGH_CONTRAST.border}
