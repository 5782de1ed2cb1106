""""My course submissions": what a trainee has sent, and withdrawing one.

Withdrawing erases the content from the server (the list keeps a line
saying it was withdrawn); the copy on this computer is not touched.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QModelIndex, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.course.records import Submission, SubmissionSummary
from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.course.common import MessageLine
from peerscenarios.ui.course.models import SUBMISSION_COLUMNS, PagedTableModel
from peerscenarios.ui.course.viewer import DocumentViewer, submission_heading


class TraineeClient(Protocol):
    """What this dialog needs from ``CourseClient`` (a trainee's)."""

    def list_my_submissions(self) -> list[SubmissionSummary]: ...
    def withdraw(self, submission_id: int) -> SubmissionSummary: ...
    def get_submission(self, submission_id: int) -> Submission: ...


def confirm_withdraw(parent: QWidget, summary: SubmissionSummary) -> bool:
    """Ask before withdrawing (tests replace this)."""
    answer = QMessageBox.question(
        parent, "Withdraw submission",
        f"Withdraw the portfolio you sent on {summary.created_at.astimezone():%Y-%m-%d}? "
        "Its content will be erased from the course server; your facilitator will see that "
        "it was withdrawn. Your own copy on this computer stays.")
    return answer == QMessageBox.StandardButton.Yes


class MySubmissionsDialog(QDialog):
    """The trainee's submissions, newest first, with Open and Withdraw."""

    def __init__(self, parent: QWidget | None, client: TraineeClient) -> None:
        super().__init__(parent)
        self.setWindowTitle("My course submissions")
        self.client = client
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("What you have sent to your course. Only you and your "
                                "facilitators can see these.", self))
        # Summary columns without "Trainee": they are all yours.
        columns = tuple(c for c in SUBMISSION_COLUMNS if c.header != "Trainee")
        self.model = PagedTableModel(columns, self._fetch, self)
        self.view = QTableView(self)
        self.view.setAccessibleName("Your submissions")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 1)
        self.message = MessageLine(self)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = QPushButton("&Open", self)
        self.withdraw_button = QPushButton("&Withdraw…", self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.withdraw_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.on_open_clicked)
        self.withdraw_button.clicked.connect(self.on_withdraw_clicked)
        self.view.doubleClicked.connect(self.on_view_activated)
        self.model.fetch_failed.connect(self.message.show_problem)
        self.model.reset()
        self.resize(780, 420)

    def _fetch(self, offset: int, limit: int) -> list[SubmissionSummary]:
        # A trainee has a handful of submissions: one request gets them all.
        return self.client.list_my_submissions() if offset == 0 else []

    def _selected(self) -> SubmissionSummary | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    @Slot(QModelIndex)
    def on_view_activated(self, index: QModelIndex) -> None:
        # Open the row that was double-clicked, which need not be the selected one yet.
        self.view.selectRow(index.row())
        self.on_open_clicked()

    @Slot()
    def on_open_clicked(self) -> None:
        """Show the selected submission as sent (a withdrawn one only says so)."""
        summary = self._selected()
        if summary is None:
            return
        try:
            got = self.client.get_submission(summary.id)
        except PeerScenariosError as exc:
            self.message.show_problem(str(exc))
            return
        if got.snapshot is None:
            self.message.show_info("You withdrew this one; its content is no longer on the "
                                   "course server.")
            return
        DocumentViewer.ask(self, submission_heading(
            got.snapshot, f"sent on {summary.created_at.astimezone():%Y-%m-%d}"),
            portfolio=got.snapshot.portfolio)

    @Slot()
    def on_withdraw_clicked(self) -> None:
        """Withdraw the selected submission, after asking."""
        summary = self._selected()
        # Checked before asking: the server would refuse a second withdrawal anyway, after
        # a question that meant nothing.
        if summary is None or summary.withdrawn:
            self.message.show_info("Choose a submission that is not withdrawn yet.")
            return
        if not confirm_withdraw(self, summary):
            return
        try:
            self.client.withdraw(summary.id)
        except PeerScenariosError as exc:
            self.message.show_problem(str(exc))
            return
        self.message.show_info("Withdrawn. Its content has been erased from the course server.")
        # Reloaded, so the row shows the withdrawal time the server stamped.
        self.model.reset()

    @classmethod
    def ask(cls, parent: QWidget | None, client: TraineeClient) -> None:
        """Show the dialog until it is closed."""
        cls(parent, client).exec()
