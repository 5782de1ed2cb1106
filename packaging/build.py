"""Build the standalone PeerScenarios app: ``python packaging/build.py``.

Makes ``dist/PeerScenarios/`` (executable ``dist/PeerScenarios/peerscenarios``) with
PyInstaller from ``packaging/peerscenarios.spec``, then, on Linux, adds the desktop
entry, the icons and INSTALL.txt and packs ``dist/PeerScenarios-VERSION-linux-x86_64.tar.gz``
(a zip on Windows and macOS). Needs the bundle extra: ``python -m pip install ".[bundle]"``.

``--if-changed`` skips the build when ``dist/build-info.json`` says the bundle was made
from the same sources, packaging files and installed packages (how the bundle test and
the benchmark reuse a build). Why PyInstaller, and what goes in: packaging/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src"
DIST = ROOT / "dist"
WORK = ROOT / "build"
ICONS = WORK / "icons"
LICENSES = WORK / "licenses"
INFO = DIST / "build-info.json"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(SRC))  # this checkout's code, not whatever is installed

import bundle_contents as bc  # noqa: E402

from peerscenarios import __version__, paths  # noqa: E402

# hicolor sizes a desktop looks for; 512 also feeds the Windows/macOS icon conversion.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_SOURCE = "icons/peerscenarios.svg"  # inside paths.assets_dir(): the window icon too


def _platform_tag() -> str:
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "arm64", "aarch64": "aarch64"}.get(machine, machine)
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform,
                                                                         sys.platform)
    return f"{system}-{machine}"


def archive_path() -> Path:
    """The tarball (Linux) or zip (Windows, macOS) that build() writes."""
    suffix = ".tar.gz" if sys.platform.startswith("linux") else ".zip"
    return DIST / f"{bc.APP_NAME}-{__version__}-{_platform_tag()}{suffix}"


def executable_path() -> Path:
    """The app's executable inside ``dist/``."""
    if sys.platform == "darwin":
        return DIST / f"{bc.APP_NAME}.app" / "Contents" / "MacOS" / bc.EXE_NAME
    name = f"{bc.EXE_NAME}.exe" if sys.platform == "win32" else bc.EXE_NAME
    return DIST / bc.APP_NAME / name


# --- is a build needed? --------------------------------------------------------------------

def _tree_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix != ".pyc")


def inputs_digest() -> str:
    """A hash of everything the bundle is made from.

    The code, the bundled resources, the packaging files and pyproject.toml, plus
    the interpreter and every installed distribution's version (a new PySide6 or
    PyInstaller makes a different bundle from the same sources).
    """
    h = hashlib.sha256()
    files: set[Path] = {ROOT / "pyproject.toml"}
    for tree in [SRC / "peerscenarios", HERE, *(src for src, _dest in paths.bundled_resources())]:
        files.update(_tree_files(tree))
    files.discard(HERE / "README.md")  # documentation only: no reason to rebuild
    for f in sorted(files):
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(sys.version.encode() + platform.platform().encode())
    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in md.distributions()
                   if d.metadata["Name"])
    h.update("\n".join(dists).encode())
    return h.hexdigest()


