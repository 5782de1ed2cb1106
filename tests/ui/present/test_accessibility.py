"""Facilitator mode through the accessibility tree: a frame, named controls, readable panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox
from pytestqt.qtbot import QtBot

from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.screens import PresentSettings

from ..a11y import check_screen, readable
from .helpers import OFFSCREEN_NOISE, FakeScreens

pytestmark = OFFSCREEN_NOISE


def test_presenter_is_a_frame_with_named_controls_and_comfortable_targets(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = start_presentation(None, typical, storage, screens=two_screens, settings=settings)
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    iface = QAccessible.queryAccessibleInterface(p)
    assert iface is not None
    assert iface.role() is QAccessible.Role.Window
    for _ in range(2):  # the situation, then the choices with their vote boxes
        check_screen(p)
        text = readable(p)
        assert p.timer_panel.display.text() in text  # the time left, as text
        assert "Time left" in text
        qtbot.keyClick(p, Qt.Key.Key_PageDown)
    controls = [w for kind in (QAbstractButton, QComboBox, QAbstractSpinBox)
                for w in p.findChildren(kind)]
    small = [w for w in controls if w.isVisibleTo(p) and w.height() < 24]
    assert not small, [(type(w).__name__, w.height()) for w in small]
    # The facilitator's notes for this step are read as text too.
    node = p.controller.flow.current.node
    if node.facilitator.notes:
        assert node.facilitator.notes.split()[0] in readable(p.guide)


def test_the_audience_view_is_named_and_describes_what_the_room_reads(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = start_presentation(None, typical, storage, screens=two_screens, settings=settings)
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    canvas = p.audience.canvas
    qtbot.waitUntil(lambda: "How would you respond?" in canvas.accessibleDescription(),
                    timeout=3000)
    check_screen(p.audience)
    assert canvas.accessibleName() == "What the room sees"
