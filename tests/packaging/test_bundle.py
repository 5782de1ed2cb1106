"""The built app itself: made by packaging/build.py, run with an empty environment.

A build takes one to three minutes, so these tests run only when asked:

    PEERSCENARIOS_TEST_BUNDLE=1 python3 -m pytest tests/packaging

``.ci/run`` asks, after the suite. With the variable set nothing here skips:
a missing tool fails the test and says what to install. The build is reused
when ``dist/build-info.json`` says it was made from the same inputs (sources,
packaging files, installed packages), so a second run in the same checkout
costs seconds.

Every start of the executable gets only ``HOME`` and ``QT_QPA_PLATFORM``, as a
trainee's double-click does: no Python, no virtual environment, no PATH.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import stat
import struct
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from peerscenarios import __version__, paths
from peerscenarios.app.library_service import PARALLEL_THRESHOLD, load_library
from peerscenarios.storage import Storage
from peerscenarios.storage.migrate import head_revision
from peerscenarios.ui.app import FIRST_PAINT_LOG

ROOT = Path(__file__).resolve().parents[2]
ENABLE = "PEERSCENARIOS_TEST_BUNDLE"
BUILD_TIMEOUT_S = 30 * 60  # a cold build on a busy two-core machine
START_TIMEOUT_S = 90.0
BUILTIN_COUNT = len(list((ROOT / "scenarios").glob("*.yaml")))

pytestmark = pytest.mark.slow
# One line in the summary for the whole module, rather than one per test.
if os.environ.get(ENABLE) != "1":
    pytest.skip(f"builds the app (minutes): set {ENABLE}=1, as .ci/run does",
                allow_module_level=True)
if not sys.platform.startswith("linux"):
    pytest.skip("the bundle test runs on Linux; Windows and macOS run "
                ".github/workflows/bundle.yml", allow_module_level=True)


@dataclass(frozen=True)
class Bundle:
    """A built app: its folder, executable, tarball and build-info.json."""

    folder: Path
    exe: Path
    archive: Path
    info: dict[str, object]

    def env(self, home: Path) -> dict[str, str]:
        """The whole environment of a start: a home folder and a headless display."""
        return {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}

    def run(self, home: Path, *args: str | Path, exe: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run the executable to completion with ``args``."""
        return subprocess.run([str(exe or self.exe), *map(str, args)], env=self.env(home),
                              capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    """Build the app (or reuse an up-to-date build in dist/)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail('PyInstaller is missing: python3 -m pip install ".[bundle]"')
    proc = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--if-changed"],
                          cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
                          check=False)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    info = json.loads((ROOT / "dist" / "build-info.json").read_text(encoding="utf-8"))
    exe = ROOT / str(info["executable"])
    return Bundle(exe.parent, exe, ROOT / str(info["archive"]), info)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh, empty home folder (so a fresh data folder under it)."""
    folder = tmp_path / "trainee"
    folder.mkdir()
    return folder


def _data_folder(home: Path) -> Path:
    return home / ".local" / "share" / "PeerScenarios"


def _wait_for(condition: Callable[[], bool], what: str, proc: subprocess.Popen[str],
              timeout: float = START_TIMEOUT_S) -> None:
    """Poll ``condition`` until true; fail if ``proc`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the app exited ({proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout:.0f} s")
        time.sleep(0.05)


@pytest.fixture
def start(bundle: Bundle, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start the app in the background; every process started is ended after the test."""
    procs: list[subprocess.Popen[str]] = []

    def _start(home: Path, *args: str | Path) -> subprocess.Popen[str]:
        log = (tmp_path / f"app-{len(procs)}.out").open("w")
        proc = subprocess.Popen([str(bundle.exe), *map(str, args)], env=bundle.env(home),
                                stdout=log, stderr=subprocess.STDOUT, text=True)
        procs.append(proc)
        return proc

    yield _start
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def _log(home: Path) -> str:
    f = _data_folder(home) / "logs" / "peerscenarios.log"
    return f.read_text(encoding="utf-8") if f.is_file() else ""


# --- the executable on its own -------------------------------------------------------------

def test_version_from_the_unpacked_tarball_with_an_empty_environment(
        bundle: Bundle, home: Path, tmp_path: Path) -> None:
    direct = bundle.run(home, "--version")
    assert (direct.returncode, direct.stdout) == (0, f"peerscenarios {__version__}\n")
    # The tarball alone is enough: unpacked elsewhere, with its symlinks, it runs.
    with tarfile.open(bundle.archive) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    unpacked = tmp_path / "unpacked" / "PeerScenarios" / "peerscenarios"
    assert unpacked.stat().st_mode & stat.S_IXUSR
    proc = bundle.run(home, "--version", exe=unpacked)
    assert (proc.returncode, proc.stdout) == (0, f"peerscenarios {__version__}\n"), proc.stderr
    assert (tmp_path / "unpacked" / "PeerScenarios" / "INSTALL.txt").is_file()
    shutil.rmtree(tmp_path / "unpacked")  # 130 MB; pytest keeps its last temp folders


def test_where_finds_the_bundled_scenarios_and_a_private_data_folder(
        bundle: Bundle, home: Path) -> None:
    proc = bundle.run(home, "where")
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(":", 1) for line in proc.stdout.splitlines())
    builtin = Path(lines["built-in scenarios"].strip())
    assert builtin.is_relative_to(bundle.folder)
    assert len(list(builtin.glob("*.yaml"))) == BUILTIN_COUNT
    data = Path(lines["data folder"].strip())
    assert data == _data_folder(home)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_validate_and_paths_on_the_bundled_scenarios(bundle: Bundle, home: Path) -> None:
    builtin = bundle.folder / "_internal" / "peerscenarios" / "builtin_scenarios"
    proc = bundle.run(home, "validate", builtin, "--strict", "--coverage")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (f"{BUILTIN_COUNT} file(s), {BUILTIN_COUNT} scenario(s) loaded: 0 error(s), "
            "0 warning(s)") in proc.stderr
    routes = bundle.run(home, "paths", builtin / "back-to-school.yaml")
    assert routes.returncode == 0, routes.stderr
    assert "Back to school (back-to-school):" in routes.stdout
    # The exit codes a script relies on: 1 for problems found, 2 for a usage error.
    broken = bundle.run(home, "validate", ROOT / "tests" / "ui" / "data" / "bad")
    assert broken.returncode == 1
    assert "broken.yaml" in broken.stdout
    assert bundle.run(home, "validate", home / "nowhere").returncode == 2
    assert bundle.run(home, "no-such-command").returncode == 2


