"""Benchmark: the course server with 200 trainees submitting at once, and the Course view's
first page at 10,000 submissions.

Method. A private PostgreSQL cluster is started in a temporary folder (the
same cluster code the tests use, tests/course/pgcluster.py; it needs Debian's
``postgresql`` package and the ``peerscenarios[server]`` extra) and a course
is set up with ``course.admin`` exactly as ``peerscenarios course`` does:
200 trainee logins and 10 facilitator logins, every trainee in the first
facilitator's cohort and 20 of them in the second's.

- **Submitting at once.** One real portfolio (20 attempts of the built-in
  scenarios, played into a fresh local database, two reflections ticked) is
  made into a snapshot. 200 threads each sign in as their own trainee (their
  own PostgreSQL login and connection, SCRAM authentication), wait at a
  barrier, then call ``submit_portfolio`` at the same moment. Reported: the
  wall time from the barrier to the last commit, and the p50/p95 of one
  submission. Sign-in times are in the note. psycopg releases the GIL while
  it waits on the server, so threads are a fair stand-in for 200 laptops as
  far as the server is concerned; the client-side JSON encoding does
  serialise on the GIL, which makes this a pessimistic number.
- **The cohort's first page.** The table is then filled to 10,000
  submissions (copies of the same payload, spread over 60 days, written by
  the administrator in one statement), and the facilitator's client asks for
  the Course view's first page (50 newest, row-level security deciding what
  is visible) and the count above the list. Median of 30 after 5 warm-up calls.

``--quick``: 50 trainees, 2,000 submissions, 10 repetitions.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

SUBMIT_WALL_GOAL_S = 10.0
FIRST_PAGE_GOAL_MS = 50.0


def _portfolio(tmp: Path) -> Any:
    from export._helpers import FakeClock, first_prompts, play
    from peerscenarios import paths
    from peerscenarios.app.views import build_portfolio
    from peerscenarios.core.library import load_library
    from peerscenarios.storage import Storage

    library = load_library([], builtin=[paths.builtin_scenarios_dir()], with_lint=False)
    clock = FakeClock()
    store = Storage.open(f"sqlite:///{tmp / 'laptop.sqlite3'}", clock=clock, backup=False)
    try:
        profile = store.create_profile("Bench")
        scenarios = sorted(library.scenarios, key=lambda s: s.id)
        for i in range(20):
            sc = scenarios[i % len(scenarios)]
            play(store, sc, profile.id, picks=[i % 3, (i + 1) % 3], clock=clock,
                 reflections={p: f"Reflection {i} on {p}. " * 8 for p in first_prompts(sc)})
            clock.advance(hours=20)
        return build_portfolio(store, library, profile.id, since=date(2026, 1, 1))
    finally:
        store.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(quick: bool) -> list[dict[str, Any]]:
    """Measure the course server; rows as bench/run.py expects."""
    from sqlalchemy import text

    from course.pgcluster import start_cluster
    from peerscenarios.course import admin
    from peerscenarios.course.client import connect
    from peerscenarios.course.settings import CourseSettings
    from peerscenarios.course.snapshot import Snapshot, reflection_choices

    trainees_n = 50 if quick else 200
    total_n = 2_000 if quick else 10_000
    reps = 10 if quick else 30
    cluster = start_cluster(max_connections=trainees_n + 40)
    try:
        with tempfile.TemporaryDirectory(prefix="ps-bench-course-") as tmp:
            portfolio = _portfolio(Path(tmp))
        picks = [c.key for c in reflection_choices(portfolio)[:2]]
        snapshot = Snapshot.from_portfolio(portfolio, include_reflections=picks)
        payload_kb = len(snapshot.to_json().encode()) / 1024
        url = cluster.url("course_bench")
        admin.init_server(url)
        password = "bench-password-1"
        trainees = [f"trainee{i:03d}" for i in range(trainees_n)]
        facilitators = [f"facilitator{i}" for i in range(10)]
        for name in trainees:
            admin.add_person(url, name, "ps_trainee", password)
        for name in facilitators:
            admin.add_person(url, name, "ps_facilitator", password)
        for i, name in enumerate(trainees):
            admin.assign(url, name, facilitators[0])
            if i < 20:
                admin.assign(url, name, facilitators[1])

        def settings(user: str) -> CourseSettings:
            return CourseSettings(host=cluster.socket_dir, port=cluster.port,
                                  database="course_bench", user=user, sslmode="disable")

        barrier = threading.Barrier(trainees_n + 1)
        sign_in: list[float] = []
        submit: list[float] = []
        finished: list[float] = []
        released: list[float] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def trainee(name: str) -> None:
            try:
                t0 = time.perf_counter()
                client = connect(settings(name), password)
                t1 = time.perf_counter()
                barrier.wait(timeout=300)
                t2 = time.perf_counter()
                client.submit_portfolio(snapshot)
                t3 = time.perf_counter()
                client.close()
                with lock:
                    sign_in.append(t1 - t0)
                    submit.append(t3 - t2)
                    finished.append(t3)
                    released.append(t2)
            except BaseException as exc:  # reported after the run
                barrier.abort()
                with lock:
                    errors.append(exc)

        threads = [threading.Thread(target=trainee, args=(n,)) for n in trainees]
        for t in threads:
            t.start()
        barrier.wait(timeout=300)
        go = time.perf_counter()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError(f"{len(errors)} trainee(s) failed; first: {errors[0]!r}")
        # From the first trainee let through, not from when this thread next ran: with
        # 200 threads ready, the main thread can be scheduled after much of the work,
        # which made the wall time shorter than one submission's own time.
        wall = max(finished) - min([go, *released])

        # Fill to the target size with copies, as the administrator, in one statement.
        with admin.admin_engine(url).begin() as conn:
            conn.execute(text(
                "INSERT INTO ps_course.submission (owner, created_at, profile_name, "
                "period_from, attempt_count, reflection_count, payload_version, payload) "
                "SELECT s.owner, now() - (g * interval '518 seconds'), s.profile_name, "
                "s.period_from, s.attempt_count, s.reflection_count, 1, s.payload "
                "FROM generate_series(1, :n) g JOIN LATERAL (SELECT * FROM "
                "ps_course.submission ORDER BY id OFFSET (g % :t) LIMIT 1) s ON true"),
                {"n": total_n - trainees_n, "t": trainees_n})
            conn.exec_driver_sql("ANALYZE ps_course.submission")
            stored = conn.exec_driver_sql("SELECT count(*) FROM ps_course.submission").scalar()
        page_ms: list[float] = []
        count_ms: list[float] = []
        small_ms: list[float] = []
        with connect(settings(facilitators[0]), password) as fay, \
                connect(settings(facilitators[1]), password) as gus:
            for i in range(reps + 5):
                t0 = time.perf_counter()
                rows = fay.list_cohort_submissions(limit=50)
                t1 = time.perf_counter()
                visible = fay.count_cohort_submissions()
                t2 = time.perf_counter()
                gus.list_cohort_submissions(limit=50)
                t3 = time.perf_counter()
                if i >= 5:
                    page_ms.append((t1 - t0) * 1000)
                    count_ms.append((t2 - t1) * 1000)
                    small_ms.append((t3 - t2) * 1000)
            assert len(rows) == 50
            assert visible == stored
    finally:
        cluster.stop()
    n = trainees_n
    return [
        {"name": f"course_submit_{n}_at_once_wall_s", "value": wall, "unit": "s",
         "goal": SUBMIT_WALL_GOAL_S, "goal_op": "<=", "meets": wall <= SUBMIT_WALL_GOAL_S,
         "note": f"{n} trainees, own logins, one {payload_kb:.0f} KB portfolio each; "
                 f"sign-in p50 {statistics.median(sign_in) * 1000:.0f} ms, "
                 f"max {max(sign_in) * 1000:.0f} ms (not in the wall time)"},
        {"name": f"course_submit_{n}_at_once_p95_ms", "value": _pct(submit, 0.95) * 1000,
         "unit": "ms", "goal": None, "meets": None,
         "note": f"p50 {statistics.median(submit) * 1000:.0f} ms, "
                 f"max {max(submit) * 1000:.0f} ms"},
        {"name": f"course_cohort_first_page_{stored}_ms", "value": statistics.median(page_ms),
         "unit": "ms", "goal": FIRST_PAGE_GOAL_MS, "goal_op": "<",
         "meets": statistics.median(page_ms) < FIRST_PAGE_GOAL_MS,
         "note": f"50 newest of {stored} visible through RLS; p95 "
                 f"{_pct(page_ms, 0.95):.1f} ms; a 20-trainee cohort's first page "
                 f"{statistics.median(small_ms):.1f} ms"},
        {"name": f"course_cohort_count_{stored}_ms", "value": statistics.median(count_ms),
         "unit": "ms", "goal": None, "meets": None},
    ]


if __name__ == "__main__":
    import json

    print(json.dumps(run("--quick" in sys.argv), indent=1))
