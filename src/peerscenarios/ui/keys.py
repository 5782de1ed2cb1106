"""Keyboard behaviour shared by every window: Enter presses the focused push button, once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterClicksFocusedButton(QObject):
    """Enter on a focused push button presses it, as Space does (Qt only does so in dialogs).

    Installed on the application, it looks at each key press where it first
    arrives: the widget that had focus when the key went down. A key that
    something else used (Enter on a Library row opens the scenario, which moves
    focus to the next page) is never replayed on the button that has focus
    afterwards; one key press is one action.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QPushButton)
                and isinstance(event, QKeyEvent) and Qt.Key(event.key()) in _ENTER
                and not event.isAutoRepeat() and watched.isEnabled() and watched.isVisible()
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier)):
            watched.click()
            return True
        return super().eventFilter(watched, event)