def up_to_date(digest: str) -> bool:
    """True if dist/ holds a bundle and archive built from exactly these inputs."""
    try:
        info = json.loads(INFO.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (info.get("inputs_sha256") == digest and executable_path().is_file()
            and archive_path().is_file())


# --- steps ---------------------------------------------------------------------------------

def check_qt_modules() -> None:
    """Stop if the code imports a Qt module that bundle_contents.QT_MODULES leaves out."""
    missing = bc.unlisted_qt_modules(SRC / "peerscenarios")
    if missing:
        raise SystemExit(
            f"build: the code imports PySide6.{', PySide6.'.join(missing)}, which the bundle "
            f"leaves out. Add {', '.join(repr(m) for m in missing)} to QT_MODULES in "
            "packaging/bundle_contents.py.")


def render_icons(out: Path) -> Path:
    """PNG icons in every hicolor size, rendered from the app's SVG with Qt; returns the SVG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    svg = paths.assets_dir() / ICON_SOURCE
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build: cannot read the icon {svg}")
    out.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        if not image.save(str(out / f"{bc.EXE_NAME}-{size}.png")):
            raise SystemExit(f"build: could not write the {size}px icon in {out}")
    return svg


def run_pyinstaller() -> None:
    """PyInstaller on the spec, into dist/ (its work files in build/pyinstaller)."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit('build: PyInstaller is not installed. Run: python -m pip install '
                         '".[bundle]"') from None
    env = dict(os.environ, PEERSCENARIOS_ICON_DIR=str(ICONS),
               PEERSCENARIOS_LICENSE_DIR=str(LICENSES))
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(DIST), "--workpath", str(WORK / "pyinstaller"),
           str(HERE / "peerscenarios.spec")]
    print("build: " + " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


def required_glibc(folder: Path) -> str:
    """The newest ``GLIBC_2.x`` symbol version any bundled binary asks for (e.g. "2.36")."""
    pattern = re.compile(rb"GLIBC_2\.(\d+)(?:\.(\d+))?")
    newest = (0, 0)
    for f in folder.rglob("*"):
        if f.is_file() and not f.is_symlink():
            with f.open("rb") as fh:
                if fh.read(4) != b"\x7fELF":
                    continue
                data = fh.read()
            for m in pattern.finditer(data):
                newest = max(newest, (int(m.group(1)), int(m.group(2) or 0)))
    return f"2.{newest[0]}" + (f".{newest[1]}" if newest[1] else "")


def add_linux_desktop_files(bundle: Path, svg: Path, archive: Path) -> None:
    """The .desktop file, hicolor icons, the menu-entry script and INSTALL.txt."""
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "linux" / f"{bc.EXE_NAME}.desktop", share / "applications")
    for size in ICON_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ICONS / f"{bc.EXE_NAME}-{size}.png", target / f"{bc.EXE_NAME}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(svg, scalable / f"{bc.EXE_NAME}.svg")
    script = bundle / "install-desktop-entry.sh"
    shutil.copy2(HERE / "linux" / "install-desktop-entry.sh", script)
    script.chmod(0o755)
    text = (HERE / "linux" / "INSTALL.txt").read_text(encoding="utf-8")
    text = text.format(version=__version__, tarball=archive.name,
                       glibc=required_glibc(bundle))
    (bundle / "INSTALL.txt").write_text(text, encoding="utf-8")


def _requirement(text: str) -> tuple[str, set[str], str | None]:
    """(name, extras asked for, the extra it belongs to) of a requirement string."""
    spec, _, marker = text.partition(";")
    m = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?", spec)
    if m is None:
        raise ValueError(f"cannot read the requirement {text!r}")
    extras = {e.strip() for e in (m.group(2) or "").split(",") if e.strip()}
    belongs = re.search(r"extra\s*==\s*[\"']([^\"']+)[\"']", marker)
    return m.group(1), extras, belongs.group(1) if belongs else None


