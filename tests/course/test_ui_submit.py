"""The "Submit portfolio to my course…" dialog, driven as a trainee would."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from peerscenarios.course.client import CourseClient
from peerscenarios.course.errors import ServerUnreachable
from peerscenarios.course.snapshot import Snapshot
from peerscenarios.ui.course.submit_dialog import SubmitPortfolioDialog

from .conftest import Course, Laptop

MARCH = date(2026, 3, 31)


def _dialog(qtbot: QtBot, laptop: Laptop, send: Any) -> SubmitPortfolioDialog:
    dialog = SubmitPortfolioDialog(None, laptop.build, send, today=MARCH)
    qtbot.addWidget(dialog)
    return dialog


def _tick(dialog: SubmitPortfolioDialog, row: int) -> None:
    index = dialog.ticks.index(row)
    dialog.ticks.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)


def test_reflections_start_unticked_and_the_preview_shows_what_is_sent(
        qtbot: QtBot, laptop: Laptop, qtmodeltester: ModelTester) -> None:
    dialog = _dialog(qtbot, laptop, send=None)
    qtmodeltester.check(dialog.ticks)
    assert dialog.ticks.rowCount() >= 3
    assert dialog.ticks.ticked == frozenset()
    assert dialog.snapshot is not None
    assert "Private thought" not in dialog.preview.toPlainText()
    assert "0 reflection(s)" in dialog.summary.text()
    _tick(dialog, 1)
    chosen = dialog.ticks.data(dialog.ticks.index(1), Qt.ItemDataRole.ToolTipRole)
    assert chosen in dialog.preview.toPlainText()
    others = [dialog.ticks.data(dialog.ticks.index(r), Qt.ItemDataRole.ToolTipRole)
              for r in (0, 2)]
    assert not any(o in dialog.preview.toPlainText() for o in others)
    assert dialog.snapshot.reflection_count == 1
    assert "1 reflection(s)" in dialog.summary.text()
    # A screen reader meets the list to tick before the preview below it.
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QSplitter

    (split,) = dialog.findChildren(QSplitter)
    iface = QAccessible.queryAccessibleInterface(split)
    read = [iface.child(i).object() for i in range(iface.childCount())]
    assert read[:2] == [split.widget(0), split.widget(1)]
    assert split.widget(0).isAncestorOf(dialog.ticks_view)


def test_no_server_offers_the_file_route(qtbot: QtBot, laptop: Laptop, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = _dialog(qtbot, laptop, send=None)
    assert not dialog.send_button.isEnabled()
    assert "No course server is set up" in dialog.message.text()
    _tick(dialog, 0)
    target = tmp_path / "ana"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "PeerScenarios submission"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "ana.psportfolio"
    assert dialog.outcome.saved_to == saved
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert dialog.snapshot is not None
    on_disk = json.loads(saved.read_text())["submission"]
    assert on_disk == json.loads(json.dumps(dict(dialog.snapshot.payload)))


def test_a_date_range_with_no_attempts_sends_nothing(qtbot: QtBot, laptop: Laptop) -> None:
    dialog = _dialog(qtbot, laptop, send=lambda s: pytest.fail("must not send"))
    dialog.since_edit.setDate(QDate(2025, 1, 1))
    dialog.until_edit.setDate(QDate(2025, 1, 31))
    assert dialog.ticks.rowCount() == 0
    assert not dialog.send_button.isEnabled()
    dialog.since_edit.setDate(QDate(2025, 2, 1))
    assert "first date is after the last" in dialog.message.text()


def test_an_unreachable_server_says_so_and_keeps_the_dialog(qtbot: QtBot,
                                                            laptop: Laptop) -> None:
    def send(snapshot: Snapshot) -> Any:
        raise ServerUnreachable("The course server could not be reached.", "Try later.")

    dialog = _dialog(qtbot, laptop, send=send)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "could not be reached" in dialog.message.text())
    assert "save it as a file instead" in dialog.message.text()
    assert dialog.send_button.isEnabled()
    assert dialog.outcome.sent is None


def test_sending_to_a_real_course(qtbot: QtBot, laptop: Laptop, course: Course) -> None:
    name = course.add("ana", "trainee")
    client = course.connect(name)
    assert isinstance(client, CourseClient)
    with client:
        dialog = _dialog(qtbot, laptop, send=client.submit_portfolio)
        _tick(dialog, 0)
        with qtbot.waitSignal(dialog.accepted, timeout=20_000):
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        sent = dialog.outcome.sent
        assert sent is not None
        assert sent.reflection_count == 1
        stored = client.get_submission(sent.id).snapshot
        assert stored is not None
        assert dialog.snapshot is not None
        assert stored.portfolio == dialog.snapshot.portfolio
