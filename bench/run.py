"""The one benchmark command: every measurement, a table, and bench/results.json.

Run ``python bench/run.py`` (about 5-10 minutes) or ``python bench/run.py --quick``
(under a minute, smaller data). Each ``bench/bench_*.py`` module exposes
``run(quick) -> list[dict]`` of ``{"name", "value", "unit", "goal", "meets"}``
rows (plus an optional ``"note"``); this script runs whichever exist, each
in its own Python process (a Qt application, or a crash, in one module cannot
affect the next), prints one table and writes the rows with a description of
the machine. A module that is missing gives a "not available" row. These are benchmarks, not tests:
a slow machine never makes the command fail; it exits non-zero only when the
harness itself breaks.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"

# Module -> the rows it is expected to produce (named in a "not available" row if it is missing).
MODULES: list[tuple[str, list[str]]] = [
    ("bench_startup", ["startup_ratio", "startup_app_ms", "startup_bare_ms", "startup_import_ms"]),
    ("bench_library", ["library_load_1000_cold_s", "library_load_1000_warm_s"]),
    ("bench_ui", ["choice_latency_p99_ms", "rss_peak_mb_1000_scenarios"]),
    ("bench_storage", ["record_choice_p99_ms", "reflection_save_p99_ms", "history_first_page_ms",
                       "boundary_profile_ms", "reflection_search_ms"]),
    ("bench_export", ["export_pdf_500_attempts_s"]),
    ("bench_present", ["present_node_switch_p99_ms"]),
    ("bench_course", ["course_submit_200_at_once_wall_s", "course_cohort_first_page_10000_ms"]),
    ("bench_phones", ["phones_vote_latency_p99_ms_at_once", "phones_vote_latency_p50_ms_at_once",
                      "phones_vote_latency_p99_ms_spread", "phones_vote_latency_p50_ms_spread",
                      "phones_start_ms", "phones_stop_ms", "phones_memory_added_mb"]),
    ("bench_bundle", ["bundle_size_mb", "bundle_start_ms", "venv_start_ms", "bundle_start_ratio",
                      "bundle_version_ms", "venv_version_ms"]),
]


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    """CPU, cores, memory, OS and the versions that matter to the numbers."""
    cpu = platform.processor() or platform.machine()
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram_gb: float | None = None
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
            break
    if ram_gb is None:
        try:
            ram_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
        except (ValueError, OSError, AttributeError):
            ram_gb = None
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version() + f" ({platform.python_implementation()})",
    }
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        info["pyside6"] = PySide6.__version__
        info["qt"] = qVersion()
    except ImportError:
        info["pyside6"] = None
    try:
        import sqlalchemy

        info["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:
        info["sqlalchemy"] = None
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    try:
        import yaml

        info["pyyaml"] = yaml.__version__ + (" (C loader)" if hasattr(yaml, "CSafeLoader")
                                             else " (no C loader)")
    except ImportError:
        info["pyyaml"] = None
    try:
        from peerscenarios import __version__

        info["peerscenarios"] = __version__
    except ImportError:
        info["peerscenarios"] = None
    try:
        commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=False)
        info["commit"] = commit.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    return info


def _unavailable(names: list[str], reason: str) -> list[dict[str, Any]]:
    return [{"name": n, "value": None, "unit": "", "goal": None, "meets": None,
             "note": f"not available: {reason}"} for n in names]


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe: no infinities or NaN; an infinite goal means informational."""
    out = dict(row)
    for key in ("value", "goal"):
        v = out.get(key)
        if isinstance(v, float) and not math.isfinite(v):
            out[key] = None
    if out.get("goal") is None or out.get("value") is None:
        out["meets"] = None
    elif out.get("meets") is not None:
        out["meets"] = bool(out["meets"])
    return out


def _fmt_value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"
    return str(v)


