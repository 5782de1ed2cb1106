"""Fixtures for export tests: a Storage in the temp data folder and the built-in library."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from peerscenarios import paths
from peerscenarios.core.library import Library, load_library
from peerscenarios.storage import Storage

from ._helpers import FakeClock


@pytest.fixture(autouse=True)
def _utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with local time = UTC, so day boundaries in range filters are predictable."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def library() -> Library:
    """The real built-in scenarios (no cache, no lint: tests need only the model)."""
    return load_library([], builtin=[paths.builtin_scenarios_dir()], with_lint=False)


@pytest.fixture
def clock() -> FakeClock:
    """The storage's clock."""
    return FakeClock()


@pytest.fixture
def storage(clock: FakeClock) -> Iterator[Storage]:
    """A Storage on the default database file of the (temporary) data folder."""
    store = Storage.open(clock=clock, backup=False)
    yield store
    store.close()
