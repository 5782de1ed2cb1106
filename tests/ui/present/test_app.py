"""``peerscenarios present``: storage errors, unknown ids, the scenario picker."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage
from peerscenarios.ui.present import app as present_app
from peerscenarios.ui.present.dialogs import ErrorMessage, ScenarioPicker


def _args(tmp_path: Path, scenario_id: str | None = None, db: str | None = None
          ) -> argparse.Namespace:
    return argparse.Namespace(scenario_id=scenario_id, data_dir=None,
                              db=db or f"sqlite:///{tmp_path / 'cli.sqlite3'}")


def test_a_database_problem_is_shown_plainly_and_exits_1(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ErrorMessage, "show",
                        classmethod(lambda cls, parent, title, msg, hint="":
                                    shown.append((msg, hint))))
    assert present_app.run_present(_args(tmp_path, db=f"sqlite:///{bad}")) == 1
    assert shown
    assert shown[0][0]


def test_an_unknown_id_exits_1_and_a_cancelled_picker_exits_0(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(ErrorMessage, "show",
                        classmethod(lambda cls, parent, title, msg, hint="": shown.append(msg)))
    assert present_app.run_present(_args(tmp_path, "no-such-scenario")) == 1
    assert "no-such-scenario" in shown[0]
    offered: list[list[str]] = []
    monkeypatch.setattr(ScenarioPicker, "ask", classmethod(
        lambda cls, parent, scenarios: offered.append([s.id for s in scenarios])))
    assert present_app.run_present(_args(tmp_path)) == 0
    assert "back-to-school" in offered[0]


def test_a_known_id_starts_the_presentation(qtbot: QtBot, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []

    class Presenter:
        class _Left:
            def connect(self, _slot: object) -> None:
                pass

        left = _Left()

    def fake_start(parent: object, scenario: Scenario, storage: Storage,
                   **_options: object) -> Presenter:
        started.append(scenario.id)
        return Presenter()

    monkeypatch.setattr(present_app, "start_presentation", fake_start)
    monkeypatch.setattr(present_app.QApplication, "exec", lambda self: 0)
    assert present_app.run_present(_args(tmp_path, "back-to-school")) == 0
    assert started == ["back-to-school"]


def test_the_picker_filters_and_returns_the_highlighted_scenario(
        qtbot: QtBot, typical: Scenario, crowded: Scenario) -> None:
    picker = ScenarioPicker(None, [typical, crowded])
    qtbot.addWidget(picker)
    assert picker.selected() is typical
    picker.filter.setText("crowded")
    picker.view.setCurrentIndex(picker.proxy.index(0, 0))
    assert picker.selected() is crowded
    assert picker.result() == QDialog.DialogCode.Rejected
