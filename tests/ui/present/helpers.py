"""Helpers for facilitator-mode tests: stand-in screens, scenario loading, widget text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QWidget

from peerscenarios.ui.present.screens import ScreenProvider
from scenario_samples import SCENARIO_FIXTURES, load_scenario

FIXTURES = SCENARIO_FIXTURES
load = load_scenario  # the name these tests use

# The offscreen platform cannot resize or raise windows and says so as a Qt
# warning for every top-level window; that is the test platform talking, not the app.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|requestActivate)\(\)")


class FakeScreen:
    """A stand-in for a QScreen: a name and a geometry."""

    def __init__(self, name: str, rect: QRect) -> None:
        self._name = name
        self._rect = rect

    def name(self) -> str:
        return self._name

    def geometry(self) -> QRect:
        return QRect(self._rect)

    def availableGeometry(self) -> QRect:
        return QRect(self._rect)


class FakeScreens(ScreenProvider):
    """The laptop's real (offscreen) screen plus stand-ins that tests plug and unplug."""

    def __init__(self, *extra: FakeScreen) -> None:
        super().__init__()
        self.laptop = QGuiApplication.primaryScreen()
        self.extra: list[object] = list(extra)

    def _connect_signals(self) -> None:
        """Not the real application's screens: the test emits plug/unplug itself."""

    def screens(self) -> list[object]:
        return [self.laptop, *self.extra]

    def primary(self) -> object:
        return self.laptop

    def unplug(self, screen: FakeScreen) -> None:
        self.extra.remove(screen)
        self.screen_removed.emit(screen)

    def plug(self, screen: FakeScreen) -> None:
        self.extra.append(screen)
        self.screen_added.emit(screen)


def widget_texts(root: QWidget) -> str:
    """Every string a widget tree could show or announce: texts, titles, tips, names."""
    out = [root.windowTitle(), root.toolTip(), root.accessibleName(),
           root.accessibleDescription()]
    for w in root.findChildren(QWidget):
        out += [w.windowTitle(), w.toolTip(), w.accessibleName(), w.accessibleDescription(),
                w.whatsThis()]
        if isinstance(w, QLabel):
            out.append(w.text())
    return "\n".join(t for t in out if t)
