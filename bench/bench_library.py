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

Beside our figure, the limit: libyaml's own event parse of the same bytes
through PyYAML (the least any PyYAML-based reader can do), in two processes
at once as the load uses two cores. And the author's case: validating one
generated 40-node file with the lint, as a live preview would, and how the
lint's time grows when the nodes double (linear is 2).

The machine's load average is in the notes: on a shared machine the figures
move with it.
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
LINT_40_GOAL_MS = 30.0
LINT_GROWTH_GOAL = 2.5  # time with twice the nodes over time with the nodes; linear is 2
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
        "fast path: reading to plain values, by yaml-rs or libyaml events (plain.load)":
            cum("core/validate/plain.py", "load"),
        "of which yaml-rs itself (yaml_rs loads)": cum("yaml_rs/_lib.py", "loads"),
        "fast path: every check, and the model (fast._scenario)":
            cum("core/validate/fast.py", "_scenario"),
        "full walk, for files the fast path leaves (safeyaml.compose)":
            cum("core/safeyaml.py", "compose"),
        "validator (validate_file, all of it)": cum("core/validate/reader.py",
                                                    "validate_file"),
        "nodes kept as plain values until opened (_compact)":
            cum("app/library_service.py", "_compact"),
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


def _child_libyaml(folder: Path, part: int, parts: int, how: str) -> None:
    """In a fresh process: libyaml's parse of every ``parts``-th file, as JSON.

    ``raw``: libyaml alone, in C, building nothing (PyYAML's ``raw_parse``).
    ``events``: the same parse handing each event to Python as an object, as
    every PyYAML-based reader must.
    ``yaml_rs``: yaml-rs reading the same text to Python values, in compiled code (the
    library's quick reader for plainly written files, before any check).
    """
    import yaml_rs
    from yaml._yaml import CParser

    files = sorted(folder.glob("*.yaml"))[part::parts]
    datas = [f.read_bytes() for f in files]
    t0 = time.perf_counter()
    for data in datas:
        if how == "yaml_rs":
            yaml_rs.loads(data.decode("utf-8"), parse_datetime=False)
            continue
        if how == "raw":
            parser = CParser(data)
            parser.raw_parse()
        else:
            parser = CParser(data.decode("utf-8"))
            while parser.get_event() is not None:
                pass
        parser.dispose()
    print(json.dumps({"parse_s": time.perf_counter() - t0, "files": len(files)}))


def _libyaml_limit(folder: Path, how: str, processes: int = 2) -> dict[str, Any]:
    """A parse of the whole library in ``processes`` processes at once: its wall time."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "libyaml", str(folder)]
    t0 = time.perf_counter()
    procs = [subprocess.Popen([*cmd, str(i), str(processes), how], stdout=subprocess.PIPE,
                              text=True)
             for i in range(processes)]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "parse_s": max(o["parse_s"] for o in outs),
            "cpu_s": sum(o["parse_s"] for o in outs)}


def _chain(n: int) -> bytes:
    """A valid scenario of one decision and then n narrative nodes, for the lint's growth."""
    out = ["format: 1", "id: chain", 'title: "A long walk"', 'summary: "One step at a time."',
           "minutes: 6", "setting: peer-center", "competencies: [1]", "nodes:",
           "  - id: d", '    text: "Start."', "    choices:"]
    for cid, role, why, better in (
            ("a", "peer-aligned", "You stay alongside and let the person lead the way here.", ""),
            ("b", "directive-drift", "Telling them what they must do is directive pressure.",
             "Ask what they want.")):
        out += [f"      - id: {cid}", f'        text: "Choice {cid}."', f"        role: {role}",
                "        feedback:", f'          why: "{why}"']
        out += [f'          better: "{better}"'] if better else []
        out += ["        next: n0"]
    for i in range(n):
        out += [f"  - id: n{i}", '    text: "On."', f"    next: n{i + 1}"]
    out += [f"  - id: n{n}", '    text: "The end."', "    ending:", '      title: "End"',
            '      debrief: "Done."']
    return ("\n".join(out) + "\n").encode()


