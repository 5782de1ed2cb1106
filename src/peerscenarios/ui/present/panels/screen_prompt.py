"""A non-modal offer, inside the presenter view, to move the audience view to a new screen."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from peerscenarios.ui.present.screens import screen_name


class ScreenPrompt(QFrame):
    """A non-modal offer, inside the presenter view, to move the audience view to a new screen.

    Not a dialog: a modal question would stop the clicker in the middle of a session.
    """

    move_accepted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.offered: object | None = None
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.move_button = QPushButton("Move the audience view there", self)
        self.dismiss = QPushButton("Not now", self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.move_button)
        layout.addWidget(self.dismiss)
        self.hide()
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.move_button.clicked.connect(self.on_move_button_clicked)
        self.dismiss.clicked.connect(self.hide)

    def offer(self, screen: object) -> None:
        """Name ``screen`` (a QScreen or a stand-in) and show the offer."""
        self.offered = screen
        self.text.setText(f"A screen was connected: {html.escape(screen_name(screen))}. "
                          "Show the audience view on it?")
        self.show()

    @Slot()
    def on_move_button_clicked(self) -> None:
        screen = self.offered
        self.hide()
        if screen is not None:
            self.move_accepted.emit(screen)
