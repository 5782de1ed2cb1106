"""Benchmark of the built app (packaging/build.py): its size, and its start against the install.

Run ``python bench/bench_bundle.py [--quick]`` (or through ``bench/run.py``). A full
run builds the app first if ``dist/`` holds no build of the current inputs (one to
three minutes; needs ``python -m pip install ".[bundle]"``); ``--quick`` only uses
a build that is already there.

- ``bundle_size_mb``: the bundle folder on disk (allocated blocks, as ``du``);
  the tarball's size and the build time from ``dist/build-info.json`` are in the notes.
- ``bundle_start_ms`` / ``venv_start_ms``: process spawn to the app's first paint
  with the library listed, for the bundle's executable and for the ``peerscenarios``
  command of the Python environment running this script, started alternately
  (bundle, venv, bundle, venv ...) after one warm-up pair. Neither is modified
  or watched from inside: the parent notes ``time.time()`` just before the spawn,
  and the app's log line ``window shown with the library listed`` carries the
  time of the first paint (same clock, millisecond resolution). Both get the same
  bare environment (HOME, QT_QPA_PLATFORM=offscreen, TZ=UTC and a data folder that
  already holds a profile), then are ended once they have painted.
- ``bundle_start_ratio``: the two medians divided; goal: the download starts no
  slower than a quarter over the Python install (the bootloader and archive cost).
- ``bundle_version_ms`` / ``venv_version_ms``: spawn to exit of ``--version``, the
  interpreter's own start with no Qt: what the bootloader adds on its own.

``--compare EXE`` times another build of the app in the same alternation (how
packaging/README.md compares PyInstaller with pyside6-deploy's Nuitka build).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "packaging" / "build.py"
INFO = ROOT / "dist" / "build-info.json"
FIRST_PAINT = "window shown with the library listed"  # peerscenarios.ui.app.FIRST_PAINT_LOG
RATIO_GOAL = 1.25
START_TIMEOUT_S = 90.0
NAMES = ["bundle_size_mb", "bundle_start_ms", "venv_start_ms", "bundle_start_ratio",
         "bundle_version_ms", "venv_version_ms"]


def _row(name: str, value: float | None, unit: str, goal: float | None = None,
         note: str = "", op: str = "<=") -> dict[str, Any]:
    meets = None if value is None or goal is None else value <= goal
    row: dict[str, Any] = {"name": name, "value": None if value is None else round(value, 3),
                           "unit": unit, "goal": goal, "goal_op": op, "meets": meets}
    if note:
        row["note"] = note
    return row


def _unavailable(reason: str) -> list[dict[str, Any]]:
    return [_row(n, None, "", RATIO_GOAL if n == "bundle_start_ratio" else None,
                 f"not available: {reason}") for n in NAMES]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def ensure_bundle(quick: bool) -> tuple[dict[str, Any] | None, str]:
    """(build-info of a current build, how it was obtained) or (None, why not)."""
    if quick:
        if not INFO.is_file():
            return None, "no build in dist/ (run python packaging/build.py, or a full bench run)"
        info: dict[str, Any] = json.loads(INFO.read_text(encoding="utf-8"))
        current = subprocess.run([sys.executable, str(BUILD), "--check"], cwd=ROOT,
                                 capture_output=True, check=False).returncode == 0
        return info, ("the existing build of these sources" if current else
                      "an existing build that predates your changes (--quick never builds)")
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        return None, 'PyInstaller is not installed (python -m pip install ".[bundle]")'
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BUILD), "--if-changed"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None, f"packaging/build.py failed: {proc.stderr.strip()[-300:]}"
    built = "up to date" not in proc.stdout
    how = (f"built in this run ({time.perf_counter() - t0:.0f} s)" if built
           else "reused: dist/ held a build of the same inputs")
    return json.loads(INFO.read_text(encoding="utf-8")), how


def make_data_dir(folder: Path) -> Path:
    """A data folder whose database holds one profile (no first-run question)."""
    sys.path.insert(0, str(HERE))
    from bench_startup import make_data_dir as make

    return make(folder)


def venv_command() -> list[str]:
    """The installed ``peerscenarios`` command of this Python environment."""
    script = Path(sys.executable).with_name("peerscenarios")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "peerscenarios"]


def _first_paint_time(log: Path, offset: int) -> float | None:
    """time.time() of the first-paint log line written after ``offset``, if there is one."""
    try:
        with log.open("rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return None
    for line in text.splitlines():
        if FIRST_PAINT in line:
            # Logging writes local time; the child's TZ is UTC (see run), so this is exact.
            stamp = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            return stamp.replace(tzinfo=UTC).timestamp()
    return None


def time_start(cmd: list[str], env: dict[str, str], data: Path) -> float:
    """Milliseconds from spawn to the logged first paint; the app is ended afterwards."""
    log = data / "logs" / "peerscenarios.log"
    offset = log.stat().st_size if log.is_file() else 0
    t0 = time.time()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while (painted := _first_paint_time(log, offset)) is None:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"{cmd[0]} exited ({proc.returncode}) before painting: "
                                   f"{err.strip()[-300:]!r}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not paint within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.005)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr:
            proc.stderr.close()
    return (painted - t0) * 1000


def time_version(cmd: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawn to exit of ``--version``."""
    t0 = time.perf_counter()
    subprocess.run([*cmd, "--version"], env=env, capture_output=True, check=True, timeout=60)
    return (time.perf_counter() - t0) * 1000