def _child_lint(folder: Path, runs: int) -> None:
    """In a fresh process: validate + lint one 41-node file (median ms), and the lint's growth."""
    from peerscenarios.core.lint import lint
    from peerscenarios.core.validator import validate_bytes

    data = sorted(folder.glob("*.yaml"))[0].read_bytes()
    times = []
    for _ in range(runs + 3):
        t0 = time.perf_counter()
        lint(validate_bytes(data, "one.yaml"))
        times.append((time.perf_counter() - t0) * 1000)
    growth = []
    for n in (500, 1000):
        result = validate_bytes(_chain(n), "chain.yaml")
        best = min(_timed(lambda r=result: lint(r)) for _ in range(9))
        growth.append(best)
    # The reliability report's worst case: a 10,000-node chain (5.4 s idle, 18 s busy).
    big = _chain(10_000)
    big_s = min(_timed(lambda: lint(validate_bytes(big, "big.yaml"))) for _ in range(3))
    print(json.dumps({"ms": statistics.median(times[3:]), "p90": sorted(times[3:])[int(runs * 0.9)],
                      "growth": growth[1] / growth[0], "lint_small_ms": growth[0] * 1000,
                      "lint_large_ms": growth[1] * 1000, "big_s": big_s,
                      "big_kib": len(big) // 1024}))


def _timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


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
    cold_runs = 1 if quick else 3
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    tag = "" if count == 1000 else f" (quick: {count} scenarios, not 1,000)"
    with tempfile.TemporaryDirectory(prefix="peerscenarios-bench-lib-") as tmp:
        folder = Path(tmp) / "scenarios"
        t0 = time.perf_counter()
        paths = generate_library(folder, count)
        gen_s = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in paths) / 1e6
        cache = Path(tmp) / "cache"
        # Each cold run starts from an empty cache folder; the last one's cache serves warm.
        colds = []
        for i in range(cold_runs):
            cache = Path(tmp) / f"cache-{i}"
            colds.append(_spawn("load", str(folder), str(cache)))
        cold = sorted(colds, key=lambda c: c["load_s"])[len(colds) // 2]
        warm = [_spawn("load", str(folder), str(cache)) for _ in range(warm_runs)]
        limit = _libyaml_limit(folder, "raw")
        events = _libyaml_limit(folder, "events")
        quick_reader = _libyaml_limit(folder, "yaml_rs")
        lint40 = _spawn("lint", str(folder), "10" if quick else "40")
        prof = profile_summary(folder, 30 if quick else PROFILE_FILES)
        warm_prof = _spawn("profile-warm", str(folder), str(cache))
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    machine = ("" if load_before is None or load_after is None else
               f"; machine load average {load_before:.1f} before, {load_after:.1f} after "
               f"({os.cpu_count()} cores)")
    warm_s = statistics.median(w["load_s"] for w in warm)
    cold_list = ", ".join(f"{c['load_s']:.2f}" for c in colds)
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
             f"{base}; no cache; median of {cold_runs} "
             f"({cold_list}); profile: {share} "
             f"(cProfile, {prof['files']} files){machine}" + tag),
        _row("library_parse_1000_libyaml_s", limit["wall_s"], "s", None,
             f"the limit: libyaml's own parse of the same {size_mb:.0f} MB in C, building "
             f"nothing, two processes at once (wall, incl. their start; parsing alone "
             f"{limit['parse_s']:.2f} s). With each event handed to Python as an object, as "
             f"any PyYAML-based reader needs: {events['wall_s']:.2f} s (parsing "
             f"{events['parse_s']:.2f} s). yaml-rs, which the load uses for plainly written "
             f"files, reading the same text to Python values: {quick_reader['wall_s']:.2f} s "
             f"(reading {quick_reader['parse_s']:.2f} s){machine}" + tag),
        _row("library_load_1000_warm_s", warm_s, "s", WARM_GOAL_S,
             f"{base}; cache from the cold run; median of {warm_runs}; profile: unpickling "
             f"{warm_prof['unpickle_s'] / warm_prof['total_s']:.0%} (dataclass __setstate__ "
             f"{warm_prof['setstate_s'] / warm_prof['total_s']:.0%})" + tag),
    ]
    rows += [
        _row("validate_lint_40_nodes_ms", lint40["ms"], "ms", LINT_40_GOAL_MS,
             f"validate_bytes + lint of one generated file of 41 nodes (the full walk, with "
             f"positions); median of {'10' if quick else '40'} after 3 warm-up, p90 "
             f"{lint40['p90']:.1f} ms{machine}"),
        _row("lint_growth_2x_nodes", lint40["growth"], "x", LINT_GROWTH_GOAL,
             f"lint time of a 1,001-node over a 501-node scenario ({lint40['lint_large_ms']:.1f} "
             f"/ {lint40['lint_small_ms']:.1f} ms, best of 9): 2 is linear, 4 quadratic"),
        _row("validate_lint_10000_nodes_s", lint40["big_s"], "s", None,
             f"validate_bytes + lint of a 10,001-node chain ({lint40['big_kib']} KiB), best of "
             f"3; the reliability report measured 5.4 s idle and 18 s busy before the lint "
             f"was made linear{machine}"),
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
        elif kind == "libyaml":
            _child_libyaml(Path(rest[0]), int(rest[1]), int(rest[2]), rest[3])
        elif kind == "lint":
            _child_lint(Path(rest[0]), int(rest[1]))
        return 0
    sys.path.insert(0, str(HERE))
    for row in run(args.quick):
        print(f"{row['name']:<40} {row['value']:>9} {row['unit']:<3} goal <= {row['goal']}  "
              f"{row.get('note', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
