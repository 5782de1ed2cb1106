"""``peerscenarios export``: exit codes, messages and the files it writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from peerscenarios.cli import main
from peerscenarios.core.library import Library
from peerscenarios.storage import Storage

from ._helpers import FakeClock, play


@pytest.fixture
def history(storage: Storage, library: Library, clock: FakeClock) -> Storage:
    """One profile with attempts on 2026-03-02 and 2026-03-04."""
    profile = storage.create_profile("Robin")
    walt = library.by_id("benefits-form")
    assert walt is not None
    play(storage, walt, profile.id, clock=clock)
    clock.advance(days=2)
    play(storage, walt, profile.id, picks=(1,), clock=clock)
    return storage


@pytest.mark.parametrize("fmt", ["md", "csv", "pdf"])
def test_exports_each_format(tmp_path: Path, history: Storage, fmt: str, qapp: object,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"portfolio.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(out)]) == 0
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert "Robin" in capsys.readouterr().out
    if fmt == "md":
        assert out.read_text(encoding="utf-8").count("### Attempt") == 2


def test_date_range(tmp_path: Path, history: Storage) -> None:
    out = tmp_path / "p.md"
    assert main(["export", "--format", "md", "--out", str(out), "--since", "2026-03-03",
                 "--until", "2026-03-04"]) == 0
    assert out.read_text(encoding="utf-8").count("### Attempt") == 1


def test_no_attempts_in_range(tmp_path: Path, history: Storage,
                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.md"
    assert main(["export", "--format", "md", "--out", str(out), "--since", "2027-01-01"]) == 1
    assert "no attempts" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["--since", "yesterday"], ["--until", "2026-13-01"], ["--since", "20260301"],
    ["--since", "2026-03-05", "--until", "2026-03-01"],
])
def test_bad_dates_are_usage_errors(tmp_path: Path, history: Storage, args: list[str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "md", "--out", str(tmp_path / "p.md"), *args]) == 2
    err = capsys.readouterr().err
    assert args[0] in err
    assert "YYYY-MM-DD" in err or "after" in err


def test_profiles(tmp_path: Path, history: Storage,
                  capsys: pytest.CaptureFixture[str]) -> None:
    history.create_profile("Ash")
    out = str(tmp_path / "p.md")
    assert main(["export", "--format", "md", "--out", out]) == 1
    err = capsys.readouterr().err
    assert "several profiles" in err
    assert "Ash, Robin" in err
    assert main(["export", "--format", "md", "--out", out, "--profile", "Nobody"]) == 1
    assert "no profile called “Nobody”" in capsys.readouterr().err
    assert main(["export", "--format", "md", "--out", out, "--profile", "robin"]) == 0
    assert main(["export", "--format", "md", "--out", out, "--profile", "Ash"]) == 1
    assert "no attempts" in capsys.readouterr().err


def test_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "md", "--out", str(tmp_path / "p.md"),
                 "--data-dir", str(tmp_path / "empty")]) == 1
    assert "no practice history" in capsys.readouterr().err


def test_unwritable_destination(tmp_path: Path, history: Storage,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "no" / "p.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err
