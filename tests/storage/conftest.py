"""Fixtures for storage tests: a private data directory and an open Storage on it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from peerscenarios import paths
from peerscenarios.storage import Storage


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Send every path to a fresh directory (the shared conftest does too: belt and braces)."""
    directory = tmp_path / "data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(directory))
    monkeypatch.setattr(paths, "_data_dir_override", None)
    return directory


@pytest.fixture
def db_path(data_dir: Path) -> Path:
    """The database file inside the test data directory."""
    return data_dir / paths.DATABASE_FILENAME


class FakeClock:
    """A controllable clock: starts at a fixed Monday noon UTC and advances on request."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    """A FakeClock for storages that need predictable times."""
    return FakeClock()


@pytest.fixture
def storage(db_path: Path, clock: FakeClock) -> Iterator[Storage]:
    """A Storage on a fresh database file, closed after the test."""
    store = Storage.open(f"sqlite:///{db_path}", clock=clock)
    yield store
    store.close()


def file_mode(path: Path) -> int:
    """Permission bits of a file."""
    return os.stat(path).st_mode & 0o777


def as_unprivileged(fn: Callable[[], str]) -> str:
    """Run ``fn`` as an ordinary user (root ignores file permissions) and return its result."""
    if os.geteuid() != 0:
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            result = fn()
        except BaseException as exc:
            result = f"child error: {exc!r}"
        os.write(write_end, result.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        out = f.read().decode()
    os.waitpid(pid, 0)
    return out


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory an unprivileged user can reach (pytest's tmp dirs are root-only)."""
    base = Path(tempfile.mkdtemp(prefix="peerscenarios-ro-"))
    base.chmod(0o755)
    yield base
    for root, dirs, files in os.walk(base):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o700)
    shutil.rmtree(base)


def hand_to_nobody(*targets: Path) -> None:
    """Give files and folders to the unprivileged user (a no-op when not running as root)."""
    if os.geteuid() == 0:
        for target in targets:
            os.chown(target, 65534, 65534)
