"""Benchmark of the storage layer: write latency with commit, and history queries at scale.

Run ``python bench/bench_storage.py [--quick]``. A seeded, deterministic
history is generated in a temporary directory (1,000,000 choice events and
100,000 reflections; 100,000 / 10,000 with --quick), then:

- record_choice, save_draft and save_reflection are timed one call at a time,
  including the commit (synchronous=FULL, so including the fsync); for
  record_choice also the CPU time per call and the statements it sends;
- the history page, boundary profile and full-text search are timed for one
  of the profiles, which holds 1/20th of all the data (5,000 attempts).

``run(quick)`` returns the rows ``bench/run.py`` collects.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from peerscenarios.core.taxonomy import Role
from peerscenarios.storage import Storage
from peerscenarios.storage.storage import iso_week

SEED = 20261122
PROFILES = 20
CHOICES_PER_ATTEMPT = 10
WRITE_GOAL_MS = 16.0  # one 60 Hz frame
QUERY_GOAL_MS = 50.0
ROLES = [r.value for r in Role]
# Peer-aligned choices dominate, as they would for a trainee who is learning;
# built from the taxonomy so a new drift kind cannot break the generator.
ROLE_WEIGHTS = [50 if r is Role.PEER else 7 for r in Role]


def _vocabulary(rng: random.Random) -> list[str]:
    common = [
        "feel", "felt", "client", "peer", "support", "meeting", "sponsor", "medication",
        "boundary", "recovery", "hope", "choice", "listen", "story", "worried", "trust", "plan",
        "family", "work", "group", "session", "today", "tomorrow", "nervous", "proud", "angry",
    ]
    letters = "abcdefghijklmnopqrstuvwxyz"
    made = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(5000)}
    return common + sorted(made)


def _stamp(moment: datetime) -> str:
    # The text form SQLAlchemy's SQLite DateTime type stores (naive UTC).
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(db: Path, *, choices: int, reflections: int) -> int:
    """Fill a fresh database with a seeded history; return the id of the profile to query."""
    Storage.open(f"sqlite:///{db}", backup=False).close()
    rng = random.Random(SEED)
    words = _vocabulary(rng)
    # Zipf-like word choice so some words are common and most are rare.
    weights = [1.0 / (i + 1) for i in range(len(words))]
    conn = sqlite3.connect(db, isolation_level=None)
    # Generation only: speed over durability (the benchmarked writes use FULL).
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    start = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    conn.executemany(
        "INSERT INTO profile (id, name, created_at) VALUES (?, ?, ?)",
        [(p, f"Trainee {p:02d}", _stamp(start)) for p in range(1, PROFILES + 1)],
    )
    attempts = choices // CHOICES_PER_ATTEMPT
    reflect_every = max(attempts // max(reflections, 1), 1)
    attempt_rows: list[tuple[Any, ...]] = []
    choice_rows: list[tuple[Any, ...]] = []
    count_rows: list[tuple[Any, ...]] = []
    reflection_rows: list[tuple[Any, ...]] = []
    numbers = dict.fromkeys(range(1, PROFILES + 1), 0)
    span = timedelta(days=730)
    made_reflections = 0
    choice_id = 0
    for attempt_id in range(1, attempts + 1):
        profile = (attempt_id - 1) % PROFILES + 1
        numbers[profile] += 1
        began = start + span * (attempt_id / attempts)
        role_counts: dict[str, int] = {}
        drift = 0
        for seq in range(1, CHOICES_PER_ATTEMPT + 1):
            choice_id += 1
            role = rng.choices(ROLES, ROLE_WEIGHTS)[0]
            role_counts[role] = role_counts.get(role, 0) + 1
            drift += role != Role.PEER.value
            choice_rows.append((
                choice_id, attempt_id, seq, f"n{seq}", f"c{rng.randint(1, 3)}", role,
                '{"1": 1}', "Feedback shown for this choice.",
                _stamp(began + timedelta(seconds=30 * seq)), 0,
            ))
        count_rows.extend((attempt_id, r, n) for r, n in role_counts.items())
        scenario = f"scenario-{rng.randint(1, 12):02d}"
        attempt_rows.append((
            attempt_id, profile, numbers[profile], scenario, "hash", "practice", "completed",
            _stamp(began), _stamp(began + timedelta(minutes=10)), "end", iso_week(began),
            CHOICES_PER_ATTEMPT, drift,
        ))
        if attempt_id % reflect_every == 0 and made_reflections < reflections:
            made_reflections += 1
            text = " ".join(rng.choices(words, weights, k=rng.randint(30, 80)))
            when = _stamp(began + timedelta(minutes=9))
            reflection_rows.append((attempt_id, "r1", text, when, when))
        if len(choice_rows) >= 100_000:
            _flush(conn, attempt_rows, choice_rows, count_rows, reflection_rows)
    _flush(conn, attempt_rows, choice_rows, count_rows, reflection_rows)
    conn.execute("COMMIT")
    conn.execute("PRAGMA optimize")
    conn.execute("ANALYZE")
    conn.close()
    return 1


def _flush(conn: sqlite3.Connection, attempts: list[tuple[Any, ...]],
           choices: list[tuple[Any, ...]], counts: list[tuple[Any, ...]],
           reflections: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        "INSERT INTO attempt (id, profile_id, number, scenario_id, content_hash, mode, status, "
        "started_at, finished_at, ending_node_id, week, choice_count, drift_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
    conn.executemany(
        "INSERT INTO choice_event (id, attempt_id, seq, node_id, choice_id, role, effects, "
        "feedback, created_at, stepped_back) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", choices)
    conn.executemany("INSERT INTO attempt_role_count (attempt_id, role, n) VALUES (?, ?, ?)",
                     counts)
    # The FTS triggers index each reflection as it is inserted.
    conn.executemany(
        "INSERT INTO reflection (attempt_id, prompt_id, text, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?)", reflections)
    for rows in (attempts, choices, counts, reflections):
        rows.clear()


def _time_ms(fn: Callable[[], object], repeat: int,
             cpu: list[float] | None = None) -> list[float]:
    """Wall-clock milliseconds per call; with ``cpu``, also this process's CPU ms per call.

    The CPU time leaves out the wait for the disk (fsync), so it shows our own
    work per call even on a machine whose disk or other users make the wall
    time noisy.
    """
    out = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c0) * 1000)
    return out


def _statements_per_call(storage: Storage, fn: Callable[[], object], repeat: int) -> float:
    """SQL statements sent to SQLite per call, BEGIN and COMMIT included."""
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(storage.engine, "before_cursor_execute", counted)
    event.listen(storage.engine, "commit", counted)
    try:
        for _ in range(repeat):
            fn()
    finally:
        event.remove(storage.engine, "before_cursor_execute", counted)
        event.remove(storage.engine, "commit", counted)
    return count / repeat


def _p(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _row(name: str, value: float, unit: str, goal: float, note: str = "") -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "value": round(value, 3), "unit": unit, "goal": goal,
                           "meets": value < goal}
    if note:
        row["note"] = note
    return row


def run(quick: bool) -> list[dict[str, Any]]:
    """Generate the history, time the operations, and return one row per measurement."""
    choices, reflections = (100_000, 10_000) if quick else (1_000_000, 100_000)
    scale = f"{choices:,} choice events, {reflections:,} reflections"
    writes = 100 if quick else 300
    with tempfile.TemporaryDirectory(prefix="peerscenarios-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        profile_id = generate(db, choices=choices, reflections=reflections)
        generated_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        storage = Storage.open(f"sqlite:///{db}", backup=False)
        open_ms = (time.perf_counter() - t0) * 1000
        try:
            attempt = storage.start_attempt(profile_id, "scenario-01", "hash", "practice")
            rng = random.Random(SEED)

            def choose() -> object:
                return storage.record_choice(attempt.id, "n1", "c1", rng.choice(ROLES),
                                             {1: 1, 4: -1}, "Feedback shown.")

            choice_cpu: list[float] = []
            choice_ms = _time_ms(choose, writes, choice_cpu)
            choice_statements = _statements_per_call(storage, choose, 20)
            text = "I noticed I wanted to fix it for her. " * 8
            draft_ms = _time_ms(lambda: storage.save_draft(attempt.id, "r1", text), writes)
            counter = iter(range(10**9))
            reflection_ms = _time_ms(
                lambda: storage.save_reflection(attempt.id, f"r{next(counter) % 5}", text),
                writes,
            )
            page_ms = _time_ms(lambda: storage.list_attempts(profile_id, offset=0, limit=50), 20)
            week_ms = _time_ms(lambda: storage.boundary_profile(profile_id, bucket="week"), 10)
            ten_ms = _time_ms(lambda: storage.boundary_profile(profile_id, bucket="ten"), 10)
            queries = ["recovery", "sponsor meeting", "medication bo", "nervous", "xq", "fe"]
            search_ms: list[float] = []
            for q in queries:
                search_ms += _time_ms(lambda q=q: storage.search_reflections(profile_id, q), 5)
            check_ms = _time_ms(lambda: storage.count_attempts(profile_id), 5)
        finally:
            storage.close()
    note = f"{scale}; queried profile holds 1/{PROFILES} of it"
    return [
        _row("reflection_save_p99_ms", _p(reflection_ms, 99), "ms", WRITE_GOAL_MS,
             f"save_reflection incl. commit+fsync; p50 {_p(reflection_ms, 50):.2f} ms"),
        _row("draft_save_p99_ms", _p(draft_ms, 99), "ms", WRITE_GOAL_MS,
             f"save_draft (autosave) incl. commit+fsync; p50 {_p(draft_ms, 50):.2f} ms"),
        _row("record_choice_p99_ms", _p(choice_ms, 99), "ms", WRITE_GOAL_MS,
             f"incl. commit+fsync; p50 {_p(choice_ms, 50):.2f} ms"),
        _row("record_choice_p50_ms", _p(choice_ms, 50), "ms", WRITE_GOAL_MS,
             f"incl. commit+fsync; CPU p50 {_p(choice_cpu, 50):.3f} ms, "
             f"p99 {_p(choice_cpu, 99):.3f} ms (the time not spent waiting for the disk)"),
        _row("record_choice_statements", choice_statements, "", float("inf"),
             "SQL statements per record_choice, BEGIN and COMMIT included"),
        _row("history_first_page_ms", statistics.median(page_ms), "ms", QUERY_GOAL_MS,
             f"list_attempts 50 rows, median; {note}"),
        _row("boundary_profile_ms", max(statistics.median(week_ms), statistics.median(ten_ms)),
             "ms", QUERY_GOAL_MS,
             f"slower of week ({statistics.median(week_ms):.2f}) and ten "
             f"({statistics.median(ten_ms):.2f}), median; {note}"),
        _row("reflection_search_ms", _p(search_ms, 90), "ms", QUERY_GOAL_MS,
             f"p90 over {len(queries)} queries incl. 2-letter prefixes (max "
             f"{max(search_ms):.2f}); {note}"),
        _row("count_attempts_ms", statistics.median(check_ms), "ms", QUERY_GOAL_MS, note),
        _row("open_ms", open_ms, "ms", 1000.0,
             f"Storage.open incl. quick_check of the whole file; {note}"),
        _row("generate_s", generated_s, "s", float("inf"), f"bulk load of {scale}"),
    ]


def main() -> None:
    """Print the measurements as a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k events instead of 1M")
    args = parser.parse_args()
    for row in run(args.quick):
        flag = "ok  " if row["meets"] else "SLOW"
        print(f"{flag} {row['name']:<24} {row['value']:>10.2f} {row['unit']:<3} "
              f"(goal < {row['goal']})  {row.get('note', '')}")


if __name__ == "__main__":
    main()