def test_validate_many_files_uses_worker_processes(bundle: Bundle, home: Path,
                                                   tmp_path: Path) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: the library never starts worker processes here")
    source = (ROOT / "scenarios" / "back-to-school.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "many"
    folder.mkdir()
    count = PARALLEL_THRESHOLD + 6
    for i in range(count):
        text = source.replace("id: back-to-school\n", f"id: copy-{i:03}\n", 1)
        (folder / f"copy-{i:03}.yaml").write_text(text, encoding="utf-8")
    proc = bundle.run(home, "validate", folder, "--no-lint", timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{count} file(s), {count} scenario(s) loaded: 0 error(s)" in proc.stderr
    # A worker that started the app instead of its job (no freeze support) breaks
    # the pool; the library then says so and carries on in one process.
    assert "worker processes unavailable" not in proc.stderr
    assert "usage:" not in proc.stderr


# --- the window -----------------------------------------------------------------------------

def test_first_start_shows_the_window_and_a_second_start_hands_over(
        start: Callable[..., subprocess.Popen[str]], bundle: Bundle, home: Path) -> None:
    first = start(home)
    _wait_for(lambda: FIRST_PAINT_LOG in _log(home), "first paint of the window", first)
    second = bundle.run(home, timeout=60)
    assert second.returncode == 0, second.stderr
    _wait_for(lambda: "another start asked this window to come forward" in _log(home),
              "hand-over to the first window", first)
    assert "already running; asked it to come forward (True)" in _log(home)
    assert first.poll() is None, "the first window closed"
    log = _log(home)
    assert "Traceback" not in log
    assert " ERROR " not in log
    assert log.count(FIRST_PAINT_LOG) == 1, "the second start opened a window of its own"


def test_damaged_database_is_explained_and_kept(
        start: Callable[..., subprocess.Popen[str]], home: Path) -> None:
    data = _data_folder(home)
    data.mkdir(parents=True, mode=0o700)
    junk = b"this is not a database\n" * 200
    (data / paths.DATABASE_FILENAME).write_bytes(junk)
    app = start(home)
    # The window paints first; the database is opened after, and its problem explained
    # in a dialog that waits for the trainee (never a traceback, never a new database).
    _wait_for(lambda: "database damaged:" in _log(home), "the damaged-database message", app)
    assert (data / paths.DATABASE_FILENAME).read_bytes() == junk
    assert "Traceback" not in _log(home)


# --- storage, export, backups, facilitator mode --------------------------------------------

def _play_first_choices(storage: Storage, profile_id: int) -> None:
    """One finished attempt at the first built-in scenario, always taking the first choice."""
    library = load_library([], builtin=[paths.builtin_scenarios_dir()], with_lint=False)
    scenario = library.by_id("back-to-school")
    assert scenario is not None
    attempt = storage.start_attempt(profile_id, scenario.id, scenario.content_hash, "practice")
    node = scenario.node(scenario.start)
    while node.ending is None:
        if node.choices:
            choice = node.choices[0]
            storage.record_choice(attempt.id, node.id, choice.id, choice.role, choice.effects,
                                  choice.feedback.why)
            node = scenario.node(choice.next)
        else:
            assert node.next is not None
            node = scenario.node(node.next)
    storage.finish_attempt(attempt.id, node.id)


def test_backup_export_restore_and_present(start: Callable[..., subprocess.Popen[str]],
                                           bundle: Bundle, home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    database = data / paths.DATABASE_FILENAME
    # The bundle creates the database with its own copy of the migrations.
    made = bundle.run(home, "backup", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert backup.is_file()
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)]
    assert "no profiles yet" in bundle.run(home, "export", "--data-dir", data, "--format",
                                           "csv", "--out", tmp_path / "none.csv").stderr

    with Storage.open(f"sqlite:///{database}", backup=False) as storage:
        _play_first_choices(storage, storage.create_profile("Ana").id)
    for fmt, opening in (("pdf", b"%PDF-"), ("md", b"# "), ("csv", b"")):
        out = tmp_path / f"portfolio.{fmt}"
        proc = bundle.run(home, "export", "--data-dir", data, "--format", fmt, "--out", out)
        assert proc.returncode == 0, proc.stderr
        assert "Wrote the portfolio of “Ana” (1 attempt(s))" in proc.stdout
        assert out.read_bytes().startswith(opening)
    assert b"back-to-school" in (tmp_path / "portfolio.csv").read_bytes()
    wrong = bundle.run(home, "export", "--data-dir", data, "--format", "md", "--profile", "Bo",
                       "--out", tmp_path / "bo.md")
    assert wrong.returncode == 1
    assert "there is no profile called “Bo”" in wrong.stderr

    # The backup was made before Ana existed: restoring it brings that state back.
    restored = bundle.run(home, "restore", "--data-dir", data, backup)
    assert restored.returncode == 0, restored.stderr
    with Storage.open(f"sqlite:///{database}", backup=False) as storage:
        assert storage.list_profiles() == []

    # Facilitator mode opens its windows and starts recording a group session at once;
    # with --phones it serves the vote page (aiohttp) and draws its QR code (QtSvg).
    presenter = start(home, "present", "back-to-school", "--data-dir", data,
                      "--phones", "127.0.0.1")

    def session_started() -> bool:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT scenario_id FROM group_session").fetchall()
        return rows == [("back-to-school",)]

    _wait_for(session_started, "group session in the database", presenter)
    output = tmp_path / "app-0.out"
    _wait_for(lambda: "Phones join at http" in output.read_text(encoding="utf-8"),
              "the phones' join link", presenter)
    link = output.read_text(encoding="utf-8").split("Phones join at ", 1)[1].split()[0]
    with urllib.request.urlopen(link, timeout=30) as response:
        assert response.status == 200
        assert "<title>Class vote · PeerScenarios</title>" in response.read().decode("utf-8")


def test_course_server_set_up_from_the_bundle(bundle: Bundle, home: Path) -> None:
    # The course tests' own throwaway PostgreSQL cluster (CI installs postgresql).
    spec = importlib.util.spec_from_file_location(
        "bundle_pgcluster", ROOT / "tests" / "course" / "pgcluster.py")
    assert spec is not None
    assert spec.loader is not None
    pgcluster = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = pgcluster  # its dataclasses look their module up there
    spec.loader.exec_module(pgcluster)
    try:
        cluster = pgcluster.start_cluster()
    except pgcluster.PostgresMissingError as exc:
        pytest.fail(str(exc))
    try:
        url = cluster.url("course_bundle")
        # The bundled driver (psycopg's binary build) and the course schema's migrations.
        init = bundle.run(home, "course", "--server", url, "init")
        assert init.returncode == 0, init.stderr
        assert "schema c0001 (new)" in init.stdout
        added = subprocess.run(
            [str(bundle.exe), "course", "--server", url, "add-trainee", "ana_bundle",
             "--password-stdin"], input="a secret passphrase\n", env=bundle.env(home),
            capture_output=True, text=True, timeout=120, check=False)
        assert added.returncode == 0, added.stderr
        people = bundle.run(home, "course", "--server", url, "people")
        assert people.returncode == 0, people.stderr
        assert "trainee      ana_bundle" in people.stdout
        refused = bundle.run(home, "course", "--server",
                             url.replace(cluster.password, "wrong"), "people")
        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
    finally:
        cluster.stop()


# --- what is in the bundle ------------------------------------------------------------------

def test_bundle_holds_the_app_and_only_the_qt_it_uses(bundle: Bundle) -> None:
    from PyInstaller.archive.readers import pkg_archive_contents

    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import bundle_contents
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    modules = set(pkg_archive_contents(str(bundle.exe)))
    src = ROOT / "src"
    ours = {".".join(p.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
            for p in (src / "peerscenarios").rglob("*.py")
            if "migrations" not in p.parts[:-1] or p.name == "__init__.py"}
    ours -= {"peerscenarios.storage.migrations.versions",
             "peerscenarios.course.migrations.versions"}
    assert ours - modules == set(), "modules missing from the bundle"
    # Imported late or chosen by name at run time: the course server's driver and the
    # password store's backend; the phones' web server and QR code; the library's
    # quick reader (imported in a try, so a missing one would only make loads slower).
    assert {"psycopg", "psycopg_binary", "sqlalchemy.dialects.postgresql.psycopg",
            "keyring.backends.SecretService", "secretstorage", "aiohttp", "segno",
            "yaml_rs", "yaml_rs._lib"} <= modules
    assert not {m for m in modules if m.split(".")[0] in {"pytest", "_pytest", "hypothesis",
                                                          "pytestqt", "tests", "tkinter"}}
    internal = bundle.folder / "_internal"
    qt = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.so")}
    assert qt == set(bundle_contents.QT_MODULES)
    libs = {p.name for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    assert not {lib for lib in libs if "Qml" in lib or "Quick" in lib or "Pdf" in lib}
    assert not (internal / "libgtk-3.so.0").exists()
    for _source, dest in paths.bundled_resources():
        assert (internal / dest).exists(), dest
    licenses = internal / "licenses"
    assert {"LGPL-3.0.txt", "GPL-3.0.txt", "Python-LICENSE.txt", "README.txt"} <= {
        p.name for p in licenses.iterdir()}
    assert "PySide6_Essentials" in (licenses / "README.txt").read_text(encoding="utf-8")
    for package in ("storage", "course"):
        bundled = internal / "peerscenarios" / package / "migrations"
        source = src / "peerscenarios" / package / "migrations"
        assert (bundled / "env.py").is_file()
        assert sorted(p.name for p in (bundled / "versions").glob("[!_]*.py")) == sorted(
            p.name for p in (source / "versions").glob("[!_]*.py"))


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_desktop_entry_and_icons(bundle: Bundle, tmp_path: Path) -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator, "install desktop-file-utils (apt-get install desktop-file-utils)"
    share = bundle.folder / "share"
    desktop = share / "applications" / "peerscenarios.desktop"
    check = subprocess.run([validator, str(desktop)], capture_output=True, text=True, check=False)
    assert (check.returncode, check.stdout.strip()) == (0, ""), check.stdout
    sizes = sorted(int(p.parent.parent.name.split("x")[0])
                   for p in (share / "icons" / "hicolor").glob("*x*/apps/peerscenarios.png"))
    assert sizes == [16, 24, 32, 48, 64, 128, 256, 512]
    for size in sizes:
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "peerscenarios.png"
        assert _png_size(icon) == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "peerscenarios.svg").is_file()

    # The menu-entry script, from a copy in a folder whose name has a space in it.
    copy = tmp_path / "My Apps" / "PeerScenarios"
    copy.mkdir(parents=True)
    shutil.copytree(share, copy / "share")
    for name in ("peerscenarios", "install-desktop-entry.sh"):
        shutil.copy2(bundle.folder / name, copy / name)
    home = tmp_path / "someone"
    home.mkdir()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    installed = subprocess.run([str(copy / "install-desktop-entry.sh")], env=env,
                               capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    entry = home / ".local" / "share" / "applications" / "peerscenarios.desktop"
    text = entry.read_text(encoding="utf-8")
    assert f'Exec="{copy / "peerscenarios"}"\n' in text
    assert f"TryExec={copy / 'peerscenarios'}\n" in text
    check = subprocess.run([validator, str(entry)], capture_output=True, text=True, check=False)
    assert (check.returncode, check.stdout.strip()) == (0, ""), check.stdout
    icon = home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps" / "peerscenarios.png"
    assert icon.is_file()
    removed = subprocess.run([str(copy / "install-desktop-entry.sh"), "--remove"], env=env,
                             capture_output=True, text=True, check=False)
    assert removed.returncode == 0, removed.stderr
    assert not entry.exists()
    assert not icon.exists()
