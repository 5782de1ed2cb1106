"""Benchmark: a 500-attempt learner portfolio exported as PDF (goal: under 5 seconds).

The PDF is laid out on real A4 pages (a few hundred of them): the page count
is reported beside the time, with the CPU time, which a busy machine changes less.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ATTEMPTS = 500
GOAL_S = 5.0


def _fill(storage: Any, library: Any, profile_id: int) -> None:
    """Play built-in scenarios 500 times along varied paths, with reflections."""
    scenarios = list(library.scenarios)
    for i in range(ATTEMPTS):
        sc = scenarios[i % len(scenarios)]
        attempt = storage.start_attempt(profile_id, sc.id, sc.content_hash,
                                        "practice" if i % 3 else "assessment")
        node = sc.node(sc.start)
        step = 0
        while node.ending is None:
            for prompt in node.reflect:
                storage.save_reflection(attempt.id, prompt.id,
                                        f"Attempt {i}: what I noticed at {prompt.id}. " * 3)
            if node.choices:
                choice = node.choices[(i + step) % len(node.choices)]
                storage.record_choice(attempt.id, node.id, choice.id, choice.role,
                                      choice.effects, choice.feedback.why)
                step += 1
                node = sc.node(choice.next)
            else:
                node = sc.node(node.next)
        for prompt in node.reflect:
            storage.save_reflection(attempt.id, prompt.id, f"Ending thoughts for attempt {i}.")
        if i % 10:  # a few stay unfinished, as in real histories
            storage.finish_attempt(attempt.id, node.id)


def run(quick: bool) -> list[dict[str, Any]]:
    """Time the PDF export of a 500-attempt portfolio (median of 3, or 1 run when quick)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from peerscenarios import paths
    from peerscenarios.app.exports import export_portfolio
    from peerscenarios.core.library import load_library
    from peerscenarios.export.pdf import ensure_gui_app
    from peerscenarios.storage import Storage

    ensure_gui_app()
    library = load_library([], builtin=[paths.builtin_scenarios_dir()], with_lint=False)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="ps-bench-export-") as tmp:
        folder = Path(tmp)
        storage = Storage.open(f"sqlite:///{folder / 'bench.sqlite3'}", backup=False)
        try:
            profile = storage.create_profile("Bench")
            _fill(storage, library, profile.id)
            timings: dict[str, list[float]] = {"pdf": [], "md": [], "csv": []}
            cpu: list[float] = []
            for _ in range(1 if quick else 3):
                for fmt in timings:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    # A4 whatever the locale, so that runs compare.
                    export_portfolio(storage, library, profile.id, fmt, folder / f"p.{fmt}",
                                     page_size="a4" if fmt == "pdf" else None)
                    timings[fmt].append(time.perf_counter() - start)
                    if fmt == "pdf":
                        cpu.append(time.process_time() - start_cpu)
            # Qt writes its page objects uncompressed: count them.
            pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", (folder / "p.pdf").read_bytes()))
        finally:
            storage.close()
    names = {"pdf": "export_pdf_500_attempts_s", "md": "export_md_500_attempts_s",
             "csv": "export_csv_500_attempts_s"}
    for fmt, values in timings.items():
        value = round(statistics.median(values), 3)
        row: dict[str, Any] = {"name": names[fmt], "value": value, "unit": "s", "goal": GOAL_S,
                               "meets": value < GOAL_S}
        if fmt == "pdf":
            row["note"] = (f"{pages} A4 pages; CPU {statistics.median(cpu):.2f} s (median); "
                           "data gathering included")
        results.append(row)
    results.append({"name": "export_pdf_500_attempts_pages", "value": pages, "unit": "pages",
                    "goal": None, "meets": None})
    return results


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
