"""The files the app writes beside the database are private too: settings, lock file, logs."""

from __future__ import annotations

import logging
import logging.handlers
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from peerscenarios import paths
from peerscenarios.ui.app import SingleInstance
from peerscenarios.ui.crash_handling import setup_logging
from peerscenarios.ui.present.screens import PresentSettings
from peerscenarios.ui.settings import Settings


def _mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The umask most desktops start programs with: new files are world-readable by default."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_settings_file_is_private(qtbot: QtBot) -> None:
    settings = Settings()
    settings.text_step = 2
    settings._q.sync()  # what Qt does on exit: write the file now
    assert _mode(paths.data_dir() / "settings.ini") == 0o600
    assert Settings().text_step == 2


def test_facilitator_settings_file_is_private(qtbot: QtBot) -> None:
    settings = PresentSettings()
    settings.audience_screen = "Projector"
    settings._q.sync()
    assert _mode(paths.data_dir() / "settings.ini") == 0o600


def test_lock_file_is_private(qtbot: QtBot) -> None:
    instance = SingleInstance(paths.data_dir())
    assert instance.acquire()
    try:
        assert _mode(paths.data_dir() / "app.lock") == 0o600
    finally:
        instance.release()
    assert os.umask(0o022) == 0o022  # the umask was given back


def test_the_start_up_log_becomes_the_rotating_log_without_losing_a_line() -> None:
    # The app logs its first lines with a plain file handler (logging.handlers is slow to
    # import) and switches to the rotating one after its first paint.
    root = logging.getLogger("peerscenarios")
    log_file = setup_logging(logging.INFO, rotating=False)
    root.info("first line")
    assert setup_logging(logging.INFO) == log_file
    root.info("second line")
    handlers = [h for h in root.handlers if isinstance(h, logging.FileHandler)]
    try:
        assert len(handlers) == 1
        assert isinstance(handlers[0], logging.handlers.RotatingFileHandler)
        lines = log_file.read_text(encoding="utf-8")
        assert lines.index("first line") < lines.index("second line")
        assert _mode(log_file) == 0o600
    finally:
        for h in handlers:
            h.close()
            root.removeHandler(h)


def test_log_files_are_private_also_after_rotation() -> None:
    log_file = setup_logging(logging.INFO)
    root = logging.getLogger("peerscenarios")
    handler = next(h for h in root.handlers
                   if getattr(h, "baseFilename", None) == str(log_file))
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    try:
        root.info("before rotation")
        handler.doRollover()
        root.info("after rotation")
    finally:
        handler.close()
        root.removeHandler(handler)
    rotated = log_file.with_name(log_file.name + ".1")
    assert "before rotation" in rotated.read_text(encoding="utf-8")
    assert "after rotation" in log_file.read_text(encoding="utf-8")
    assert _mode(log_file) == 0o600
    assert _mode(rotated) == 0o600