def size_on_disk(folder: Path) -> int:
    """Bytes allocated to the folder's files (symlinks once, as du counts)."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*"))


def run(quick: bool, *, verbose: bool = True, compare: Path | None = None
        ) -> list[dict[str, Any]]:
    """Size and start-up of the built app against this environment's install.

    ``compare``: another build of the app (e.g. made by a different bundler), timed in
    the same alternation and reported as ``other_*`` rows.
    """
    info, how = ensure_bundle(quick)
    if info is None:
        return _unavailable(how)
    exe = ROOT / str(info["executable"])
    archive = ROOT / str(info["archive"])
    if not exe.is_file():
        return _unavailable(f"{exe} is missing although dist/build-info.json names it")
    mb = 1024 * 1024
    size = size_on_disk(exe.parent)
    rows = [_row("bundle_size_mb", size / mb, "MB", None,
                 f"{exe.parent.relative_to(ROOT)} on disk; {archive.name} "
                 f"{archive.stat().st_size / mb:.0f} MB; {info['bundler']}, built in "
                 f"{info['build_s']} s (+{info['archive_s']} s for the tarball), {how}")]
    pairs = 3 if quick else 10
    with tempfile.TemporaryDirectory(prefix="peerscenarios-bench-bundle-") as tmp:
        base = Path(tmp)
        sides = {"bundle": [str(exe)], "venv": venv_command()}
        if compare is not None:
            sides["other"] = [str(compare.resolve())]
        envs: dict[str, dict[str, str]] = {}
        for side in sides:
            home = base / f"home-{side}"
            home.mkdir()
            data = make_data_dir(base / f"data-{side}")
            # TZ fixed so the log's local timestamps read the same here, whatever the shell has.
            envs[side] = {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "TZ": "UTC",
                          "PEERSCENARIOS_DATA_DIR": str(data)}
        starts: dict[str, list[float]] = {side: [] for side in sides}
        first: dict[str, float] = {}
        try:
            for i in range(pairs + 1):  # the first pair warms caches and is reported apart
                for side, cmd in sides.items():
                    ms = time_start(cmd, envs[side], Path(envs[side]["PEERSCENARIOS_DATA_DIR"]))
                    if i == 0:
                        first[side] = ms
                    else:
                        starts[side].append(ms)
            versions: dict[str, list[float]] = {side: [] for side in sides}
            for _ in range(pairs + 1):
                for side, cmd in sides.items():
                    versions[side].append(time_version(cmd, envs[side]))
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            return rows + _unavailable(str(exc))[1:]
    b, v = _median(starts["bundle"]), _median(starts["venv"])
    spread = (f"bundle {min(starts['bundle']):.0f}-{max(starts['bundle']):.0f} ms, venv "
              f"{min(starts['venv']):.0f}-{max(starts['venv']):.0f} ms over {pairs} alternated "
              "pairs after a warm-up pair")
    rows.append(_row("bundle_start_ms", b, "ms", None,
                     "spawn to first paint with the library listed (offscreen, profile exists, "
                     f"library cache warm); first start {first['bundle']:.0f} ms"))
    rows.append(_row("venv_start_ms", v, "ms", None,
                     f"the same for {' '.join(Path(c).name for c in sides['venv'])} of "
                     f"{sys.prefix}; first start {first['venv']:.0f} ms"))
    rows.append(_row("bundle_start_ratio", b / v, "x", RATIO_GOAL,
                     f"median bundle / median venv; {spread}"))
    # The first --version pair is a warm-up too.
    bv, vv = _median(versions["bundle"][1:]), _median(versions["venv"][1:])
    rows.append(_row("bundle_version_ms", bv, "ms", None, "spawn to exit of --version"))
    rows.append(_row("venv_version_ms", vv, "ms", None, "spawn to exit of --version"))
    if compare is not None:
        o = _median(starts["other"])
        rows.append(_row("other_start_ms", o, "ms", None,
                         f"{compare}: {min(starts['other']):.0f}-{max(starts['other']):.0f} ms; "
                         f"first start {first['other']:.0f} ms; {o / v:.2f} x venv"))
        rows.append(_row("other_version_ms", _median(versions["other"][1:]), "ms", None,
                         "spawn to exit of --version"))
        rows.append(_row("other_size_mb", size_on_disk(compare.resolve().parent) / mb, "MB"))
    if verbose:
        for row in rows:
            print(f"  {row['name']}: {row['value']} {row['unit']}  {row.get('note', '')}")
    return rows


def main() -> int:
    """Command line: ``--quick`` for 3 pairs and no build."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 pairs; never build")
    ap.add_argument("--compare", type=Path, metavar="EXE",
                    help="also time this executable (another build of the app) in turn")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    rows = run(args.quick, verbose=False, compare=args.compare)
    width = max(len(r["name"]) for r in rows)
    for row in rows:
        print(f"{row['name']:<{width}} {row['value']!s:>9} {row['unit']:<3} "
              f"{row.get('note', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
