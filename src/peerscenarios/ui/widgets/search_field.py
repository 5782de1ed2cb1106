"""A search field that Escape clears, with a named clear button and a spoken result count."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QToolButton, QWidget

from peerscenarios.ui.widgets.announce import announce

# Say the count once typing pauses: a screen reader that spoke after every
# letter would drown out the letters being typed.
ANNOUNCE_DELAY_MS = 600


class SearchField(QLineEdit):
    """A QLineEdit for searching: Escape empties it, and ``announce_count`` speaks results.

    Qt's own clear button takes no keyboard focus; Escape does the same from
    the keyboard (and says so in the field's description). An empty field
    lets Escape through, so a dialog or page can still use it.
    """

    def __init__(self, name: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setAccessibleDescription("Type to search. Press Escape to clear.")
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        for button in self.findChildren(QToolButton):
            # The mouse-only clear button is still in the tree: give it a name.
            button.setAccessibleName("Clear the search")
            button.setToolTip("Clear the search (Escape)")
        self._pending = ""
        self._announce_timer = QTimer(self)
        self._announce_timer.setSingleShot(True)
        self._announce_timer.setInterval(ANNOUNCE_DELAY_MS)
        self._announce_timer.timeout.connect(self.on_announce_timer_timeout)

    def event(self, event: QEvent) -> bool:
        # Claim Escape before any window shortcut sees it, but only while there is
        # text to clear.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Cancel) and self.text()):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel) and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    def announce_count(self, message: str) -> None:
        """Speak ``message`` (e.g. "4 of 31 scenarios") once typing pauses; the last one wins."""
        self._pending = message
        self._announce_timer.start()

    def flush_announcement(self) -> None:
        """Speak a pending count now (tests, and a search run with Enter)."""
        if self._announce_timer.isActive():
            self._announce_timer.stop()
            self.on_announce_timer_timeout()

    @Slot()
    def on_announce_timer_timeout(self) -> None:
        if self._pending:
            announce(self, self._pending)
            self._pending = ""
