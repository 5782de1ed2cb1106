"""The one module that knows where PeerScenarios keeps its files."""

from __future__ import annotations

import os
import stat
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


def assets_dir() -> Path:
    """Themes and icons: a source checkout's ``assets/``, else the copy inside the package."""
    checkout = Path(__file__).resolve().parents[2] / "assets"
    if checkout.is_dir():
        return checkout
    return Path(__file__).parent / "assets"


def scenario_schema_path() -> Path:
    """The JSON Schema of the scenario format, installed with the app (for editors)."""
    return Path(__file__).parent / "schema" / "scenario.schema.json"


def builtin_scenarios_dir() -> Path:
    """The scenarios shipped with the app (a source checkout's ``scenarios/`` if present)."""
    checkout = Path(__file__).resolve().parents[2] / "scenarios"
    if checkout.is_dir():
        return checkout
    return Path(__file__).parent / "builtin_scenarios"
