"""Fixtures for app-layer tests (no QApplication): scenarios to play and a fresh Storage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from peerscenarios import paths
from peerscenarios.app.library_service import load_library
from peerscenarios.core.library import Library, check_file
from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage

FIXTURES = Path(__file__).resolve().parents[1] / "ui" / "present" / "fixtures"


def load(path: Path) -> Scenario:
    """One scenario file, which must be valid."""
    loaded = check_file(path, with_lint=False)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    return loaded.scenario


@pytest.fixture
def crowded() -> Scenario:
    """A long opening node, then a decision with six long choices."""
    return load(FIXTURES / "crowded-room.yaml")


@pytest.fixture
def typical() -> Scenario:
    """A built-in scenario of ordinary size."""
    return load(paths.builtin_scenarios_dir() / "back-to-school.yaml")


@pytest.fixture
def storage() -> Iterator[Storage]:
    """A Storage in the test's own data folder."""
    store = Storage.open(backup=False)
    yield store
    store.close()


@pytest.fixture(scope="session")
def builtin_library() -> Library:
    """The real built-in scenarios."""
    return load_library([], builtin=[paths.builtin_scenarios_dir()], with_lint=False)
