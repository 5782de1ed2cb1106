"""What goes into the built app besides what PyInstaller finds by following imports.

The one place to edit when a feature needs something new in the bundle:

- a Qt module (e.g. ``"QtPdf"``): add it to ``QT_MODULES``;
  every other PySide6 module is left out on purpose, and the build stops with a
  message if the code imports one that is not listed here;
- a module imported only by name at run time (a plug-in, a driver chosen by a
  URL, e.g. ``"psycopg"``, ``"keyring.backends.SecretService"``): one line in
  ``HIDDEN_IMPORTS``;
- a whole third-party package with its data files (e.g. ``"segno"``): one line
  in ``COLLECT_ALL``;
- a data file or folder of the app itself: not here, but one line in the
  ``_RESOURCES`` table of ``src/peerscenarios/paths.py``, which is also how the
  app finds it again at run time.

Imported by ``peerscenarios.spec`` and ``build.py``; plain Python, no PyInstaller.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

APP_NAME = "PeerScenarios"  # the folder, the .app, the window title
EXE_NAME = "peerscenarios"  # the executable, the .desktop file, the icon name
APP_ID = "org.peerscenarios.PeerScenarios"  # macOS bundle identifier

# The PySide6 modules the app imports (all in PySide6-Essentials). Nothing else from
# PySide6 is bundled: not the Add-ons, not Qt Quick/QML, which alone would double the size.
QT_MODULES: tuple[str, ...] = (
    "QtCore",
    "QtGui",
    "QtWidgets",
    "QtNetwork",  # the single-instance socket
    "QtSvg",  # the phones' join QR code, drawn in the presenter window
)

# Optional extras of the peerscenarios package that the built app includes, so a trainee
# can use everything the app offers: "server" is the course server's PostgreSQL driver
# and the operating system's password store. build.py collects their licences too.
EXTRAS: tuple[str, ...] = ("server",)

# Imported by name at run time, so PyInstaller cannot see them in the code.
HIDDEN_IMPORTS: tuple[str, ...] = (
    # The Alembic revision scripts are bundled as files and imported by Alembic, not by
    # the app; what they import must be in the bundle all the same.
    "alembic.op",
    "alembic.context",
    # SQLAlchemy loads a dialect from the URL's name.
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql.psycopg",  # the course server
)

# Third-party packages bundled whole (code, data files and metadata), for packages
# that read their own files at run time. None so far.
COLLECT_ALL: tuple[str, ...] = ()

# Standard-library and third-party modules PyInstaller would pull in through optional
# imports of our dependencies but the app never uses.
EXCLUDES: tuple[str, ...] = (
    "tkinter",
    "unittest",
    "pydoc_data",
    "lib2to3",
    "setuptools",
    "pkg_resources",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "IPython",
    "numpy",
    "PIL",
)

# Qt plug-ins the app never loads, as "type/name" (name without "lib" and extension) or
# "type/*". Dropped with the system libraries only they needed: the GTK platform theme
# alone would bring GTK, GLib, Cairo and Pango from the build machine, and those clash with
# the user's own (Qt then uses its own dialogs, or the desktop portal's).
DROP_QT_PLUGINS: frozenset[str] = frozenset({
    "platformthemes/qgtk3",
    # Embedded-device and remote platforms; a desktop has xcb or wayland (offscreen stays:
    # it is how the app runs headless, in tests and in CI).
    "platforms/qeglfs", "platforms/qlinuxfb", "platforms/qminimalegl", "platforms/qvnc",
    "platforms/qvkkhrdisplay", "egldeviceintegrations/*", "generic/*",
    "networkinformation/*",  # the app never asks whether it is online
    "tls/*",  # no TLS through Qt (the single-instance socket is local)
    "imageformats/qtiff", "imageformats/qwebp", "imageformats/qtga", "imageformats/qwbmp",
    "imageformats/qicns",
})

# Qt translations: the app's own text is English only, so only Qt's English catalogue
# would be used; the other languages are 20 MB of files nobody reads.
KEEP_QT_TRANSLATIONS: tuple[str, ...] = ("qtbase_en.qm",)


def pyside6_modules_in_use(source_root: Path) -> set[str]:
    """Every ``PySide6.QtX`` module imported anywhere under ``source_root`` (a src/ folder)."""
    used: set[str] = set()
    for path in source_root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: Iterable[str] = ()
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "PySide6" and len(parts) > 1 and parts[1].startswith("Qt"):
                    used.add(parts[1])
    return used


def unlisted_qt_modules(source_root: Path) -> list[str]:
    """Qt modules the code imports that ``QT_MODULES`` does not list (the build refuses these)."""
    return sorted(pyside6_modules_in_use(source_root) - set(QT_MODULES))


def pyside6_excludes(available: Iterable[str]) -> list[str]:
    """``PySide6.QtX`` names to exclude: every installed Qt module not in ``QT_MODULES``."""
    return sorted(f"PySide6.{m}" for m in available if m not in QT_MODULES)


def qt_plugin_key(dest: str) -> str | None:
    """``"platforms/qxcb"`` for a bundled path like ``PySide6/Qt/plugins/platforms/libqxcb.so``."""
    parts = Path(dest).parts
    if "plugins" not in parts:
        return None
    i = parts.index("plugins")
    if len(parts) < i + 3:
        return None
    name = parts[-1].split(".")[0]
    return f"{parts[i + 1]}/{name.removeprefix('lib')}"


def drop_qt_plugin(dest: str) -> bool:
    """True for a Qt plug-in listed in ``DROP_QT_PLUGINS``."""
    key = qt_plugin_key(dest)
    if key is None:
        return False
    return key in DROP_QT_PLUGINS or f"{key.split('/')[0]}/*" in DROP_QT_PLUGINS
