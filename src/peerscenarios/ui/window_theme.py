"""The main window's text size and colour theme: the View menu's actions and their effect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QApplication, QWidget

from peerscenarios.ui import theme
from peerscenarios.ui.settings import (
    TEXT_STEP_MAX,
    TEXT_STEP_MIN,
    THEME_HIGH_CONTRAST,
    THEME_SYSTEM,
)

if TYPE_CHECKING:
    from peerscenarios.ui.context import AppContext
    from peerscenarios.ui.menus import MenuActions
    from peerscenarios.ui.screens.history import HistoryScreen

NAV_MIN_WIDTH = 190
NAV_MAX_WIDTH = 300


class ThemeMixin:
    """Text size and theme for the main window (mixed in before QMainWindow)."""

    ctx: AppContext
    menu_actions: MenuActions
    history: HistoryScreen
    _nav: QWidget
    _screens_built: bool

    def apply_theme(self) -> None:
        """Apply the theme and text size from the settings to the whole app."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        colours = theme.apply(app, self.ctx.settings.theme, self.ctx.settings.text_step)
        self.ctx.colours = colours
        # The chart paints by hand, so it is told the colours; it may not exist yet.
        if self._screens_built:
            self.history.chart.colours = colours
        # Screens that hide or show things by text size (the Library's summary) follow.
        self.ctx.text_size_changed.emit(self.ctx.settings.text_step)
        step = self.ctx.settings.text_step
        self.menu_actions.larger.setEnabled(step < TEXT_STEP_MAX)
        self.menu_actions.smaller.setEnabled(step > TEXT_STEP_MIN)
        self._fit_nav()

    def _fit_nav(self) -> None:
        # Wide enough for its labels, but never eating the screen at the largest text size.
        self._nav.setFixedWidth(min(NAV_MAX_WIDTH, max(NAV_MIN_WIDTH,
                                                       self._nav.sizeHint().width())))

    def _set_text_step(self, step: int) -> None:
        self.ctx.settings.text_step = step
        self.apply_theme()


    @Slot()
    def on_larger_action_triggered(self) -> None:
        self._set_text_step(self.ctx.settings.text_step + 1)

    @Slot()
    def on_smaller_action_triggered(self) -> None:
        self._set_text_step(self.ctx.settings.text_step - 1)

    @Slot()
    def on_default_size_action_triggered(self) -> None:
        self._set_text_step(0)

    @Slot(bool)
    def on_contrast_action_triggered(self, checked: bool) -> None:
        self.ctx.settings.theme = THEME_HIGH_CONTRAST if checked else THEME_SYSTEM
        self.apply_theme()

    @Slot(Qt.ColorScheme)
    def on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        self.apply_theme()
