"""The portfolio export dialog, and running an export on the worker thread with progress."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QWidget,
)

from peerscenarios import paths
from peerscenarios.errors import PeerScenariosError
from peerscenarios.export.pdf_layout import PAGE_SIZE_LABELS, default_page_size
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.dialogs import MessageDialog

_FORMATS = (("pdf", "PDF document", ".pdf"), ("md", "Markdown text", ".md"),
            ("csv", "CSV spreadsheet", ".csv"))
# QProgressDialog appears only if the export is still running after this long.
PROGRESS_AFTER_MS = 500


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export: format, file, and an optional inclusive date range."""

    fmt: str
    path: Path
    since: date | None = None
    until: date | None = None
    page_size: str | None = None  # "a4" or "letter" for PDF; None: the locale's


class ExportDialog(QDialog):
    """Choose format, date range and file for a learner portfolio."""

    def __init__(self, parent: QWidget | None, profile_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export my portfolio")
        form = QFormLayout(self)
        self.format_combo = QComboBox(self)
        self.format_combo.setAccessibleName("Format")
        for key, label, _ in _FORMATS:
            self.format_combo.addItem(label, key)
        form.addRow("&Format:", self.format_combo)
        self.page_combo = QComboBox(self)
        self.page_combo.setAccessibleName("Page size")
        for key, label in PAGE_SIZE_LABELS.items():
            self.page_combo.addItem(label, key)
        # The locale's paper first: Letter in the US, Canada, ...; A4 elsewhere.
        self.page_combo.setCurrentIndex(self.page_combo.findData(default_page_size()))
        form.addRow("&Page size:", self.page_combo)  # the label gets the combo as buddy
        self.range_check = QCheckBox("Only attempts between two dates", self)
        form.addRow(self.range_check)
        today = QDate.currentDate()
        self.since_edit = QDateEdit(today.addMonths(-3), self)
        self.since_edit.setAccessibleName("From date")
        self.until_edit = QDateEdit(today, self)
        self.until_edit.setAccessibleName("Until date")
        for d in (self.since_edit, self.until_edit):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        form.addRow("F&rom:", self.since_edit)
        form.addRow("&Until:", self.until_edit)
        row = QHBoxLayout()
        # Letters and digits only from the name: "S/R" must not name a folder.
        safe = "".join(c if c.isalnum() else "-" for c in profile_name).strip("-") or "portfolio"
        self.path_edit = QLineEdit(str(paths.exports_default_dir() / f"{safe}-portfolio.pdf"),
                                   self)
        self.path_edit.setAccessibleName("File to write")
        browse = QPushButton("Choose…", self)
        browse.setAccessibleName("Choose the file to write")
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        # A label made by addRow() gets a buddy only for a widget, not a layout: without
        # one, "&Save as:" would show its ampersand and Alt+S would do nothing.
        save_label = QLabel("&Save as:", self)
        save_label.setBuddy(self.path_edit)
        form.addRow(save_label, row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        browse.clicked.connect(self._browse)
        self.range_check.toggled.connect(self._update)
        self.format_combo.currentIndexChanged.connect(self._fix_suffix)
        self._update()
        self.resize(560, self.sizeHint().height())

    def _update(self) -> None:
        on = self.range_check.isChecked()
        self.since_edit.setEnabled(on)
        self.until_edit.setEnabled(on)

    def _fix_suffix(self) -> None:
        fmt, _, suffix = _FORMATS[self.format_combo.currentIndex()]
        self.page_combo.setEnabled(fmt == "pdf")  # paper means nothing to Markdown or CSV
        current = Path(self.path_edit.text())
        self.path_edit.setText(str(current.with_suffix(suffix)))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export my portfolio", self.path_edit.text())
        if name:
            self.path_edit.setText(name)

    def request(self) -> ExportRequest | None:
        """The request as filled in (None without a file name)."""
        text = self.path_edit.text().strip()
        if not text:
            return None
        since: date | None = None
        until: date | None = None
        if self.range_check.isChecked():
            since = _day(self.since_edit.date().toPython())
            until = _day(self.until_edit.date().toPython())
        fmt = str(self.format_combo.currentData())
        page_size = str(self.page_combo.currentData()) if fmt == "pdf" else None
        return ExportRequest(fmt, Path(text).expanduser(), since, until, page_size)

    @classmethod
    def ask(cls, parent: QWidget | None, profile_name: str) -> ExportRequest | None:
        """The export to run, or None if cancelled."""
        dialog = cls(parent, profile_name)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.request()


class ExportRunner(QObject):
    """Runs one export on the app's worker thread, with a progress dialog if it is slow."""

    export_finished = Signal(str)  # the path written
    export_failed = Signal(str)  # plain-language message

    def __init__(self, ctx: AppContext, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.ctx = ctx
        self._widget = parent_widget
        self._progress: QProgressDialog | None = None

    def run(self, request: ExportRequest) -> None:
        """Start the export; ``export_finished`` or ``export_failed`` reports the end."""
        from peerscenarios.app.exports import export_portfolio

        # Read now, on the main thread: the job never touches the context from the worker,
        # and a profile switched meanwhile cannot change whose portfolio this is.
        storage, library, profile_id = self.ctx.storage, self.ctx.library, self.ctx.profile_id
        progress = QProgressDialog("Writing your portfolio…", "", 0, 100, self._widget)
        progress.setWindowTitle("Export")
        progress.setCancelButton(None)  # a half-written export is never useful
        progress.setMinimumDuration(PROGRESS_AFTER_MS)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoClose(True)
        progress.setValue(0)
        self._progress = progress

        def job(report: object) -> Path:
            return export_portfolio(storage, library, profile_id, request.fmt, request.path,
                                    since=request.since, until=request.until,
                                    page_size=request.page_size,
                                    progress=report)  # type: ignore[arg-type]

        self.ctx.tasks.run(job, self._done, self._failed, self._progressed)

    def _progressed(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setMaximum(max(total, 1))
            self._progress.setValue(min(done, total))

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _done(self, result: object) -> None:
        self._close_progress()
        self.export_finished.emit(str(result))

    def _failed(self, exc: BaseException) -> None:
        self._close_progress()
        if isinstance(exc, PeerScenariosError):
            self.export_failed.emit(exc.message)
            MessageDialog.report_error(self._widget, exc, "The export could not be written")
            return
        # A bug: the app's exception hook logs it and shows the crash dialog.
        sys.excepthook(type(exc), exc, exc.__traceback__)


def _day(value: object) -> date:
    """A QDate's Python value as a date (PySide6 types it loosely as object)."""
    if not isinstance(value, date):
        raise TypeError(f"expected a date, not {value!r}")
    return value
