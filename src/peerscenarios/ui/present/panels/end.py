"""The session record at its end (reached or ended early): saved, and export for the class."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from peerscenarios.core.library import Library
from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.present.dialogs import ExportPathDialog

if TYPE_CHECKING:
    from peerscenarios.ui.present.controller import PresentationController


class EndPanel(QGroupBox):
    """Shown at the ending: the record is saved; export it for the class's records."""

    export_requested = Signal(str)
    upload_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Session record", parent)
        self.text = QLabel("The session is finished and saved. It is listed in History "
                           "under group sessions.", self)
        self.text.setWordWrap(True)
        self.pdf = QPushButton("Export PDF…", self)
        self.csv = QPushButton("Export CSV…", self)
        # Counts only, as stored; nothing is sent until the facilitator presses this.
        self.upload_button = QPushButton("Upload to the course…", self)
        self.close_button = QPushButton("Close facilitator mode", self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.pdf)
        row.addWidget(self.csv)
        row.addWidget(self.upload_button)
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
        self.upload_button.clicked.connect(self.upload_requested)

    @Slot()
    def on_pdf_clicked(self) -> None:
        self.export_requested.emit("pdf")

    @Slot()
    def on_csv_clicked(self) -> None:
        self.export_requested.emit("csv")

    def export(self, controller: PresentationController, fmt: str) -> Path | None:
        """Ask where, then write the session's record as PDF or CSV; the file written, or None."""
        c = controller
        # No stored record (the database refused the start): nothing to read back.
        if c.session_id is None:
            self.result.setText("This session could not be saved, so there is nothing to export.")
            return None
        from peerscenarios.app.exports import export_group_session

        path = ExportPathDialog.ask(self, fmt,
                                    f"group-session-{c.scenario.id}-{c.session_id}.{fmt}")
        if path is None:
            return None
        try:
            # The scenario on screen is all the record needs: no library is loaded for it.
            written = export_group_session(c.storage, Library(scenarios=(c.scenario,)),
                                           c.session_id, fmt, path)
        except PeerScenariosError as exc:
            self.result.setText(f"Not exported: {exc.message} {exc.hint}".strip())
            return None
        self.result.setText(f"Saved {written}")
        return Path(written)

    def upload(self, controller: PresentationController) -> None:
        """Send the session's record (counts only) to the course server, when one is set up."""
        if controller.session_id is None:
            self.result.setText("This session could not be saved, so there is nothing to send.")
            return
        # Imported on the press: most sessions never meet a course server.
        from peerscenarios.ui.course.menu import upload_session

        upload_session(self, controller.storage, controller.scenario, controller.session_id)
