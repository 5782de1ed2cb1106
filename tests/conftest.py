"""Test-wide setup: headless Qt, and every file the app would write sent to a temp folder.

A test never touches the real home directory: HOME, the XDG folders and the
app's own data directory all point into ``tmp_path`` for every test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peerscenarios.core.model import Scenario
from scenario_samples import SCENARIO_FIXTURES, load_scenario

# Must be set before any QApplication exists; the test command needs no setup of its own.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_ACCESSIBILITY", "0")


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data directory, HOME and XDG folders at a fresh temp folder."""
    from peerscenarios import paths

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_DATA_HOME", "share"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    data = tmp_path / "data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(data))
    monkeypatch.setattr(paths, "_data_dir_override", None)
    return data


@pytest.fixture
def crowded() -> Scenario:
    """A long opening node, then a decision with six long choices."""
    return load_scenario(SCENARIO_FIXTURES / "crowded-room.yaml")


@pytest.fixture
def typical() -> Scenario:
    """A built-in scenario of ordinary size."""
    from peerscenarios import paths

    return load_scenario(paths.builtin_scenarios_dir() / "back-to-school.yaml")
