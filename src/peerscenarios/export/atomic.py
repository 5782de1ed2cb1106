"""Write a file all at once or not at all, readable only by its owner (mode 0600)."""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from peerscenarios.export.errors import ExportError

log = logging.getLogger(__name__)

PRIVATE_MODE = 0o600
TEMP_SUFFIX = ".part"

_F = TypeVar("_F", IO[str], IO[bytes])


def check_target(path: Path) -> Path:
    """Return ``path`` made absolute; ExportError if it is a folder or its folder is missing."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise ExportError(f"“{path}” is a folder, not a file name.",
                          "Choose a file name inside the folder.")
    if not path.parent.is_dir():
        raise ExportError(f"The folder “{path.parent}” does not exist.",
                          "Choose an existing folder.")
    return path.absolute()


def translate(exc: OSError, path: Path) -> ExportError:
    """A plain-language ExportError for an OSError met while writing ``path``."""
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ExportError("The disk is full, so the export was not saved.",
                           "Free some space, or choose another drive, and try again.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ExportError(f"PeerScenarios is not allowed to write to “{path.parent}”.",
                           "Choose a folder you can write to, such as your Documents folder.")
    if code in (errno.ENOENT, errno.ENOTDIR):
        return ExportError(f"The folder “{path.parent}” does not exist.",
                           "Choose an existing folder.")
    if code == errno.EISDIR:
        return ExportError(f"“{path}” is a folder, not a file name.",
                           "Choose a file name inside the folder.")
    return ExportError(f"The export could not be written to “{path}” ({exc.strerror or exc}).",
                       "Try another folder.")


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; directories cannot be opened on Windows.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_text(path: Path, *, encoding: str = "utf-8",
                newline: str | None = None) -> contextlib.AbstractContextManager[IO[str]]:
    """Context manager yielding a text file that replaces ``path`` only if the block succeeds.

    The data goes to a temporary file in the same folder, created with mode
    0600 before a byte is written (so it is never readable by others, even
    briefly), flushed and fsynced, then renamed over ``path``. If the block
    raises, the temporary file is removed and ``path`` is untouched. OSErrors
    become ExportError with a plain message; other exceptions pass through.
    """
    return _atomic(Path(path), lambda raw: io.TextIOWrapper(raw, encoding=encoding,
                                                            newline=newline))


def atomic_binary(path: Path) -> contextlib.AbstractContextManager[IO[bytes]]:
    """Like :func:`atomic_text`, for bytes."""
    return _atomic(Path(path), lambda raw: raw)


@contextlib.contextmanager
def _atomic(path: Path, wrap: Callable[[IO[bytes]], _F]) -> Iterator[_F]:
    path = check_target(path)
    try:
        # mkstemp opens with O_EXCL and mode 0600 on POSIX.
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                        suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise translate(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        # mkstemp asked for 0600, but a umask can still take bits away (0400 with an odd
        # one): set it exactly. Windows has no fchmod here; the folder's permissions apply.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_MODE)
        fh = wrap(os.fdopen(fd, "wb"))
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        # BaseException: Ctrl+C in the middle of a write must not leave a .part file either.
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise translate(exc, path) from exc
        raise
    _fsync_dir(path.parent)
    log.info("export written: %s", path)


def write_bytes(path: Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``path`` (mode 0600); returns the absolute path."""
    with atomic_binary(path) as fh:
        fh.write(data)
    return check_target(path)
