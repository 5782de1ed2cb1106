"""Fixtures for app-layer tests (no QApplication): a fresh Storage and the built-in library.

The scenarios to play (``crowded``, ``typical``) come from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from peerscenarios import paths
from peerscenarios.app.library_service import load_library
from peerscenarios.core.library import Library
from peerscenarios.storage import Storage


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
