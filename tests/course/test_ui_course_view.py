"""The facilitator's Course view on a real course: paging, filters, opening, plain errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from peerscenarios.core.reporting import Portfolio
from peerscenarios.course.client import CourseClient
from peerscenarios.course.errors import ServerUnreachable
from peerscenarios.course.sessions import SessionUpload
from peerscenarios.course.snapshot import Snapshot
from peerscenarios.ui.course import viewer
from peerscenarios.ui.course.course_view import CourseView
from peerscenarios.ui.course.models import PAGE, RecordRole

from .conftest import Course
from .test_server import report

# The offscreen platform says it cannot do these when a window is shown; harmless here.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|requestActivate)\(\)")


def _client(course: Course, name: str) -> CourseClient:
    client = course.connect(name)
    assert isinstance(client, CourseClient)
    return client


@pytest.fixture
def cohort(course: Course, portfolio: Portfolio) -> tuple[Course, str, list[str]]:
    """A facilitator with two trainees who sent 60 submissions between them (over 60 days),
    one trainee outside the cohort who sent one, and two uploaded sessions."""
    fay = course.add("fay", "facilitator")
    ana, ben, cat = (course.add(n, "trainee") for n in ("ana", "ben", "cat"))
    from peerscenarios.course import admin

    admin.assign(course.url, ana, fay)
    admin.assign(course.url, ben, fay)
    snap = Snapshot.from_portfolio(portfolio)
    for who, n in ((ana, 40), (ben, 20), (cat, 1)):
        with _client(course, who) as c:
            for _ in range(n):
                c.submit_portfolio(snap)
    with psycopg.connect(host=course.cluster.socket_dir, port=course.cluster.port,
                         dbname=course.database, user="postgres",
                         password=course.cluster.password, autocommit=True) as su:
        su.execute("UPDATE ps_course.submission SET created_at = "
                   "timestamptz '2026-05-01 12:00+00' - id * interval '1 day'")
    with _client(course, fay) as c:
        for day in (3, 9):
            c.upload_group_session(SessionUpload.from_report(
                report(datetime(2026, 4, day, 10, tzinfo=UTC))))
    return course, fay, [ana, ben, cat]


def test_the_cohort_pages_in_and_filters(qtbot: QtBot, qtmodeltester: ModelTester,
                                         cohort: tuple[Course, str, list[str]]) -> None:
    course, fay, (ana, ben, _cat) = cohort
    with _client(course, fay) as client:
        view = CourseView(client, today=date(2026, 5, 1))
        qtbot.addWidget(view)
        view.resize(1200, 700)
        assert view.count_label.text() == "60 submission(s)"
        assert view.submissions.rowCount() == PAGE
        assert view.submissions.canFetchMore(view.submissions.index(0, 0).parent())
        view.submissions.fetchMore(view.submissions.index(0, 0).parent())
        assert view.submissions.rowCount() == 60
        assert not view.submissions.canFetchMore(view.submissions.index(0, 0).parent())
        qtmodeltester.check(view.submissions)
        owners = {view.submissions.record(r).owner for r in range(60)}
        assert owners == {ana, ben}  # never cat: the server does not show her
        assert [view.trainee_combo.itemText(i) for i in range(view.trainee_combo.count())] == [
            "All trainees", ana, ben]
        view.trainee_combo.setCurrentIndex(2)
        assert view.count_label.text() == "20 submission(s)"
        assert {view.submissions.record(r).owner
                for r in range(view.submissions.rowCount())} == {ben}
        view.trainee_combo.setCurrentIndex(0)
        view.sub_dates.limit.setChecked(True)
        view.sub_dates.since.setDate(QDate(2026, 4, 20))
        view.sub_dates.until.setDate(QDate(2026, 4, 29))
        assert view.count_label.text() == "10 submission(s)"
        qtmodeltester.check(view.sessions)
        assert view.sessions.rowCount() == 2
        titles = view.sessions.data(view.sessions.index(0, 1), Qt.ItemDataRole.DisplayRole)
        assert titles == "Coffee after group"


@OFFSCREEN_NOISE
def test_opening_a_submission_shows_what_was_sent(
        qtbot: QtBot, cohort: tuple[Course, str, list[str]], portfolio: Portfolio,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    course, fay, _ = cohort
    shown: list[viewer.DocumentViewer] = []
    monkeypatch.setattr(viewer.DocumentViewer, "exec", lambda self: shown.append(self) or 0)
    with _client(course, fay) as client:
        view = CourseView(client, today=date(2026, 5, 1))
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        index = view.submissions.index(0, 0)
        view.submission_view.selectRow(0)
        qtbot.mouseClick(view.open_submission_button, Qt.MouseButton.LeftButton)
        assert len(shown) == 1
        dialog = shown[0]
        qtbot.addWidget(dialog)
        assert dialog.portfolio == Snapshot.from_portfolio(portfolio).portfolio
        assert "Learner portfolio: Ana" in dialog.preview.toPlainText()
        assert view.submissions.data(index, RecordRole).owner in dialog.heading.text()
        # Saving the PDF writes the same document the trainee's export would.
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *a, **k: (str(tmp_path / "ana.pdf"), ""))
        saved = dialog.on_save_clicked()
        assert saved is not None
        assert saved.read_bytes().startswith(b"%PDF")
        view.tabs.setCurrentIndex(1)
        view.session_view.selectRow(0)
        qtbot.mouseClick(view.open_session_button, Qt.MouseButton.LeftButton)
        assert shown[1].report is not None
        qtbot.addWidget(shown[1])
        assert "Ask what they want" in shown[1].preview.toPlainText()


class _Down:
    """A client whose server has gone away."""

    def __getattr__(self, name: str) -> Any:
        def fail(*args: object, **kwargs: object) -> Any:
            raise ServerUnreachable("The course server could not be reached.", "Try later.")
        return fail


def test_a_server_that_went_away_is_a_plain_line(qtbot: QtBot) -> None:
    view = CourseView(_Down())  # type: ignore[arg-type]
    qtbot.addWidget(view)
    assert "could not be reached" in view.message.text()
    assert view.submissions.rowCount() == 0
    assert not view.submissions.canFetchMore(view.submissions.index(0, 0).parent())
