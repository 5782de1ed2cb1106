"""The answer-order seed of attempts and group sessions, several paused attempts, migration 0002."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from peerscenarios.storage import AttemptStatus, Storage
from peerscenarios.storage.migrate import alembic_config, head_revision

from .conftest import FakeClock

SEED = 2**63 - 1  # the largest seed SQLite's INTEGER holds


def test_attempt_keeps_its_order_seed_everywhere_it_is_read(storage: Storage) -> None:
    p = storage.create_profile("A")
    seeded = storage.start_attempt(p.id, "s1", "h", "practice", order_seed=SEED)
    plain = storage.start_attempt(p.id, "s2", "h", "practice")
    assert seeded.order_seed == SEED
    assert plain.order_seed is None
    assert storage.get_attempt(seeded.id).order_seed == SEED
    assert storage.attempt_detail(seeded.id).summary.order_seed == SEED
    assert {a.id: a.order_seed for a in storage.list_attempts(p.id)} == {
        seeded.id: SEED, plain.id: None,
    }
    assert {a.id: a.order_seed for a in storage.paused_attempts(p.id)} == {
        seeded.id: SEED, plain.id: None,
    }
    assert storage.finish_attempt(seeded.id, "end").order_seed == SEED


def test_group_session_keeps_its_order_seed(storage: Storage) -> None:
    seeded = storage.start_group_session("s1", "h", order_seed=-5)
    plain = storage.start_group_session("s1", "h")
    assert seeded.order_seed == -5
    assert plain.order_seed is None
    assert storage.group_session_detail(seeded.id).session.order_seed == -5
    assert storage.group_session_detail(plain.id).session.order_seed is None


@pytest.mark.parametrize("seed", [2**63, -(2**63) - 1])
def test_a_seed_sqlite_cannot_hold_is_refused_before_writing(storage: Storage, seed: int) -> None:
    p = storage.create_profile("A")
    with pytest.raises(ValueError, match="64-bit"):
        storage.start_attempt(p.id, "s1", "h", "practice", order_seed=seed)
    with pytest.raises(ValueError, match="64-bit"):
        storage.start_group_session("s1", "h", order_seed=seed)
    assert storage.count_attempts(p.id) == 0
    assert storage.list_group_sessions() == []


def test_several_paused_attempts_newest_first(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    other = storage.create_profile("B")
    first = storage.start_attempt(p.id, "s1", "h", "practice")
    clock.advance(minutes=1)
    second = storage.start_attempt(p.id, "s2", "h", "assessment")
    # Same start time as the second: the later id counts as newer.
    third = storage.start_attempt(p.id, "s1", "h", "practice")
    clock.advance(minutes=1)
    done = storage.start_attempt(p.id, "s3", "h", "practice")
    storage.finish_attempt(done.id, "end")
    gone = storage.start_attempt(p.id, "s4", "h", "practice")
    storage.abandon_attempt(gone.id)
    storage.start_attempt(other.id, "s1", "h", "practice")
    paused = storage.paused_attempts(p.id)
    assert [a.id for a in paused] == [third.id, second.id, first.id]
    assert all(a.status is AttemptStatus.IN_PROGRESS for a in paused)
    # The single-resume call still answers with the newest one.
    assert storage.unfinished_attempt(p.id) == paused[0]
    assert storage.paused_attempts(999) == []


def test_last_results_name_the_newest_paused_attempt(storage: Storage, clock: FakeClock) -> None:
    p = storage.create_profile("A")
    older = storage.start_attempt(p.id, "s1", "h", "practice")
    clock.advance(minutes=1)
    newer = storage.start_attempt(p.id, "s1", "h", "practice")
    clock.advance(minutes=1)
    finished_later = storage.start_attempt(p.id, "s1", "h", "practice")
    storage.finish_attempt(finished_later.id, "end")
    done = storage.start_attempt(p.id, "s2", "h", "practice")
    storage.finish_attempt(done.id, "end")
    results = storage.last_results(p.id)
    # A later completed attempt does not hide the paused one from Resume.
    assert results["s1"].paused_attempt_id == newer.id
    assert results["s1"].status is AttemptStatus.COMPLETED
    assert results["s2"].paused_attempt_id is None
    storage.abandon_attempt(newer.id)
    assert storage.last_results(p.id)["s1"].paused_attempt_id == older.id


def test_upgrade_from_0001_keeps_history_and_leaves_old_orders_unseeded(
    db_path: Path,
) -> None:
    """A database from before revision 0002 opens with its attempts shown in file order."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO profile (id, name, created_at) VALUES (1, 'Old', '2025-11-01 10:00:00')")
        conn.exec_driver_sql(
            "INSERT INTO attempt (id, profile_id, number, scenario_id, content_hash, mode, "
            "status, started_at, week, choice_count, drift_count) VALUES "
            "(7, 1, 1, 's1', 'h', 'practice', 'in progress', '2025-11-01 10:00:00', "
            "'2025-W44', 0, 0)")
        conn.exec_driver_sql(
            "INSERT INTO group_session (id, scenario_id, content_hash, started_at, notes) "
            "VALUES (3, 's1', 'h', '2025-11-01 11:00:00', 'kept')")
    engine.dispose()
    with Storage.open(f"sqlite:///{db_path}") as s:
        assert s.get_attempt(7).order_seed is None
        assert [a.id for a in s.paused_attempts(1)] == [7]
        assert s.group_session_detail(3).session.order_seed is None
        assert s.group_session_detail(3).session.notes == "kept"
        assert s.integrity_check() == "ok"
        backups = s.list_backups()
    assert [b.path.name.endswith("-before-upgrade-from-0001.sqlite3") for b in backups] == [True]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
