"""Tests for where PeerScenarios keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peerscenarios import paths


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "_data_dir_override", None)


def _mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_env_var_sets_data_dir_and_creates_it_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a" / "data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(target))
    assert paths.data_dir() == target.resolve()
    assert target.is_dir()
    assert _mode(target) == 0o700


def test_override_beats_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    paths.set_data_dir_override(tmp_path / "flag")
    assert paths.data_dir() == (tmp_path / "flag").resolve()
    paths.set_data_dir_override(None)
    assert paths.data_dir() == (tmp_path / "env").resolve()


def test_default_uses_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    seen: list[tuple[str, object]] = []

    def fake_user_data_dir(name: str, appauthor: object = None) -> str:
        seen.append((name, appauthor))
        return str(tmp_path / "platform")

    monkeypatch.setattr(paths.platformdirs, "user_data_dir", fake_user_data_dir)
    assert paths.data_dir() == tmp_path / "platform"
    assert seen == [("PeerScenarios", False)]


def test_ensure_private_dir_tightens_existing(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    assert paths.ensure_private_dir(loose) == loose
    assert _mode(loose) == 0o700


def test_derived_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "d"))
    base = (tmp_path / "d").resolve()
    assert paths.database_path() == base / "peerscenarios.sqlite3"
    assert not paths.database_path().exists()
    assert paths.default_database_url() == f"sqlite:///{base / 'peerscenarios.sqlite3'}"
    for fn, name in (
        (paths.backups_dir, "backups"),
        (paths.user_scenarios_dir, "scenarios"),
        (paths.cache_dir, "cache"),
        (paths.log_dir, "logs"),
    ):
        d = fn()
        assert d == base / name
        assert d.is_dir()
        assert _mode(d) == 0o700


def test_exports_default_dir_falls_back_to_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths.platformdirs, "user_documents_dir", lambda: str(tmp_path / "nope"))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    assert paths.exports_default_dir() == tmp_path
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(paths.platformdirs, "user_documents_dir", lambda: str(tmp_path / "docs"))
    assert paths.exports_default_dir() == tmp_path / "docs"


def test_builtin_scenarios_dir_exists() -> None:
    assert paths.builtin_scenarios_dir().name in {"scenarios", "builtin_scenarios"}


def test_private_file_creates_0600_tightens_and_never_truncates(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = paths.private_file(tmp_path / "new.ini")
        assert fresh.read_bytes() == b""
        assert _mode(fresh) == 0o600
        loose = tmp_path / "loose.log"
        loose.write_text("kept")
        loose.chmod(0o644)
        assert paths.private_file(loose).read_text() == "kept"
        assert _mode(loose) == 0o600
    finally:
        os.umask(old)
