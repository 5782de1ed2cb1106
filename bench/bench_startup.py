"""Benchmark of start-up: the app's first paint with the library listed, against a bare window.

Run ``python bench/bench_startup.py [--quick]``. Both measurements are fresh
processes of this same driver script under ``QT_QPA_PLATFORM=offscreen``:

- ``--child bare``: a ``QMainWindow`` with a ``QLabel``; done when the label
  has painted;
- ``--child app``: ``peerscenarios.ui.app.run_app(args)`` with a fresh
  ``PEERSCENARIOS_DATA_DIR`` that already holds a profile (so no first-run
  dialog); done when any ``QAbstractItemView`` whose model has rows has
  painted its viewport. The app is not asked to cooperate: an
  application-wide event filter, installed when the event loop first runs,
  watches for that paint.

The parent writes ``time.time()`` into ``PEERSCENARIOS_BENCH_T0`` just
before it spawns the child, so the time includes process creation,
interpreter start-up and every import. Runs alternate bare, app, bare, app
after one warm-up pair; the ratio is of the medians.

``startup_import_ms`` re-runs the app child under ``python -X importtime``
(so it counts exactly what is imported before the first paint) and sums the
top-level cumulative times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

T0_ENV = "PEERSCENARIOS_BENCH_T0"
MARK = "BENCH_FIRST_PAINT_MS"
MARK_WINDOW = "BENCH_WINDOW_PAINT_MS"  # the app window's first paint of anything
# Issue 16's goal: the library listed within 1.5 times a bare window's first paint.
RATIO_GOAL = 1.5
CHILD_TIMEOUT_S = 60.0
BARE_SIZE = (1280, 800)


# --- child side -------------------------------------------------------------------------

def _install_watch(app: Any, is_target: Any) -> Any:
    """Filter every event once the event loop runs; after the first Paint of a target
    widget, report and quit.

    The first Paint of any widget is reported too (as MARK_WINDOW), to tell the
    window's own first paint from the moment the library is listed in it.

    The filter is installed by a zero timer, when the event loop first runs:
    nothing paints before then. Installed at once, as before, it was called
    for each of the 3,000 or so events of building the app's window (a bare
    window has a few dozen), which added 20-25 ms to the app's side alone.
    It stays application-wide (not on the widgets) so that it sees the paint
    before any filter of the app's own, whose reaction (opening the database)
    would otherwise run first and delay the report.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    t0 = float(os.environ[T0_ENV])

    class PaintWatch(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False
            self.any_painted = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.any_painted and event.type() == QEvent.Type.Paint:
                self.any_painted = True
                QTimer.singleShot(0, self.report_window)
            if not self.done and event.type() == QEvent.Type.Paint and is_target(obj):
                self.done = True
                # The filter runs before the widget paints; a zero timer fires after
                # this paint pass (and its flush to the backing store) is complete.
                QTimer.singleShot(0, self.report)
            return False

        def report_window(self) -> None:
            print(f"{MARK_WINDOW} {(time.time() - t0) * 1000:.3f}", flush=True)

        def report(self) -> None:
            elapsed_ms = (time.time() - t0) * 1000
            print(f"{MARK} {elapsed_ms:.3f}", flush=True)
            # Also on stderr, where -X importtime writes: imports after this line
            # happened after the first paint and are not counted.
            print(MARK, file=sys.stderr, flush=True)
            QTimer.singleShot(0, app.quit)

    watch = PaintWatch()
    QTimer.singleShot(0, lambda: app.installEventFilter(watch))
    return watch


def _child_bare() -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    label = QLabel("Hello", window)
    window.setCentralWidget(label)
    window.resize(*BARE_SIZE)
    _watch = _install_watch(app, lambda obj: obj is label)
    window.show()
    return app.exec()


def _is_listed_view(obj: Any) -> bool:
    from PySide6.QtWidgets import QAbstractItemView, QWidget

    if not isinstance(obj, QWidget):
        return False
    view = obj if isinstance(obj, QAbstractItemView) else obj.parent()
    if not isinstance(view, QAbstractItemView):
        return False
    if obj is not view and obj is not view.viewport():
        return False
    model = view.model()
    return model is not None and model.rowCount() > 0 and obj.isVisible()


def _child_app() -> int:
    from PySide6.QtWidgets import QApplication

    from peerscenarios.cli import build_parser
    from peerscenarios.ui import app as app_module

    args = build_parser().parse_args([])
    watches: list[Any] = []
    qapp = QApplication.instance()
    if qapp is None:
        # run_app makes its own QApplication; wrap the class it uses so the filter is
        # installed the moment the application exists, before any window is shown.
        original = getattr(app_module, "QApplication", QApplication)

        class WatchedApplication(original):  # type: ignore[misc, valid-type]
            def __init__(self, *a: Any, **kw: Any) -> None:
                super().__init__(*a, **kw)
                watches.append(_install_watch(self, _is_listed_view))

        app_module.QApplication = WatchedApplication  # type: ignore[attr-defined]
    result = app_module.run_app(args)
    return int(result or 0)


# --- parent side ------------------------------------------------------------------------

def make_data_dir(folder: Path) -> Path:
    """A data directory holding a database with one profile, as after a first run."""
    from peerscenarios import paths
    from peerscenarios.storage import Storage

    folder.mkdir(parents=True, exist_ok=True)
    paths.set_data_dir_override(folder)
    try:
        storage = Storage.open(paths.default_database_url(), backup=False)
        try:
            storage.create_profile("Bench")
        finally:
            storage.close()
    finally:
        paths.set_data_dir_override(None)
    return folder


def child_env(data_dir: Path | None) -> dict[str, str]:
    """The environment for a child: offscreen Qt, and the bench's data directory."""
    env = os.environ.copy()
    env["QT_QPA_PLATFORM"] = "offscreen"
    # An installed app has its bytecode compiled (pip does it at install time).
    # Some shells set PYTHONDONTWRITEBYTECODE, which would make every start of a
    # source checkout recompile each module; let the warm-up pair write it once.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if data_dir is not None:
        env["PEERSCENARIOS_DATA_DIR"] = str(data_dir)
    return env


def spawn(kind: str, env: dict[str, str], *, python_args: tuple[str, ...] = ()
          ) -> tuple[float, str, float | None]:
    """Start one child; return (ms from spawn to the target's first paint, its stderr,
    ms from spawn to the first paint of anything)."""
    env = dict(env)
    cmd = [sys.executable, *python_args, str(Path(__file__).resolve()), "--child", kind]
    env[T0_ENV] = repr(time.time())
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        out, err = proc.communicate(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{kind} child did not paint within {CHILD_TIMEOUT_S:.0f} s; "
                           f"stderr tail: {err.strip()[-300:]!r}") from None
    window: float | None = None
    for line in out.splitlines():
        if line.startswith(MARK_WINDOW):
            window = float(line.split()[1])
        elif line.startswith(MARK):
            return float(line.split()[1]), err, window
    raise RuntimeError(f"{kind} child exited ({proc.returncode}) without painting; "
                       f"stderr tail: {err.strip()[-300:]!r}")


def parse_importtime(stderr: str) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    """From ``-X importtime`` output: total ms (sum of top-level cumulative), top modules
    by cumulative time below the root, and top packages by summed self time."""
    total_us = 0
    rows: list[tuple[str, int, int, int]] = []  # name, depth, self, cumulative
    for line in stderr.splitlines():
        if line.startswith(MARK):
            break
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            parts = line.split("|")
            self_us = int(parts[0].split(":")[1])
            cum_us = int(parts[1])
            raw = parts[2]
        except (ValueError, IndexError):
            continue
        stripped = raw.lstrip()
        depth = (len(raw) - len(stripped) - 1) // 2
        rows.append((stripped, depth, self_us, cum_us))
        if depth == 0:
            total_us += cum_us
    by_package: dict[str, int] = {}
    for name, _depth, self_us, _cum in rows:
        top = name.split(".")[0]
        by_package[top] = by_package.get(top, 0) + self_us
    # Modules below the entry points, by cumulative time: what costs the most to import.
    nested = sorted(((n, c / 1000) for n, d, _s, c in rows if d >= 1),
                    key=lambda kv: -kv[1])
    top_modules: list[tuple[str, float]] = []
    for name, ms in nested:
        if name not in {n for n, _ in top_modules}:
            top_modules.append((name, ms))
        if len(top_modules) == 5:
            break
    packages = sorted(((k, v / 1000) for k, v in by_package.items()), key=lambda kv: -kv[1])[:5]
    return total_us / 1000, top_modules, packages


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _row(name: str, value: float | None, unit: str, goal: float | None,
         note: str = "", op: str = "<=") -> dict[str, Any]:
    meets = None if value is None or goal is None else (
        value <= goal if op == "<=" else value < goal)
    row: dict[str, Any] = {"name": name, "value": None if value is None else round(value, 3),
                           "unit": unit, "goal": goal, "goal_op": op, "meets": meets}
    if note:
        row["note"] = note
    return row


def run(quick: bool, *, verbose: bool = True) -> list[dict[str, Any]]:
    """Measure start-up, alternating bare and app children; one row per measurement."""
    pairs = 3 if quick else 10
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="peerscenarios-bench-start-") as tmp:
        data = make_data_dir(Path(tmp) / "data")
        bare_env = child_env(None)
        app_env = child_env(data)
        try:
            # Warm-up: OS file cache, fontconfig cache, the app's library cache.
            spawn("bare", bare_env)
            spawn("app", app_env)
            bare: list[float] = []
            app: list[float] = []
            app_window: list[float] = []
            for _ in range(pairs):
                bare.append(spawn("bare", bare_env)[0])
                listed, _err, window = spawn("app", app_env)
                app.append(listed)
                if window is not None:
                    app_window.append(window)
        except (RuntimeError, OSError) as exc:
            reason = f"not available: {exc}"
            return [_row("startup_ratio", None, "x", RATIO_GOAL, reason),
                    _row("startup_app_ms", None, "ms", None, reason),
                    _row("startup_bare_ms", None, "ms", None, reason),
                    _row("startup_import_ms", None, "ms", None, reason)]
        b, a = _median(bare), _median(app)
        spread = (f"bare {min(bare):.0f}-{max(bare):.0f} ms, app {min(app):.0f}-{max(app):.0f} ms"
                  f" over {pairs} alternated pairs after a warm-up pair (bytecode cached,"
                  " as in an installed app)")
        rows.append(_row("startup_ratio", a / b, "x", RATIO_GOAL,
                         f"median app / median bare; {spread}"))
        first = f"; the window's own first paint at {_median(app_window):.0f} ms" \
            if app_window else ""
        rows.append(_row("startup_app_ms", a, "ms", None,
                         "spawn to first paint of a list with rows (offscreen, profile exists, "
                         f"library cache warm){first}"))
        rows.append(_row("startup_bare_ms", b, "ms", None,
                         f"spawn to first paint of a QMainWindow+QLabel {BARE_SIZE[0]}x"
                         f"{BARE_SIZE[1]} (offscreen)"))
        totals: list[float] = []
        last_err = ""
        for _ in range(1 if quick else 3):
            _ms, last_err, _window = spawn("app", app_env, python_args=("-X", "importtime"))
            totals.append(parse_importtime(last_err)[0])
        _total, top, packages = parse_importtime(last_err)
        imp = _median(totals)
        if verbose:
            print(f"\nimports before the app's first paint: {imp:.0f} ms (-X importtime, "
                  "sum of top-level cumulative)")
            print("  top modules by cumulative import time:")
            for name, ms in top:
                print(f"    {ms:8.1f} ms  {name}")
            print("  top packages by summed self time:")
            for name, ms in packages:
                print(f"    {ms:8.1f} ms  {name}")
        rows.append(_row(
            "startup_import_ms", imp, "ms", None,
            "python -X importtime of the app child up to first paint, sum of top-level "
            "cumulative (inflated by importtime's own overhead); top: "
            + ", ".join(f"{n} {ms:.0f}" for n, ms in top)
            + "; packages (self): " + ", ".join(f"{n} {ms:.0f}" for n, ms in packages)))
    return rows


def main() -> int:
    """Command line: ``--quick`` for fewer pairs; ``--child bare|app`` is internal."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 pairs instead of 10")
    ap.add_argument("--child", choices=("bare", "app"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child == "bare":
        return _child_bare()
    if args.child == "app":
        return _child_app()
    for row in run(args.quick):
        print(f"{row['name']:<22} {row['value']!s:>10} {row['unit']:<3} "
              f"goal {row['goal']}  {row.get('note', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
