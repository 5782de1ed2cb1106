"""Keyboard behaviour shared by the main window: Enter presses the focused push button, once."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget


def enter_presses_buttons(root: QWidget) -> None:
    """Make Enter press every push button under ``root`` that has focus, as Space does.

    Qt's push buttons take Enter only when they are "auto default", which Qt
    turns on in dialogs alone. Turning it on here keeps the key with the button
    that had focus when it went down: the button clicks and the key is used up.
    A key some other widget used (Enter on a Library row opens the scenario and
    moves focus to the next page) never reaches the button focused afterwards,
    so one key press is one action. Buttons made later (the responses) call this
    for themselves.
    """
    for button in root.findChildren(QPushButton):
        button.setAutoDefault(True)
