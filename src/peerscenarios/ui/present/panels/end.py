"""The session record at its end (reached or ended early): saved, and export for the class."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EndPanel(QGroupBox):
    """Shown at the ending: the record is saved; export it for the class's records."""

    export_requested = Signal(str)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Session record", parent)
        self.text = QLabel("The session is finished and saved. It is listed in History "
                           "under group sessions.", self)
        self.text.setWordWrap(True)
        self.pdf = QPushButton("Export PDF…", self)
        self.csv = QPushButton("Export CSV…", self)
        self.close_button = QPushButton("Close facilitator mode", self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.pdf)
        row.addWidget(self.csv)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self._connect_signals()

    def show_summary(self, text: str) -> None:
        """Say what was saved: how the session ended and the group's path."""
        self.text.setText(text)

    def _connect_signals(self) -> None:
        self.pdf.clicked.connect(self.on_pdf_clicked)
        self.csv.clicked.connect(self.on_csv_clicked)
        self.close_button.clicked.connect(self.close_requested)

    @Slot()
    def on_pdf_clicked(self) -> None:
        self.export_requested.emit("pdf")

    @Slot()
    def on_csv_clicked(self) -> None:
        self.export_requested.emit("csv")
