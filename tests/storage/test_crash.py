"""kill -9 in the middle of writing, again and again; and two processes writing at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from peerscenarios.storage import Storage

CHILD = Path(__file__).with_name("writer_child.py")
KILLS = int(os.environ.get("PEERSCENARIOS_KILL_LOOPS", "20"))


def _spawn(db: Path, tag: int, *extra: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(db), str(tag), *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    ready = proc.stdout.readline()
    assert ready.strip() == "READY", ready + (proc.stderr.read() if proc.stderr else "")
    return proc


def _go(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()


@dataclass
class Returned:
    """Every write a child reported as returned, across all children."""

    choices: set[int] = field(default_factory=set)
    reflections: dict[int, int] = field(default_factory=dict)
    drafts: dict[tuple[int, str], int] = field(default_factory=dict)

    def read(self, output: str) -> int:
        lines = 0
        for line in output.splitlines():
            parts = line.split()
            if not parts:
                continue
            lines += 1
            if parts[0] == "C":
                self.choices.add(int(parts[1]))
            elif parts[0] == "R":
                self.reflections[int(parts[1])] = int(parts[2])
            elif parts[0] == "D":
                self.drafts[(int(parts[1]), parts[2])] = int(parts[3])
        return lines


def _verify(db: Path, returned: Returned) -> None:
    conn = sqlite3.connect(db)  # a fresh connection replays the WAL, as the app would
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO reflection_fts(reflection_fts) VALUES ('integrity-check')")
        choices = {r[0] for r in conn.execute("SELECT id FROM choice_event")}
        assert returned.choices <= choices, "a recorded choice was lost"
        reflections = dict(conn.execute(
            "SELECT id, CAST(substr(text, 12, instr(substr(text, 12), ' ') - 1) AS INTEGER) "
            "FROM reflection"
        ).fetchall())
        for rid, serial in returned.reflections.items():
            assert reflections.get(rid) == serial, "a saved reflection was lost"
        drafts = {
            (a, p.removeprefix("draft-")): int(t.split()[1])
            for a, p, t in conn.execute("SELECT attempt_id, prompt_id, text FROM reflection_draft")
        }
        for key, serial in returned.drafts.items():
            assert drafts.get(key, -1) >= serial, "an autosaved draft went backwards"
        # The denormalised counts agree with the events they summarise.
        mismatched = conn.execute(
            "SELECT count(*) FROM attempt a WHERE a.choice_count != "
            "(SELECT count(*) FROM choice_event c WHERE c.attempt_id = a.id AND NOT stepped_back)"
        ).fetchone()[0]
        assert mismatched == 0
    finally:
        conn.close()


@pytest.mark.slow
def test_kill_9_while_writing_loses_nothing_that_returned(db_path: Path) -> None:
    Storage.open(f"sqlite:///{db_path}", backup=False).close()
    rng = random.Random(20261122)
    returned = Returned()
    total_lines = 0
    nxt = _spawn(db_path, 1)
    for round_no in range(1, KILLS + 1):
        proc = nxt
        _go(proc)
        # Spawn the next child now so its imports overlap this one's writing;
        # it waits on stdin and touches no file until told to go.
        nxt = _spawn(db_path, round_no + 1) if round_no < KILLS else None
        # Some kills land during start-up, most in the middle of writing.
        time.sleep(rng.choice([0.0, 0.02]) if round_no % 5 == 0 else rng.uniform(0.1, 0.35))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        total_lines += returned.read(out)
        _verify(db_path, returned)
    print(f"{total_lines} writes returned; {len(returned.choices)} choices")
    assert total_lines > KILLS * 3, "the children hardly wrote anything before being killed"
    assert len(returned.reflections) > 0
    with Storage.open(f"sqlite:///{db_path}", backup=False) as s:
        assert s.integrity_check() == "ok"


@pytest.mark.slow
@pytest.mark.parametrize("writers", [2, 4])
def test_two_processes_writing_at_once(db_path: Path, writers: int) -> None:
    with Storage.open(f"sqlite:///{db_path}", backup=False) as s:
        p = s.create_profile("shared")
        attempt = s.start_attempt(p.id, "s", "h", "practice")
    per_writer = 60
    procs = [_spawn(db_path, tag, str(attempt.id), str(per_writer))
             for tag in range(1, writers + 1)]
    for proc in procs:
        _go(proc)
    returned = Returned()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.rstrip().endswith("DONE")
        returned.read(out)
    assert len(returned.choices) == writers * per_writer
    _verify(db_path, returned)
    with Storage.open(f"sqlite:///{db_path}", backup=False) as s:
        choices = s.attempt_choices(attempt.id)
        # Both writers appended to the same attempt: one gapless sequence.
        assert [c.seq for c in choices] == list(range(1, writers * per_writer + 1))
        assert {c.id for c in choices} == returned.choices
        summary = s.list_attempts(p.id)[0]
        assert summary.choice_count == writers * per_writer


@pytest.mark.slow
def test_kill_9_during_backups_leaves_no_partial_copy(db_path: Path) -> None:
    """A backup killed halfway leaves a .partial copy of every reflection; the next start removes it."""
    with Storage.open(f"sqlite:///{db_path}", backup=False) as s:
        p = s.create_profile("Backed up")
        a = s.start_attempt(p.id, "s", "h", "practice")
        for i in range(1500):  # a few MB, so each backup takes a while
            s.save_reflection(a.id, f"r{i}", f"reflection {i} " + "words about my day " * 60)
        backups = s.backups_dir
    rng = random.Random(20261126)
    leftovers_seen = 0
    kills = max(KILLS // 2, 5)
    nxt = _spawn(db_path, 1, "backup")
    for round_no in range(1, kills + 1):
        proc = nxt
        _go(proc)
        nxt = _spawn(db_path, round_no + 1, "backup") if round_no < kills else None
        time.sleep(rng.uniform(0.2, 0.6))
        os.kill(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        leftovers_seen += len(list(backups.glob("*.partial")))
        with Storage.open(f"sqlite:///{db_path}", backup=False) as s:
            assert s.integrity_check() == "ok"
    assert leftovers_seen > 0, "no kill landed in the middle of a backup"
    with Storage.open(f"sqlite:///{db_path}") as s:  # an ordinary start
        assert s.list_backups()
    assert list(backups.glob("*.partial")) == []