def _runtime_distributions() -> list[md.Distribution]:
    """The installed distributions the app runs on: its dependencies and EXTRAS, recursively."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = list(project["dependencies"])
    for extra in bc.EXTRAS:
        todo += project["optional-dependencies"][extra]
    found: dict[str, md.Distribution] = {}
    seen: set[tuple[str, frozenset[str]]] = set()  # a dependency cycle must not loop
    while todo:
        name, extras, _belongs = _requirement(todo.pop())
        key = name.lower().replace("_", "-")
        if (key, frozenset(extras)) in seen:
            continue
        seen.add((key, frozenset(extras)))
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue  # excluded by an environment marker (another Python version or system)
        found.setdefault(key, dist)
        for requirement in dist.requires or []:
            belongs = _requirement(requirement)[2]
            # Only the optional parts asked for ("psycopg[binary]" brings psycopg-binary).
            if belongs is None or belongs in extras:
                todo.append(requirement)
    return sorted(found.values(), key=lambda d: d.metadata["Name"].lower())


def collect_licenses(out: Path) -> None:
    """Copy the licence texts of Python and every bundled distribution into ``out``.

    The spec bundles the folder as ``licenses/`` (inside ``_internal``, or the
    .app's Resources before it is signed). Qt and PySide6 are LGPL: the licence
    must travel with the app, and the one-folder layout keeps their libraries
    replaceable, as the LGPL asks.
    """
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    stdlib = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    python_license = Path(sys.base_prefix) / "lib" / stdlib / "LICENSE.txt"
    if not python_license.is_file():
        python_license = Path(sys.base_prefix) / "LICENSE.txt"  # Windows layout
    if python_license.is_file():
        shutil.copy2(python_license, out / "Python-LICENSE.txt")
    lines = [f"Python {platform.python_version()}"]
    for dist in _runtime_distributions():
        name = dist.metadata["Name"]
        licence = (dist.metadata.get("License-Expression") or dist.metadata.get("License")
                   or "see its files")
        # Some packages put the whole licence text in the field: the first line says which.
        lines.append(f"{name} {dist.version}: {licence.strip().splitlines()[0][:100]}")
        for f in dist.files or []:
            base = f.name.upper()
            if any(word in base for word in ("LICENSE", "LICENCE", "COPYING", "NOTICE")):
                src = Path(str(dist.locate_file(f)))
                if src.is_file():
                    shutil.copy2(src, out / f"{name}-{f.name}")
    # The PySide6 and shiboken6 wheels carry no licence file; the LGPL they are used under
    # (it builds on the GPL) is kept in packaging/licenses/.
    for text in sorted((HERE / "licenses").glob("*.txt")):
        shutil.copy2(text, out / text.name)
    (out / "README.txt").write_text(
        "PeerScenarios includes these components; their licence texts are in this folder\n"
        "(Qt, PySide6 and shiboken6 under the LGPL 3.0: LGPL-3.0.txt with GPL-3.0.txt).\n\n"
        + "\n".join(lines) + "\n", encoding="utf-8")


def make_archive(bundle: Path, archive: Path) -> None:
    """Pack the bundle folder (symlinks and permissions kept) as a tarball or zip."""
    archive.unlink(missing_ok=True)
    if archive.suffix == ".gz":
        # Level 6: a third of level 9's time for a bundle 1% bigger.
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=bundle.name)
    elif sys.platform == "darwin":
        # ditto keeps the .app's symlinks and extended attributes, as Finder's own zips do.
        subprocess.run(["ditto", "-c", "-k", "--keepParent", str(bundle), str(archive)],
                       check=True)
    else:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(bundle.rglob("*")):
                z.write(f, Path(bundle.name) / f.relative_to(bundle))


def size_on_disk(folder: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks, as ``du`` counts; symlinks once)."""
    total = 0
    for f in folder.rglob("*"):
        st = f.lstat()
        total += st.st_blocks * 512 if hasattr(st, "st_blocks") else st.st_size
    return total


def smoke_test(exe: Path) -> None:
    """The executable must at least say its version with an empty environment."""
    env = {"HOME": str(WORK / "smoke-home"), "QT_QPA_PLATFORM": "offscreen"}
    if sys.platform == "win32":
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    if sys.platform == "win32":
        exe = exe.with_name(f"{bc.EXE_NAME}-cli.exe")  # the windowed one has no stdout
    proc = subprocess.run([str(exe), "--version"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    if proc.returncode != 0 or __version__ not in proc.stdout:
        raise SystemExit(f"build: {exe} --version failed ({proc.returncode}): "
                         f"{proc.stdout.strip()} {proc.stderr.strip()[-500:]}")


def build() -> dict[str, Any]:
    """Every step; returns what main() writes to dist/build-info.json."""
    started = time.perf_counter()
    check_qt_modules()
    svg = render_icons(ICONS)
    collect_licenses(LICENSES)
    run_pyinstaller()
    exe = executable_path()
    bundle = exe.parents[2] if sys.platform == "darwin" else exe.parent
    archive = archive_path()
    if sys.platform.startswith("linux"):
        add_linux_desktop_files(bundle, svg, archive)
    smoke_test(exe)
    bundled_s = time.perf_counter() - started
    make_archive(bundle, archive)
    import PyInstaller

    return {
        "version": __version__,
        "bundler": f"PyInstaller {PyInstaller.__version__}",
        "python": platform.python_version(),
        "pyside6": md.version("PySide6-Essentials"),
        "platform": _platform_tag(),
        "executable": str(exe.relative_to(ROOT)),
        "archive": str(archive.relative_to(ROOT)),
        "build_s": round(bundled_s, 1),
        "archive_s": round(time.perf_counter() - started - bundled_s, 1),
        "size_on_disk_bytes": size_on_disk(bundle),
        "archive_bytes": archive.stat().st_size,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line; exit 0 when the bundle is built (or already up to date)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--if-changed", action="store_true",
                    help="do nothing if dist/ already holds a build of the same inputs")
    ap.add_argument("--check", action="store_true",
                    help="build nothing; exit 0 if dist/ is up to date, 1 if not")
    args = ap.parse_args(argv)
    digest = inputs_digest()
    if args.check:
        current = up_to_date(digest)
        print(f"build: dist/ is {'up to date' if current else 'missing or out of date'}")
        return 0 if current else 1
    if args.if_changed and up_to_date(digest):
        print(f"build: {executable_path().relative_to(ROOT)} is up to date "
              f"({INFO.relative_to(ROOT)})")
        return 0
    INFO.unlink(missing_ok=True)  # a half-finished build must never look current
    info = build()
    info["inputs_sha256"] = digest
    INFO.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    mb = 1024 * 1024
    print(f"build: {info['executable']} in {info['build_s']} s, "
          f"{info['size_on_disk_bytes'] / mb:.0f} MB on disk; {info['archive']} "
          f"{info['archive_bytes'] / mb:.0f} MB (+{info['archive_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
