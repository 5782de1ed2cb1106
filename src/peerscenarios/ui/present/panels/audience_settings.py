"""Where the audience view goes and in which colours: two choosers under the small stage."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from peerscenarios.ui.present.screens import ScreenManager, screen_name
from peerscenarios.ui.present.theme import Theme


class AudienceSettings(QWidget):
    """The screen for the audience view and its colour theme, each with a labelled chooser."""

    screen_chosen = Signal()
    theme_chosen = Signal(object)  # Theme

    def __init__(self, screens: ScreenManager, theme: Theme,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.screens = screens
        self.screen_combo = QComboBox(self)
        self.theme_combo = QComboBox(self)
        for t in Theme:
            self.theme_combo.addItem(t.label, t.value)
        self.theme_combo.setCurrentIndex(list(Theme).index(theme))
        form = QGridLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        # Buddies give each chooser its name on the accessibility bus, not just its value.
        for row, (text, combo) in enumerate((("Audience &screen:", self.screen_combo),
                                             ("&Colours:", self.theme_combo))):
            label = QLabel(text, self)
            label.setBuddy(combo)
            form.addWidget(label, row, 0)
            form.addWidget(combo, row, 1)
        form.setColumnStretch(1, 1)
        self.screen_combo.setAccessibleName("Screen for the audience view")
        self.theme_combo.setAccessibleName("Audience view colours")
        self._connect_signals()

    def _connect_signals(self) -> None:
        # activated, not currentIndexChanged: only the facilitator's own pick moves the
        # audience view, never the list being refilled as screens come and go.
        self.screen_combo.activated.connect(self.on_screen_combo_activated)
        self.theme_combo.activated.connect(self.on_theme_combo_activated)

    def refresh(self) -> None:
        """List the screens now connected, marking the laptop's and selecting the chosen one."""
        self.screen_combo.blockSignals(True)
        self.screen_combo.clear()
        laptop = self.screens.laptop()
        current = self.screens.chosen
        for s in self.screens.screens():
            self.screen_combo.addItem(screen_name(s) + ("  (this screen)" if s is laptop else ""))
            if s is current:
                self.screen_combo.setCurrentIndex(self.screen_combo.count() - 1)
        self.screen_combo.blockSignals(False)

    @Slot(int)
    def on_screen_combo_activated(self, index: int) -> None:
        screens = self.screens.screens()
        if 0 <= index < len(screens):
            self.screens.choose(screens[index])
            self.screen_chosen.emit()

    @Slot(int)
    def on_theme_combo_activated(self, index: int) -> None:
        self.theme_chosen.emit(Theme(self.theme_combo.itemData(index)))
