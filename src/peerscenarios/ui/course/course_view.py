"""The facilitator's "Course" view: the cohort's submissions and the course's group sessions.

Read-only. Lists page from the server as they scroll; what is in them is
what the server's row-level security lets this facilitator see. Opening a
row shows the same document the trainee previewed (or the session's votes).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from PySide6.QtCore import QDate, QModelIndex, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.course.records import (
    Session,
    SessionFilter,
    SessionSummary,
    Submission,
    SubmissionFilter,
    SubmissionSummary,
)
from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.course.common import MessageLine
from peerscenarios.ui.course.models import (
    SESSION_COLUMNS,
    SUBMISSION_COLUMNS,
    PagedTableModel,
)
from peerscenarios.ui.course.viewer import DocumentViewer, submission_heading


class FacilitatorClient(Protocol):
    """What the Course view needs from ``CourseClient`` (a facilitator's)."""

    # A Protocol, not CourseClient itself: tests hand in a fake, and mypy keeps the view
    # to the calls listed here.

    def list_cohort_trainees(self) -> list[str]: ...
    def list_cohort_submissions(self, filters: SubmissionFilter | None = None, offset: int = 0,
                                limit: int = 50) -> list[SubmissionSummary]: ...
    def count_cohort_submissions(self, filters: SubmissionFilter | None = None) -> int: ...
    def get_submission(self, submission_id: int) -> Submission: ...
    def list_sessions(self, filters: SessionFilter | None = None, offset: int = 0,
                      limit: int = 50) -> list[SessionSummary]: ...
    def get_session(self, session_id: int) -> Session: ...


def _table(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    # Row numbers would read as submission numbers, which they are not.
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class DateRange(QWidget):
    """"Any date" or a from–until range, as two date fields behind a checkbox."""

    def __init__(self, parent: QWidget, label: str, today: QDate) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.limit = QCheckBox(label, self)
        self.since = QDateEdit(today.addMonths(-1), self)
        self.until = QDateEdit(today, self)
        for edit, name in ((self.since, "From date"), (self.until, "Until date")):
            edit.setCalendarPopup(True)
            # ISO dates: the same in every locale, and as the exports print them.
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.setEnabled(False)
        row.addWidget(self.limit)
        row.addWidget(self.since)
        row.addWidget(QLabel("to", self))
        row.addWidget(self.until)
        self.limit.toggled.connect(self.since.setEnabled)
        self.limit.toggled.connect(self.until.setEnabled)

    def bounds(self) -> tuple[date | None, date | None]:
        """The chosen inclusive dates, or (None, None) for any date."""
        if not self.limit.isChecked():
            return None, None
        since, until = self.since.date().toPython(), self.until.date().toPython()
        assert isinstance(since, date)
        assert isinstance(until, date)
        return since, until


class CourseView(QWidget):
    """Two tabs: the cohort's submissions (filter by trainee and date) and uploaded sessions."""

    def __init__(self, client: FacilitatorClient, parent: QWidget | None = None, *,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.client = client
        # ``today`` is a seam for tests: the default range must not depend on the day they run.
        start = (QDate(today.year, today.month, today.day) if today is not None
                 else QDate.currentDate())
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs)
        self.message = MessageLine(self)
        layout.addWidget(self.message)

        # Submissions tab
        subs = QWidget(self.tabs)
        sl = QVBoxLayout(subs)
        filters = QHBoxLayout()
        label = QLabel("&Trainee:", subs)
        self.trainee_combo = QComboBox(subs)
        # Qt names a combo box by its current item; a reader needs what it chooses.
        self.trainee_combo.setAccessibleName("Trainee")
        label.setBuddy(self.trainee_combo)
        filters.addWidget(label)
        filters.addWidget(self.trainee_combo)
        self.sub_dates = DateRange(subs, "Sent &between", start)
        filters.addWidget(self.sub_dates)
        self.withdrawn_check = QCheckBox("Show &withdrawn", subs)
        self.withdrawn_check.setChecked(True)
        filters.addWidget(self.withdrawn_check)
        filters.addStretch(1)
        self.refresh_button = QPushButton("&Refresh", subs)
        filters.addWidget(self.refresh_button)
        sl.addLayout(filters)
        self.count_label = QLabel(subs)
        sl.addWidget(self.count_label)
        self.submissions = PagedTableModel(SUBMISSION_COLUMNS, self._fetch_submissions, self)
        self.submission_view = _table(subs, "Submissions of your cohort")
        self.submission_view.setModel(self.submissions)
        sl.addWidget(self.submission_view, 1)
        self.open_submission_button = QPushButton("&Open submission", subs)
        sl.addWidget(self.open_submission_button)
        self.tabs.addTab(subs, "&Submissions")

        # Sessions tab
        sess = QWidget(self.tabs)
        el = QVBoxLayout(sess)
        sfilters = QHBoxLayout()
        self.session_dates = DateRange(sess, "Started &between", start)
        sfilters.addWidget(self.session_dates)
        sfilters.addStretch(1)
        self.session_refresh_button = QPushButton("Re&fresh", sess)
        sfilters.addWidget(self.session_refresh_button)
        el.addLayout(sfilters)
        self.sessions = PagedTableModel(SESSION_COLUMNS, self._fetch_sessions, self)
        self.session_view = _table(sess, "Group sessions uploaded to the course")
        self.session_view.setModel(self.sessions)
        el.addWidget(self.session_view, 1)
        self.open_session_button = QPushButton("Open &session", sess)
        el.addWidget(self.open_session_button)
        self.tabs.addTab(sess, "&Group sessions")

        self._connect_signals()
        self.refresh()

    def _connect_signals(self) -> None:
        # Both Refresh buttons reload everything: the cohort itself may have changed.
        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.session_refresh_button.clicked.connect(self.on_refresh_clicked)
        self.trainee_combo.currentIndexChanged.connect(self.on_filter_changed)
        self.withdrawn_check.toggled.connect(self.on_filter_changed)
        # No Apply button: a filter change reloads at once, a page being one small query.
        for dates in (self.sub_dates, self.session_dates):
            dates.limit.toggled.connect(self.on_filter_changed)
            dates.since.dateChanged.connect(self.on_filter_changed)
            dates.until.dateChanged.connect(self.on_filter_changed)
        self.submissions.fetch_failed.connect(self.message.show_problem)
        self.sessions.fetch_failed.connect(self.message.show_problem)
        self.submission_view.doubleClicked.connect(self.on_submission_activated)
        self.session_view.doubleClicked.connect(self.on_session_activated)
        self.open_submission_button.clicked.connect(self.on_open_submission_clicked)
        self.open_session_button.clicked.connect(self.on_open_session_clicked)

    def submission_filter(self) -> SubmissionFilter:
        """The filter the Submissions tab shows."""
        since, until = self.sub_dates.bounds()
        # "All trainees" carries None as its data.
        trainee = self.trainee_combo.currentData()
        return SubmissionFilter(trainee=trainee if isinstance(trainee, str) else None,
                                since=since, until=until,
                                include_withdrawn=self.withdrawn_check.isChecked())

    def session_filter(self) -> SessionFilter:
        """The filter the Group sessions tab shows."""
        since, until = self.session_dates.bounds()
        return SessionFilter(since=since, until=until)

    def _fetch_submissions(self, offset: int, limit: int) -> list[SubmissionSummary]:
        return self.client.list_cohort_submissions(self.submission_filter(), offset, limit)

    def _fetch_sessions(self, offset: int, limit: int) -> list[SessionSummary]:
        return self.client.list_sessions(self.session_filter(), offset, limit)

    def refresh(self) -> None:
        """Reload the trainee list, the count and both lists from the server."""
        self.message.clear_message()
        current = self.trainee_combo.currentData()
        # Quiet while the list is refilled: each clear and add would fire a reload.
        self.trainee_combo.blockSignals(True)
        self.trainee_combo.clear()
        self.trainee_combo.addItem("All trainees", None)
        try:
            for name in self.client.list_cohort_trainees():
                self.trainee_combo.addItem(name, name)
        except PeerScenariosError as exc:
            self.message.show_problem(str(exc))
        # The trainee chosen before stays chosen if they are still in the cohort.
        found = self.trainee_combo.findData(current)
        self.trainee_combo.setCurrentIndex(max(found, 0))
        self.trainee_combo.blockSignals(False)
        self._reload()

    def _reload(self) -> None:
        self.message.clear_message()
        # A query of its own (7.9 ms at 10,000 submissions, bench_course): a paged list
        # cannot know its total.
        try:
            n = self.client.count_cohort_submissions(self.submission_filter())
            self.count_label.setText(f"{n} submission(s)")
        except PeerScenariosError as exc:
            self.count_label.setText("")
            self.message.show_problem(str(exc))
        self.submissions.reset()
        self.sessions.reset()

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.refresh()

    @Slot()
    def on_filter_changed(self) -> None:
        self._reload()

    def _selected(self, view: QTableView) -> int | None:
        rows = view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    @Slot(QModelIndex)
    def on_submission_activated(self, index: QModelIndex) -> None:
        self.open_submission(index.row())

    @Slot(QModelIndex)
    def on_session_activated(self, index: QModelIndex) -> None:
        self.open_session(index.row())

    @Slot()
    def on_open_submission_clicked(self) -> None:
        row = self._selected(self.submission_view)
        if row is not None:
            self.open_submission(row)

    @Slot()
    def on_open_session_clicked(self) -> None:
        row = self._selected(self.session_view)
        if row is not None:
            self.open_session(row)

    def open_submission(self, row: int) -> None:
        """Fetch one submission and show it (a withdrawn one says so)."""
        summary = self.submissions.record(row)
        # The content is fetched only now: a payload can be megabytes, a list row is not.
        try:
            got = self.client.get_submission(summary.id)
        except PeerScenariosError as exc:
            self.message.show_problem(str(exc))
            return
        if got.snapshot is None:
            when = got.summary.withdrawn_at
            DocumentViewer.ask(self, f"Submission of {summary.owner}, withdrawn "
                                     f"{when.astimezone():%Y-%m-%d}" if when else "")
            return
        DocumentViewer.ask(self, submission_heading(
            got.snapshot, f"sent by {summary.owner} on {summary.created_at:%Y-%m-%d}"),
            portfolio=got.snapshot.portfolio)

    def open_session(self, row: int) -> None:
        """Fetch one uploaded session and show its votes."""
        summary = self.sessions.record(row)
        try:
            got = self.client.get_session(summary.id)
        except PeerScenariosError as exc:
            self.message.show_problem(str(exc))
            return
        DocumentViewer.ask(self, f"Group session: {summary.scenario_title}, run by "
                                 f"{summary.uploaded_by}", report=got.upload.report)
