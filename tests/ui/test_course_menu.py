"""The Course menu: where it sits, what it sends (nothing unless asked), where settings go."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from peerscenarios import paths
from peerscenarios.course.settings import CourseSettings
from peerscenarios.ui.course.submit_dialog import SubmitPortfolioDialog

from .conftest import WindowFactory


def test_the_course_menu_sits_before_help_and_sends_nothing_on_its_own(
        qtbot: QtBot, make_window: WindowFactory) -> None:
    w = make_window()
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles[-2:] == ["C&ourse", "&Help"]
    entries = [a.text() for a in w.course_menu.menu.actions() if a.text()]
    assert entries == ["Connection &settings…", "S&ubmit my portfolio…", "&My submissions…",
                       "Course &view (facilitators)…", "&Import a submission file…"]
    assert w.course_menu.submit_action.isEnabled()


def test_submit_without_a_server_offers_the_file_route_with_the_trainees_own_portfolio(
        qtbot: QtBot, make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window()
    asked: list[dict[str, Any]] = []

    def fake_ask(cls: type, parent: object, build: Any, send: Any, **kw: Any) -> None:
        asked.append({"build": build, "send": send, **kw})

    monkeypatch.setattr(SubmitPortfolioDialog, "ask", classmethod(fake_ask))
    w.course_menu.submit_action.trigger()
    assert len(asked) == 1
    assert asked[0]["send"] is None  # no server set up: the file route only
    portfolio = asked[0]["build"](None, date.today())
    assert portfolio.profile_name == "Sam"


def test_settings_are_kept_without_the_password(qtbot: QtBot, make_window: WindowFactory,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window()
    kept: list[tuple[str, str]] = []
    monkeypatch.setattr("peerscenarios.course.settings.save_password",
                        lambda settings, password: kept.append((settings.user, password)))
    settings = CourseSettings(host="course.example.org", user="ana")
    w.course_menu.access.save(settings, "s3cret")
    assert w.course_menu.access.course_settings() == settings
    assert kept == [("ana", "s3cret")]  # the password goes to the keyring only
    ini = (paths.data_dir() / "settings.ini").read_text(encoding="utf-8")
    assert "course.example.org" in ini
    assert "s3cret" not in ini


def test_import_opens_the_file_route(qtbot: QtBot, make_window: WindowFactory,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window()
    opened: list[object] = []
    monkeypatch.setattr("peerscenarios.ui.course.viewer.import_submission",
                        lambda parent: opened.append(parent))
    w.course_menu.import_action.trigger()
    assert opened == [w]
