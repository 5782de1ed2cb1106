"""Connection settings, "Upload this session" and "My course submissions", driven by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerscenarios.core.reporting import Portfolio
from peerscenarios.course.client import CourseClient
from peerscenarios.course.settings import KEYRING_SERVICE, CourseSettings
from peerscenarios.course.snapshot import Snapshot
from peerscenarios.ui.course import my_submissions
from peerscenarios.ui.course.my_submissions import MySubmissionsDialog
from peerscenarios.ui.course.settings_dialog import CourseSettingsDialog
from peerscenarios.ui.course.upload_dialog import UploadSessionDialog

from .conftest import Course
from .test_server import report
from .test_settings import MemoryKeyring

OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|requestActivate)\(\)")


@pytest.fixture
def ring() -> Any:
    before = keyring.get_keyring()
    mem = MemoryKeyring()
    keyring.set_keyring(mem)
    yield mem
    keyring.set_keyring(before)


def _fill(dialog: CourseSettingsDialog, qtbot: QtBot, course: Course, user: str,
          password: str) -> None:
    s: Any = course.settings(user)
    dialog.host_edit.setText(s.host)
    dialog.port_spin.setValue(s.port)
    dialog.database_edit.setText(s.database)
    qtbot.keyClicks(dialog.user_edit, user)
    qtbot.keyClicks(dialog.password_edit, password)


def _socket_settings() -> CourseSettings:
    # The unix-socket opt-out is a stored setting, not something the form offers.
    return CourseSettings(sslmode="disable")


def test_test_connection_then_save_keeps_the_password_in_the_keyring(
        qtbot: QtBot, course: Course, ring: MemoryKeyring) -> None:
    name = course.add("ana", "trainee")
    dialog = CourseSettingsDialog(None, _socket_settings())
    qtbot.addWidget(dialog)
    _fill(dialog, qtbot, course, name, "wrong password")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=20_000)
    assert "did not accept the user name or password" in dialog.message.text()
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, course.password(name))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=20_000)
    assert dialog.message.text() == f"Signed in as {name}, a trainee of this course."
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    choice = dialog.choice()
    assert choice.settings.user == name
    assert "password" not in str(choice.settings.to_dict()).lower()
    assert ring.store == {(KEYRING_SERVICE, choice.settings.describe()): course.password(name)}
    # Next time the dialog opens with the saved password filled in.
    again = CourseSettingsDialog(None, choice.settings)
    qtbot.addWidget(again)
    assert again.password_edit.text() == course.password(name)


def test_settings_need_a_server_and_a_user(qtbot: QtBot, ring: MemoryKeyring) -> None:
    dialog = CourseSettingsDialog(None, CourseSettings())
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() == 0
    assert "Enter the server and your user name" in dialog.message.text()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "Enter the server and your user name first" in dialog.message.text()
    assert ring.store == {}


def test_upload_leaves_notes_out_unless_ticked(qtbot: QtBot, course: Course) -> None:
    fay = course.add("fay", "facilitator")
    client = course.connect(fay)
    assert isinstance(client, CourseClient)
    with client:
        dialog = UploadSessionDialog(None, report(datetime(2026, 3, 9, 9, tzinfo=UTC)),
                                     client.upload_group_session)
        qtbot.addWidget(dialog)
        assert "Room felt tense" not in dialog.preview.toPlainText()
        dialog.notes_check.setChecked(True)
        assert "Room felt tense" in dialog.preview.toPlainText()
        dialog.notes_check.setChecked(False)
        with qtbot.waitSignal(dialog.accepted, timeout=20_000):
            qtbot.mouseClick(dialog.upload_button, Qt.MouseButton.LeftButton)
        assert dialog.result_summary is not None
        assert client.get_session(dialog.result_summary.id).upload.report.notes == ""
        # The same session again: a plain message, the dialog stays.
        twice = UploadSessionDialog(None, report(datetime(2026, 3, 9, 9, tzinfo=UTC)),
                                    client.upload_group_session)
        qtbot.addWidget(twice)
        qtbot.mouseClick(twice.upload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: twice.upload_button.isEnabled(), timeout=20_000)
        assert "already uploaded" in twice.message.text()


@OFFSCREEN_NOISE
def test_a_trainee_withdraws_from_their_list(qtbot: QtBot, course: Course,
                                             portfolio: Portfolio,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    name = course.add("ana", "trainee")
    client = course.connect(name)
    assert isinstance(client, CourseClient)
    asked: list[int] = []
    with client:
        first = client.submit_portfolio(Snapshot.from_portfolio(portfolio))
        client.submit_portfolio(Snapshot.from_portfolio(portfolio))
        dialog = MySubmissionsDialog(None, client)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.model.rowCount() == 2
        row = next(r for r in range(2) if dialog.model.record(r).id == first.id)
        dialog.view.selectRow(row)
        monkeypatch.setattr(my_submissions, "confirm_withdraw",
                            lambda parent, s: asked.append(s.id) or False)
        qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
        assert asked == [first.id]
        assert not client.get_submission(first.id).summary.withdrawn
        monkeypatch.setattr(my_submissions, "confirm_withdraw", lambda parent, s: True)
        qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
        assert "Withdrawn" in dialog.message.text()
        assert client.get_submission(first.id).snapshot is None
        status = [dialog.model.record(r).withdrawn for r in range(dialog.model.rowCount())]
        assert sorted(status) == [False, True]
