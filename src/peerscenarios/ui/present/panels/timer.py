"""The discussion countdown panel: start, pause, reset, its length, and whether the room sees it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from peerscenarios.app.group.timer import format_seconds


class DurationSpin(QSpinBox):
    """Seconds shown and typed as m:ss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(10, 60 * 60)
        self.setSingleStep(30)
        self.setAccessibleName("Timer length")

    def textFromValue(self, value: int) -> str:
        return format_seconds(value)

    def valueFromText(self, text: str) -> int:
        parts = text.strip().split(":")
        try:
            if len(parts) == 2:
                return int(parts[0] or 0) * 60 + int(parts[1] or 0)
            # A bare number is minutes: "2" is 2:00, as a facilitator would say it.
            return int(parts[0]) * 60
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        # Digits and one colon: every half-typed "1:" stays editable; letters never go in.
        ok = all(ch.isdigit() or ch == ":" for ch in text) and text.count(":") <= 1
        return (QValidator.State.Acceptable if ok else QValidator.State.Invalid, text, pos)


class TimerPanel(QGroupBox):
    """The discussion countdown: start, pause, reset, length, and whether the room sees it."""

    start_pause_clicked = Signal()
    reset_clicked = Signal()
    duration_changed = Signal(int)
    shown_toggled = Signal(bool)

    def __init__(self, seconds: int, parent: QWidget | None = None) -> None:
        super().__init__("Discussion timer", parent)
        self.display = QLabel(format_seconds(seconds), self)
        # Twice the text size: read at a glance while facing the room.
        font = self.display.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        self.display.setFont(font)
        # The value is what is read ("1:45"); "Time left" comes after it, as a description.
        self.display.setAccessibleDescription("Time left")
        self.start_pause = QPushButton("Start (T)", self)
        self.reset = QPushButton("Reset", self)
        self.length = DurationSpin(self)
        self.length.setValue(seconds)
        self.shown = QCheckBox("Show on the audience screen (V)", self)
        layout = QGridLayout(self)
        layout.addWidget(self.display, 0, 0, 1, 2)
        layout.addWidget(self.length, 0, 2)
        layout.addWidget(self.start_pause, 1, 0)
        layout.addWidget(self.reset, 1, 1)
        layout.addWidget(self.shown, 2, 0, 1, 3)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.start_pause.clicked.connect(self.start_pause_clicked)
        self.reset.clicked.connect(self.reset_clicked)
        self.length.valueChanged.connect(self.duration_changed)
        self.shown.toggled.connect(self.shown_toggled)

    def show_timer(self, text: str, running: bool, expired: bool, shown: bool) -> None:
        """Show the countdown as ``text``, with the button and check box to match."""
        self.display.setText(text + ("  time is up" if expired else ""))
        self.start_pause.setText("Pause (T)" if running else "Start (T)")
        self.shown.blockSignals(True)
        self.shown.setChecked(shown)
        self.shown.blockSignals(False)