def _fmt_goal(row: dict[str, Any]) -> str:
    goal = row.get("goal")
    if goal is None:
        return "—"
    return f"{row.get('goal_op', '<')} {_fmt_value(float(goal))}"


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the rows, then their notes."""
    lines = ["| metric | value | unit | goal | meets |", "|---|---:|---|---|---|"]
    for r in rows:
        meets = {True: "yes", False: "no", None: "—"}[r.get("meets")]
        lines.append(f"| {r['name']} | {_fmt_value(r.get('value'))} | {r.get('unit', '')} | "
                     f"{_fmt_goal(r)} | {meets} |")
    notes = [f"- {r['name']}: {r['note']}" for r in rows if r.get("note")]
    return "\n".join(lines + (["", *notes] if notes else []))


def describe(info: dict[str, Any]) -> str:
    """The machine in one line."""
    return (f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; {info['os']}; "
            f"Python {info['python']}; PySide6 {info.get('pyside6')} (Qt {info.get('qt')}); "
            f"SQLAlchemy {info.get('sqlalchemy')}; SQLite {info.get('sqlite')}; "
            f"PyYAML {info.get('pyyaml')}; peerscenarios {info.get('peerscenarios')} "
            f"@ {info.get('commit')}")


def _run_module(module_name: str, quick: bool) -> tuple[list[dict[str, Any]], str | None]:
    """Run one module's ``run(quick)`` in a child process; (rows, error or None)."""
    with tempfile.TemporaryDirectory(prefix="peerscenarios-bench-run-") as tmp:
        out = Path(tmp) / "rows.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--module", module_name,
               "--rows-to", str(out)] + (["--quick"] if quick else [])
        proc = subprocess.run(cmd, check=False)  # its output goes straight to the terminal
        if proc.returncode == 0 and out.is_file():
            rows: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
            return rows, None
        how = (f"killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit status {proc.returncode}")
        return [], f"{module_name} failed ({how}); its output is above"


def _module_child(module_name: str, quick: bool, rows_to: Path) -> int:
    """In the child process: import the module, run it, write its rows as JSON."""
    sys.path.insert(0, str(HERE))
    module = importlib.import_module(module_name)
    try:
        rows = module.run(quick)
    except Exception:
        traceback.print_exc()
        return 1
    rows_to.write_text(json.dumps(rows, default=str), encoding="utf-8")
    return 0


def _merged(out: Path, result: dict[str, Any]) -> dict[str, Any]:
    """A partial run (``--only``) replaces its own modules' rows in the last results file.

    Overwriting it would leave a file that looks like a whole run but holds a few rows.
    Rows kept from the earlier run keep its machine line under ``earlier_machine``; a
    file from the other mode (quick or full), or unreadable, is not merged.
    """
    try:
        old = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return result
    if not isinstance(old, dict) or old.get("quick") != result["quick"]:
        return result
    ran = set(result["durations_s"])
    kept = [r for r in old.get("results", [])
            if isinstance(r, dict) and r.get("module") not in ran]
    if not kept:
        return result
    return {**result,
            "results": kept + result["results"],
            "durations_s": {**old.get("durations_s", {}), **result["durations_s"]},
            "earlier_machine": old.get("earlier_machine", old.get("machine"))}


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark module, print the table, write bench/results.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller data, fewer repetitions")
    ap.add_argument("--only", nargs="+", metavar="MODULE",
                    help="run only these modules (e.g. bench_library)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    ap.add_argument("--module", help=argparse.SUPPRESS)
    ap.add_argument("--rows-to", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    # Anything that starts Qt in this process or its children draws off screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.module:
        return _module_child(args.module, args.quick, args.rows_to)
    sys.path.insert(0, str(HERE))
    info = machine()
    print(f"machine: {describe(info)}")
    print(f"mode: {'quick' if args.quick else 'full'}")
    rows: list[dict[str, Any]] = []
    durations: dict[str, float] = {}
    broken = False
    started = time.perf_counter()
    for module_name, names in MODULES:
        if args.only and module_name not in args.only:
            continue
        print(f"\n== {module_name} ==", flush=True)
        t0 = time.perf_counter()
        if not (HERE / f"{module_name}.py").is_file():
            got = _unavailable(names, f"bench/{module_name}.py does not exist yet")
        else:
            got, error = _run_module(module_name, args.quick)
            if error:
                broken = True
                got = _unavailable(names, error)
        durations[module_name] = round(time.perf_counter() - t0, 1)
        got = [{**_clean(r), "module": module_name} for r in got]
        for r in got:
            print(f"  {r['name']}: {_fmt_value(r.get('value'))} {r.get('unit', '')}", flush=True)
        rows.extend(got)
    total = time.perf_counter() - started
    result = {"machine": info, "quick": args.quick, "results": rows,
              "durations_s": durations, "total_s": round(total, 1)}
    if args.only:
        result = _merged(args.out, result)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("\n" + table(rows))
    print(f"\nmachine: {describe(info)}")
    print(f"{'quick' if args.quick else 'full'} run in {total:.0f} s "
          f"({', '.join(f'{k} {v:.0f} s' for k, v in durations.items())}); "
          f"written to {args.out}")
    missed = [r["name"] for r in rows if r.get("meets") is False]
    if missed:
        print("goals missed: " + ", ".join(missed))
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
