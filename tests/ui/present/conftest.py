"""Fixtures for facilitator mode: scenarios, a database, stand-in screens, a running session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from peerscenarios.storage import Storage
from peerscenarios.ui.present.screens import PresentSettings

from .helpers import FakeScreen, FakeScreens


@pytest.fixture(autouse=True)
def _file_order(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions here show responses in the file's order, so a test can name "A" and "B".

    A session normally shuffles them (tests marked ``shuffled`` keep that, and
    check that letters, votes and the record follow the shuffled order).
    """
    if request.node.get_closest_marker("shuffled") is None:
        from peerscenarios.ui.present import controller

        monkeypatch.setattr(controller, "new_seed", lambda: None)


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    """A fresh database file."""
    s = Storage.open(f"sqlite:///{tmp_path / 'present.sqlite3'}", backup=False)
    yield s
    s.close()


@pytest.fixture
def projector() -> FakeScreen:
    """A 1080p projector to the right of the laptop."""
    return FakeScreen("HDMI-1 Projector", QRect(1366, 0, 1920, 1080))


@pytest.fixture
def two_screens(projector: FakeScreen) -> FakeScreens:
    """Laptop and projector."""
    return FakeScreens(projector)


@pytest.fixture
def one_screen() -> FakeScreens:
    """Just the laptop."""
    return FakeScreens()


@pytest.fixture
def settings() -> PresentSettings:
    """Facilitator settings in the (temporary) data folder."""
    return PresentSettings()


@pytest.fixture(autouse=True)
def _no_real_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test never blocks on a real exec(); closing windows at teardown confirms by itself."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from peerscenarios.ui.present.dialogs import LeaveDialog

    def refuse(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("a test reached a real dialog exec(); replace its ask()")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "question", refuse)
    monkeypatch.setattr(LeaveDialog, "ask", classmethod(lambda cls, *a: True))
