"""The one module that knows where PeerScenarios keeps its files."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs

APP_NAME = "PeerScenarios"
DATA_DIR_ENV = "PEERSCENARIOS_DATA_DIR"
DATABASE_FILENAME = "peerscenarios.sqlite3"

# Set by the command line (--data-dir). It beats the environment variable so
# that an explicit flag always wins over something left in a shell profile.
_data_dir_override: Path | None = None


def set_data_dir_override(path: Path | None) -> None:
    """Use ``path`` as the data directory from now on (``None`` removes the override)."""
    # A module-level setting: the CLI sets it once at startup, before anything reads a path.
    global _data_dir_override
    _data_dir_override = None if path is None else Path(path).expanduser().resolve()


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable only by the user; tighten it if it is looser.

    Returns the path. Parents that already exist are left alone: they may be
    shared directories such as the home directory.
    """
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            # Reflections are personal: nobody else on a shared machine may list them.
            path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty and readable only by the user if missing; tighten it if looser.

    For files another library creates or rewrites in place (QSettings keeps the
    mode of an existing file, a log handler appends): creating them first is
    what makes them private, whatever the process umask. Never truncates.
    Returns the path.
    """
    path = Path(path)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    os.close(fd)
    if os.name == "posix":
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o600)
    return path


@contextmanager
def private_umask() -> Iterator[None]:
    """Within the block, new files and folders are readable only by the user.

    For files a library creates itself under a fresh name (Qt's lock file).
    The umask is process-wide, so keep the block short; it only ever makes
    files more private.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def rotate_privately(source: str, dest: str) -> None:
    """Log-rotation step: rename ``source`` to ``dest`` and leave a new private ``source``."""
    # The handler reopens ``source`` right after this returns; pre-creating it
    # here keeps the fresh log 0600 instead of the umask's usual 0644.
    os.replace(source, dest)
    private_file(Path(source))


def data_dir() -> Path:
    """The directory holding the database, backups and user scenarios (created, 0700)."""
    if _data_dir_override is not None:
        base = _data_dir_override
    elif os.environ.get(DATA_DIR_ENV):
        base = Path(os.environ[DATA_DIR_ENV]).expanduser().resolve()
    else:
        base = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return ensure_private_dir(base)


def database_path() -> Path:
    """The default SQLite database file inside the data directory (not created here)."""
    return data_dir() / DATABASE_FILENAME


def default_database_url() -> str:
    """SQLAlchemy URL of the default database file."""
    return f"sqlite:///{database_path()}"


def backups_dir() -> Path:
    """Where rotating database backups are written (created, 0700)."""
    return ensure_private_dir(data_dir() / "backups")


def user_scenarios_dir() -> Path:
    """Where the user's own scenario files live (created, 0700)."""
    return ensure_private_dir(data_dir() / "scenarios")


def cache_dir() -> Path:
    """Disposable cached data (created, 0700)."""
    return ensure_private_dir(data_dir() / "cache")


def log_dir() -> Path:
    """Log files; kept inside the data directory so --data-dir moves them too (created, 0700)."""
    return ensure_private_dir(data_dir() / "logs")


def exports_default_dir() -> Path:
    """Where export dialogs start: the user's documents folder, else the home directory.

    Not created: it is the user's own folder, and only a suggestion.
    """
    try:
        documents = Path(platformdirs.user_documents_dir())
    except Exception:  # any platform lookup failure falls back to home
        return Path.home()
    return documents if documents.is_dir() else Path.home()


# --- files that ship with the app -------------------------------------------------------
#
# Each lives in one of three places: a source checkout (where authors edit it), the installed
# package, or a built app (PyInstaller's bundle folder, sys._MEIPASS). The table says where it
# sits in the first two; a built app mirrors the installed package under ``peerscenarios/``.
# packaging/build.py copies exactly what bundled_resources() lists, so a new bundled folder or
# file is one line here.
_RESOURCES: dict[str, tuple[str | None, str]] = {
    # name: (path in a source checkout, or None if it is the package's own; path in the package)
    "assets": ("assets", "assets"),
    "builtin_scenarios": ("scenarios", "builtin_scenarios"),
    "migrations": (None, "storage/migrations"),
    "course_migrations": (None, "course/migrations"),
    "scenario_schema": (None, "schema/scenario.schema.json"),
}


def frozen_root() -> Path | None:
    """The folder holding a built app's bundled files, or None when running from Python.

    The only place that looks at ``sys.frozen`` / ``sys._MEIPASS`` (set by
    PyInstaller's bootloader): everything else asks the functions below.
    """
    if not getattr(sys, "frozen", False):
        return None
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(sys.executable).resolve().parent


def restore_library_path_for_children() -> None:
    """In a built app on Linux, give the programs it starts the user's own library path.

    PyInstaller's bootloader points ``LD_LIBRARY_PATH`` at the bundle (keeping
    the user's value in ``LD_LIBRARY_PATH_ORIG``) so that Qt finds its
    libraries; the dynamic loader has read it by the time Python runs. A file
    manager or browser the app opens must not load the bundle's copies of
    system libraries, which may be older than its own. The app's own worker
    processes are the bundle again and get the bundle's path from its bootloader.
    """
    if frozen_root() is None or not sys.platform.startswith("linux"):
        return
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original


def package_root() -> Path:
    """The package's own folder: ``peerscenarios/`` in site-packages, ``src/``, or a built app."""
    frozen = frozen_root()
    return frozen / "peerscenarios" if frozen is not None else Path(__file__).resolve().parent


def _checkout_root() -> Path | None:
    """The repository root when running from a source checkout (editable install), else None."""
    if frozen_root() is not None:
        return None
    root = Path(__file__).resolve().parents[2]
    # An installed package sits in .../site-packages/peerscenarios: no pyproject.toml two up.
    return root if (root / "pyproject.toml").is_file() else None


def _resource(name: str) -> Path:
    checkout_rel, package_rel = _RESOURCES[name]
    root = _checkout_root()
    if root is not None and checkout_rel is not None and (root / checkout_rel).exists():
        return root / checkout_rel
    return package_root() / package_rel


def bundled_resources() -> list[tuple[Path, str]]:
    """Every file or folder a built app must carry: (where it is now, where it goes).

    The second item is relative to the bundle's root, mirroring the installed
    package, so :func:`package_root` finds each one again when frozen.
    """
    return [(_resource(name), f"peerscenarios/{package_rel}")
            for name, (_checkout, package_rel) in _RESOURCES.items()]


def assets_dir() -> Path:
    """Themes and icons: a source checkout's ``assets/``, else the copy inside the package."""
    return _resource("assets")


def builtin_scenarios_dir() -> Path:
    """The scenarios shipped with the app (a source checkout's ``scenarios/`` if present)."""
    return _resource("builtin_scenarios")


def migrations_dir() -> Path:
    """The Alembic migration scripts (``env.py``, ``versions/``) as files Alembic can read."""
    return _resource("migrations")


def course_migrations_dir() -> Path:
    """The course server's Alembic migration scripts, as files Alembic can read."""
    return _resource("course_migrations")


def scenario_schema_path() -> Path:
    """The JSON Schema of the scenario format, installed with the app (for editors)."""
    return _resource("scenario_schema")
