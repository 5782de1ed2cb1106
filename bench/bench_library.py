"""Benchmark of loading a large scenario library: cold (validate + lint) and warm (cache).

Run ``python bench/bench_library.py [--quick]``. 1,000 generated scenarios of
about 40 nodes (bench/generate.py; 200 with --quick) are written to a
temporary folder, then ``load_library([folder], cache_dir=...)`` runs in fresh
subprocesses, as an app start would: once with an empty cache folder (cold),
then several times with the cache that run wrote (warm). The time reported is
the ``load_library`` call alone; interpreter start and imports are reported in
the note. The files were just written, so they are in the OS page cache (as
they are on a second start; a true first start after boot also reads the disk).

A cProfile of a cold load (on a 100-file subset) says where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COLD_GOAL_S = 1.0
WARM_GOAL_S = 0.2
PROFILE_FILES = 100  # 30 with --quick


def _row(name: str, value: float | None, unit: str, goal: float | None,
         note: str = "") -> dict[str, Any]:
    meets = None if value is None or goal is None else value <= goal
    row: dict[str, Any] = {"name": name, "value": None if value is None else round(value, 3),
                           "unit": unit, "goal": goal, "goal_op": "<=", "meets": meets}
    if note:
        row["note"] = note
    return row


def _child_load(folder: Path, cache: Path) -> None:
    """In a fresh process: import, load once, print the timings as JSON."""
    t0 = time.perf_counter()
    from peerscenarios.app.library_service import load_library

    t1 = time.perf_counter()
    lib = load_library([folder], cache_dir=cache)
    t2 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "files": len(lib.files),
                      "scenarios": len(lib.scenarios), "problems": len(lib.problems),
                      "diagnostics": len(lib.diagnostics)}))


def _child_profile(folder: Path, files: int) -> None:
    """In a fresh process: cProfile a cold load of the first ``files`` files, print a summary."""
    from peerscenarios.app import library_service as library

    subset = sorted(folder.glob("*.yaml"))[:files]
    prof = cProfile.Profile()
    prof.enable()
    # In one process, so the profile sees the validator (a real load uses workers).
    library.load_library(subset, cache_dir=None, parallel=False)
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(v[3] for v in raw.values())  # cumulative time of the outermost call

    def cum(module_suffix: str, func: str) -> float:
        return sum(v[3] for (path, _line, name), v in raw.items()
                   if path.endswith(module_suffix) and name == func)

    parts = {
        "yaml compose (safeyaml.compose, C loader + Python node walk)":
            cum("core/safeyaml.py", "compose"),
        "validator (validate_file, incl. compose)": cum("core/validate/reader.py",
                                                        "validate_file"),
        "lint total (lint)": cum("core/lint.py", "lint"),
        "lint: stigma-term regexes (_stigma)": cum("core/lint.py", "_stigma"),
        "lint: minutes estimate over routes (estimate_minutes)":
            cum("core/lint.py", "estimate_minutes"),
        "lint: feedback check (_feedback)": cum("core/lint.py", "_feedback"),
        "lint: content warnings (_content_warnings)": cum("core/lint.py", "_content_warnings"),
    }
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    top = "\n".join(line for line in out.getvalue().splitlines()
                    if line.strip() and not line.startswith(("   Ordered", "   List")))
    print(json.dumps({"files": len(subset), "total_s": total, "parts": parts, "top": top}))


def _child_profile_warm(folder: Path, cache: Path) -> None:
    """In a fresh process: cProfile a warm load (cache present), print a summary."""
    from peerscenarios.app import library_service as library

    prof = cProfile.Profile()
    prof.enable()
    library.load_library([folder], cache_dir=cache)
    prof.disable()
    raw: dict[Any, Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in raw.values())
    unpickle = sum(v[3] for (_p, _l, name), v in raw.items() if "pickle.load" in name
                   or name == "<built-in method _pickle.load>")
    setstate = sum(v[3] for (path, _l, name), v in raw.items()
                   if path.endswith("dataclasses.py") and name == "_dataclass_setstate")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(6)
    top = "\n".join(line for line in out.getvalue().splitlines()
                    if line.strip() and not line.startswith(("   Ordered", "   List")))
    print(json.dumps({"total_s": total, "unpickle_s": unpickle, "setstate_s": setstate,
                      "top": top}))


def _spawn(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args],
                          capture_output=True, text=True, check=True, env=os.environ.copy())
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def profile_summary(folder: Path, files: int = PROFILE_FILES) -> dict[str, Any]:
    """Where a cold load spends its time, from cProfile in a subprocess."""
    return _spawn("profile", str(folder), str(files))


def run(quick: bool, *, verbose: bool = True) -> list[dict[str, Any]]:
    """Generate the library, time cold and warm loads, return one row per measurement."""
    from generate import generate_library

    count = 200 if quick else 1000
    warm_runs = 2 if quick else 5
    tag = "" if count == 1000 else f" (quick: {count} scenarios, not 1,000)"
    with tempfile.TemporaryDirectory(prefix="peerscenarios-bench-lib-") as tmp:
        folder = Path(tmp) / "scenarios"
        t0 = time.perf_counter()
        paths = generate_library(folder, count)
        gen_s = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        cache = Path(tmp) / "cache"
        cold = _spawn("load", str(folder), str(cache))
        warm = [_spawn("load", str(folder), str(cache)) for _ in range(warm_runs)]
        prof = profile_summary(folder, 30 if quick else PROFILE_FILES)
        warm_prof = _spawn("profile-warm", str(folder), str(cache))
    warm_s = statistics.median(w["load_s"] for w in warm)
    imp = statistics.median(w["import_s"] for w in [cold, *warm])
    ok = cold["scenarios"] == count and cold["diagnostics"] == 0
    base = (f"{count} files, {size_mb:.0f} MB of YAML, generated in {gen_s:.1f} s; "
            f"load_library call only, fresh subprocess; import of app.library_service "
            f"{imp * 1000:.0f} ms not included")
    if not ok:
        base += f"; WARNING: {cold['scenarios']} loaded, {cold['diagnostics']} diagnostics"
    per_file_ms = prof["total_s"] / prof["files"] * 1000
    parts = prof["parts"]
    share = ", ".join(f"{k.split(' (')[0]} {v / prof['total_s']:.0%}" for k, v in parts.items()
                      if not k.startswith("lint:"))
    if verbose:
        print(f"\ncProfile of a cold load of {prof['files']} generated files "
              f"({prof['total_s']:.2f} s under the profiler, {per_file_ms:.1f} ms per file):")
        for k, v in parts.items():
            print(f"  {v:7.3f} s  {v / prof['total_s']:5.1%}  {k}")
        print(prof["top"])
        wp = warm_prof
        print(f"\ncProfile of a warm load of all {count} files ({wp['total_s']:.2f} s under the "
              f"profiler): unpickling the cache {wp['unpickle_s']:.2f} s, of which frozen "
              f"dataclass __setstate__ {wp['setstate_s']:.2f} s")
        print(wp["top"])
    rows = [
        _row("library_load_1000_cold_s", cold["load_s"], "s", COLD_GOAL_S,
             f"{base}; no cache; profile: {share} (cProfile, {prof['files']} files)" + tag),
        _row("library_load_1000_warm_s", warm_s, "s", WARM_GOAL_S,
             f"{base}; cache from the cold run; median of {warm_runs}; profile: unpickling "
             f"{warm_prof['unpickle_s'] / warm_prof['total_s']:.0%} (dataclass __setstate__ "
             f"{warm_prof['setstate_s'] / warm_prof['total_s']:.0%})" + tag),
    ]
    if quick:
        for r in rows:
            r["name"] = r["name"].replace("_1000_", f"_{count}_")
        # Linear extrapolation to 1,000, so quick runs can be compared with the goal.
        rows.append(_row("library_load_1000_cold_s_extrapolated", cold["load_s"] * 1000 / count,
                         "s", COLD_GOAL_S, f"quick: {count}-file cold load x {1000 / count:g}"))
    return rows


def main() -> int:
    """Command line: ``--quick`` for 200 scenarios; ``--child`` is internal."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 scenarios instead of 1,000")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "load":
            _child_load(Path(rest[0]), Path(rest[1]))
        elif kind == "profile":
            _child_profile(Path(rest[0]), int(rest[1]))
        elif kind == "profile-warm":
            _child_profile_warm(Path(rest[0]), Path(rest[1]))
        return 0
    sys.path.insert(0, str(HERE))
    for row in run(args.quick):
        print(f"{row['name']:<40} {row['value']:>9} {row['unit']:<3} goal <= {row['goal']}  "
              f"{row.get('note', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
