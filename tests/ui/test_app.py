"""Start-up, faults and comfort: problems panel, crash dialog, storage errors, one instance."""

from __future__ import annotations

import argparse
import logging
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from peerscenarios import paths
from peerscenarios.storage import DatabaseTooNew, Storage
from peerscenarios.ui import app as app_module
from peerscenarios.ui.app import SingleInstance, open_storage, run_app
from peerscenarios.ui.crash_handling import LOG_FILENAME, ExceptionHandler, setup_logging
from peerscenarios.ui.settings import THEME_HIGH_CONTRAST, Settings
from peerscenarios.ui.theme import point_size

from .conftest import BAD, SCENARIO_ID, DialogScript, WindowFactory


def test_unloadable_scenario_is_listed_and_the_rest_works(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window(user=(BAD,))
    assert w.library.problems_frame.isVisible()
    assert "1 scenario file could not be loaded" in w.library.problems_label.text()
    rows = [w.library.problem_model.index(r, 0).data()
            for r in range(w.library.problem_model.rowCount())]
    assert any("broken.yaml:10:11: error:" in r for r in rows)
    assert w.library.model.rowCount() == 1
    assert w.library.select_scenario(SCENARIO_ID)


def test_reload_picks_up_a_new_file(qtbot: QtBot, make_window: WindowFactory,
                                    tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    w = make_window(user=(folder,))
    assert not w.library.problems_frame.isVisible()
    (folder / "broken.yaml").write_text((BAD / "broken.yaml").read_text())
    with qtbot.waitSignal(w.ctx.library_changed):
        qtbot.mouseClick(w.library.reload_button, Qt.MouseButton.LeftButton)
    assert w.library.problem_model.file_count == 1


def test_exception_in_a_slot_shows_the_crash_dialog_and_the_window_survives(
        qtbot: QtBot, make_window: WindowFactory, dialogs: DialogScript,
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window()
    handler = ExceptionHandler(lambda: w)
    handler.install()
    try:
        def broken() -> None:
            raise RuntimeError("deliberate test failure")

        monkeypatch.setattr(w.library.controller, "refresh_results", broken)
        qtbot.mouseClick(w.library.reload_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(dialogs.called("crash")), timeout=5000)
    finally:
        handler.uninstall()
    summary, details, _log = dialogs.called("crash")[0]
    assert "deliberate test failure" in summary
    assert "Traceback" in details
    # The window is still there and still works.
    assert w.isVisible()
    monkeypatch.undo()
    assert w.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
    assert w.pages.currentWidget() is w.player


def test_expected_errors_get_a_plain_message(qtbot: QtBot, make_window: WindowFactory,
                                             dialogs: DialogScript) -> None:
    w = make_window()
    handler = ExceptionHandler(lambda: w)
    exc = DatabaseTooNew("Made by a newer version.", "Update PeerScenarios.")
    handler(type(exc), exc, None)
    assert dialogs.called("report")[0][1:] == ("Made by a newer version.",
                                               "Update PeerScenarios.")
    assert not dialogs.called("crash")


def test_damaged_database_is_moved_aside_when_the_trainee_agrees(
        dialogs: DialogScript) -> None:
    db = paths.database_path()
    db.write_bytes(b"this is not a database at all" * 100)
    storage = open_storage(None)
    assert storage is not None
    try:
        assert storage.list_profiles() == []
        assert dialogs.called("start_fresh")
        assert list(db.parent.glob("*.damaged-*"))
    finally:
        storage.close()


def test_damaged_database_left_alone_when_the_trainee_declines(dialogs: DialogScript) -> None:
    db = paths.database_path()
    db.write_bytes(b"garbage" * 500)
    dialogs.start_fresh = False
    assert open_storage(None) is None
    assert db.read_bytes().startswith(b"garbage")


def test_database_from_a_newer_version_is_explained(dialogs: DialogScript,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def too_new(*_a: object, **_k: object) -> Storage:
        raise DatabaseTooNew("This history was written by a newer PeerScenarios.", "Update.")

    monkeypatch.setattr(Storage, "open", too_new)
    assert open_storage(None) is None
    assert dialogs.called("report")[0][1] == "This history was written by a newer PeerScenarios."


def test_second_instance_wakes_the_first(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance(paths.data_dir())
    second = SingleInstance(paths.data_dir())
    assert first.acquire()
    try:
        assert not second.acquire()
        # The first starts listening only after its window has painted: until then a
        # second launch finds nobody, and says so after trying for a while.
        assert not second.notify_running(patience_ms=300)
        first.listen()
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert second.notify_running()
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_text_size_and_high_contrast_persist(qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    base = app.font().pointSize()
    w.menu_actions.larger.trigger()
    w.menu_actions.larger.trigger()
    assert app.font().pointSize() == point_size(2) > base
    assert Settings().text_step == 2
    w.menu_actions.smaller.trigger()
    assert Settings().text_step == 1
    w.menu_actions.contrast.trigger()
    assert Settings().theme == THEME_HIGH_CONTRAST
    assert w.ctx.colours.name == "high-contrast"
    assert "#ffff00" in app.styleSheet()
    w.menu_actions.contrast.trigger()
    w.menu_actions.default_size.trigger()
    assert Settings().text_step == 0
    assert (paths.data_dir() / "settings.ini").exists()


def test_switching_profile_shows_that_profiles_history(
        qtbot: QtBot, make_window: WindowFactory, dialogs: DialogScript) -> None:
    from peerscenarios.ui.dialogs import ProfileChoice

    w = make_window()
    dialogs.pick = ProfileChoice(new_name="Robin")
    qtbot.mouseClick(w.switch_button, Qt.MouseButton.LeftButton)
    assert w.ctx.profile is not None
    assert w.ctx.profile.name == "Robin"
    assert w.profile_label.text() == "Profile: Robin"
    assert sorted(p.name for p in w.ctx.storage.list_profiles()) == ["Robin", "Sam"]


def test_run_app_delegates_present(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []
    fake = types.ModuleType("peerscenarios.ui.present")
    fake.run_present = lambda args: seen.append(args) or 7  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "peerscenarios.ui.present", fake)
    args = argparse.Namespace(command="present", data_dir=None, db=None, scenario_id=None)
    assert run_app(args) == 7
    assert seen == [args]


def test_present_to_a_group_calls_the_presenter(
        qtbot: QtBot, make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    fake = types.ModuleType("peerscenarios.ui.present")
    fake.start_presentation = lambda *a: calls.append(a)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "peerscenarios.ui.present", fake)
    w = make_window()
    assert w.library.select_scenario(SCENARIO_ID)
    qtbot.mouseClick(w.library.present_button, Qt.MouseButton.LeftButton)
    assert len(calls) == 1
    parent, scenario, storage = calls[0]
    assert parent is w
    assert getattr(scenario, "id", None) == SCENARIO_ID
    assert storage is w.ctx.storage


def test_log_never_holds_reflection_text(qtbot: QtBot, make_window: WindowFactory) -> None:
    log_file = setup_logging(logging.DEBUG)
    root = logging.getLogger("peerscenarios")
    try:
        w = make_window()
        assert w.library.select_scenario(SCENARIO_ID)
        qtbot.mouseClick(w.library.practice_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(w.player.warnings_page.start_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(w.player, Qt.Key.Key_1)
        qtbot.mouseClick(w.player.feedback.continue_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(w.player.reflection.editors[0].editor, "secret words zebra")
        qtbot.mouseClick(w.player.reflection.done_button, Qt.MouseButton.LeftButton)
    finally:
        for h in list(root.handlers):
            if getattr(h, "baseFilename", None) == str(log_file):
                h.close()
                root.removeHandler(h)
    text = log_file.read_text(encoding="utf-8")
    assert "attempt 1 started" in text
    assert "zebra" not in text
    assert log_file.name == LOG_FILENAME
    assert app_module.APP_NAME == "PeerScenarios"
