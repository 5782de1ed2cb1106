"""Atomic, private writes: a failure leaves the previous file as it was and no temp file."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from peerscenarios.core.reporting import Portfolio, Totals
from peerscenarios.errors import PeerScenariosError
from peerscenarios.export import ExportError, csvout, write_csv
from peerscenarios.export.atomic import TEMP_SUFFIX, atomic_text


def _empty() -> Portfolio:
    from datetime import datetime

    totals = Totals(0, 0, 0, 0, 0, 0, 0, 0, 0)
    return Portfolio(1, "Empty", datetime.now().astimezone(), None, None, totals, (), ())


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An earlier export that must survive a failed one."""
    path = tmp_path / "out" / "portfolio.csv"
    path.parent.mkdir()
    path.write_text("previous export\n")
    return path


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_temp_file_is_private_from_the_start(previous: Path) -> None:
    with atomic_text(previous) as fh:
        (temp,) = _leftovers(previous.parent)
        assert stat.S_IMODE(os.stat(previous.parent / temp).st_mode) == 0o600
        fh.write("new")
        assert previous.read_text() == "previous export\n"  # not replaced until the end
    assert previous.read_text() == "new"
    assert _leftovers(previous.parent) == []


def test_writer_failing_midway_leaves_previous_file(previous: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def rows(_: Portfolio) -> Iterator[dict[str, object]]:
        yield {"record": "attempt", "attempt": 1}
        raise RuntimeError("boom halfway")

    monkeypatch.setattr(csvout, "portfolio_rows", rows)
    with pytest.raises(RuntimeError, match="boom"):
        write_csv(_empty(), previous)
    assert previous.read_text() == "previous export\n"
    assert _leftovers(previous.parent) == []


def test_disk_full(previous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match="disk is full") as info:
        write_csv(_empty(), previous)
    assert isinstance(info.value, PeerScenariosError)
    assert previous.read_text() == "previous export\n"
    assert _leftovers(previous.parent) == []


def test_unwritable_folder(previous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    # chmod cannot stop root (tests may run as root), so the refusal is simulated.
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(ExportError, match="not allowed to write"):
        write_csv(_empty(), previous)
    assert previous.read_text() == "previous export\n"


def test_really_read_only_folder(tmp_path: Path) -> None:
    """A folder the user may not write to, for real: as root, the write runs as 'nobody'."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="ps-readonly-", dir="/tmp"))
    try:
        target = folder / "portfolio.csv"
        target.write_text("previous export\n")
        if os.geteuid() != 0:
            folder.chmod(0o500)
            with pytest.raises(ExportError, match="not allowed to write"):
                write_csv(_empty(), target)
        else:
            # Root ignores permission bits, so a forked child drops to 'nobody' first;
            # the folder stays root-owned 0755: readable, not writable, for that user.
            folder.chmod(0o755)
            target.chmod(0o644)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                code = 1
                try:
                    os.setgid(65534)
                    os.setuid(65534)
                    write_csv(_empty(), target)
                except ExportError as exc:
                    code = 0 if "not allowed to write" in exc.message else 2
                except BaseException:
                    code = 3
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0
        assert target.read_text() == "previous export\n"
        assert sorted(p.name for p in folder.iterdir()) == ["portfolio.csv"]
    finally:
        folder.chmod(0o700)
        shutil.rmtree(folder)


def test_missing_folder_and_folder_target(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(_empty(), tmp_path / "nope" / "x.csv")
    with pytest.raises(ExportError, match="is a folder"):
        write_csv(_empty(), tmp_path)
