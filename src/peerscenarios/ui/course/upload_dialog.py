""""Upload this session": show the group session as it will be sent, then upload it.

A group session records votes, not people. The facilitator's private notes
stay on the laptop unless "Include my notes" is ticked; the preview shows
exactly the record that will be uploaded.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.core.reporting import GroupReport
from peerscenarios.course.records import SessionSummary
from peerscenarios.course.sessions import SessionUpload
from peerscenarios.ui.course.common import Background, MessageLine, plain_error
from peerscenarios.ui.course.viewer import DocumentPreview

Upload = Callable[[SessionUpload], SessionSummary]


class UploadSessionDialog(QDialog):
    """Preview a group session's record and upload it to the course.

    ``upload`` is e.g. ``CourseClient.upload_group_session``; it runs in the background.
    """

    def __init__(self, parent: QWidget | None, report: GroupReport, upload: Upload) -> None:
        super().__init__(parent)
        self.setWindowTitle("Upload this session to the course")
        self._report = report
        self._upload = upload
        self._background = Background(self)
        self.record = SessionUpload.from_report(report)
        self.result_summary: SessionSummary | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("The course will get the votes at each decision and the path the group "
                       "took. No names are recorded.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.notes_check = QCheckBox("Include my &notes", self)
        # Off when there are no notes: a box that would add nothing is not offered.
        self.notes_check.setEnabled(bool(report.notes.strip()))
        layout.addWidget(self.notes_check)
        self.preview = DocumentPreview(self)
        layout.addWidget(self.preview, 1)
        self.message = MessageLine(self)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.upload_button = QPushButton("&Upload", self)
        buttons.addButton(self.upload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.upload_button.clicked.connect(self.on_upload_clicked)
        self.notes_check.toggled.connect(self.on_notes_toggled)
        # Notes start left out: they are the facilitator's own words about the room.
        self.on_notes_toggled(False)
        self.resize(760, 640)

    @Slot(bool)
    def on_notes_toggled(self, on: bool) -> None:
        """Rebuild the record with or without the notes, and preview it."""
        # Rebuilt and read back each time, so the preview is exactly what Upload sends.
        self.record = SessionUpload.from_report(self._report, include_notes=on)
        self.preview.show_group(self.record.report)

    @Slot()
    def on_upload_clicked(self) -> None:
        """Upload the record shown, in the background; the dialog closes once it is stored."""
        # A second click would upload again; the server refuses that, but with an error.
        if self._background.busy:
            return
        record, upload = self.record, self._upload
        self.upload_button.setEnabled(False)
        self.message.show_info("Uploading…")
        self._background.call(lambda: upload(record), self._uploaded, self._failed)

    def _uploaded(self, result: object) -> None:
        assert isinstance(result, SessionSummary)
        self.result_summary = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.upload_button.setEnabled(True)
        self.message.show_problem(plain_error(exc))

    def done(self, result: int) -> None:
        # An upload on its way must finish: its result would reach a deleted dialog.
        self._background.wait()
        super().done(result)

    @classmethod
    def ask(cls, parent: QWidget | None, report: GroupReport,
            upload: Upload) -> SessionSummary | None:
        """Run the dialog; the uploaded session's row, or None if nothing was uploaded."""
        dialog = cls(parent, report, upload)
        dialog.exec()
        return dialog.result_summary
