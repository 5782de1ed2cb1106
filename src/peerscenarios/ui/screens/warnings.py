"""The content-warnings page shown before a scenario starts, with the option to skip it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from peerscenarios.core.model import Scenario
from peerscenarios.ui.widgets.common import ButtonRow, heading, reading_label
from peerscenarios.ui.widgets.richtext import esc

# Reading is easier on a wide screen when lines stay this wide at most.
MAX_TEXT_WIDTH = 980


class WarningsPage(QWidget):
    """Names what a scenario touches on; the trainee starts it or skips it."""

    start_requested = Signal()
    skip_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        column = QVBoxLayout()
        self.title = heading("Before you start", self)
        column.addWidget(self.title)
        # Its own text is what a screen reader reads (never a short name in its place).
        self.text = reading_label(self)
        column.addWidget(self.text)
        self.skip_button = QPushButton("Skip this one", self)
        self.skip_button.setAccessibleDescription("Go back to the library without starting")
        self.start_button = QPushButton("Start the scenario", self)
        self.start_button.setObjectName("primary")
        column.addWidget(ButtonRow(self, [self.skip_button], [self.start_button]))
        column.addStretch(1)
        frame = QWidget(self)
        frame.setLayout(column)
        frame.setMaximumWidth(MAX_TEXT_WIDTH)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(frame, 100)
        centred.addStretch(1)
        outer.addLayout(centred, 1)
        # Reading order and Tab order agree: the warnings, then Skip, then Start.
        QWidget.setTabOrder(self.text, self.skip_button)
        QWidget.setTabOrder(self.skip_button, self.start_button)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.start_button.clicked.connect(self.start_requested)
        self.skip_button.clicked.connect(self.skip_requested)

    def show_warnings(self, scenario: Scenario, warnings: tuple[str, ...]) -> None:
        """Fill in the scenario's warnings and put the reader on them."""
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        self.text.setText(
            f"<p><b>{esc(scenario.title)}</b> touches on:</p><ul>{items}</ul>"
            "<p>Take the time you need. You can pause at any moment, and nothing is "
            "timed. If today is not the day for this one, skip it: that is a choice "
            "a good peer worker respects, in others and in themselves.</p>")

    def focus_text(self) -> None:
        """Focus the warnings themselves: a key press here starts or skips nothing."""
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)
