"""Logging to the data dir, and the exception hook that keeps the window alive after a bug."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QWidget

from peerscenarios import paths
from peerscenarios.errors import PeerScenariosError

log = logging.getLogger("peerscenarios")
LOG_FILENAME = "peerscenarios.log"


def setup_logging(level: int = logging.INFO, *, rotating: bool = True) -> Path:
    """Log to a rotating file in the log folder; returns the file.

    Nothing in the app passes reflection text (or any scenario answer) to the
    logger: messages name ids and counts only, because the log may be shared
    when asking for help.

    ``rotating=False`` appends to the same file without size checks: the app
    starts that way and calls this again, rotating, once its window has
    painted, because ``logging.handlers`` imports socket, pickle and queue
    (7 ms of a start on a two-core laptop) for the few lines in between.
    """
    log_file = paths.private_file(paths.log_dir() / LOG_FILENAME)
    handler: logging.FileHandler
    if rotating:
        from logging.handlers import RotatingFileHandler

        handler = RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3,
                                      encoding="utf-8")
        # Rotation recreates the log file; this keeps the new one 0600 like the first.
        handler.rotator = paths.rotate_privately
    else:
        handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("peerscenarios")
    # The new one first, so no line is lost in between (the worker thread may log).
    root.addHandler(handler)
    for old in [h for h in root.handlers if isinstance(h, logging.FileHandler)
                and h is not handler]:
        # One log file at a time: a handler left from an earlier data folder (another
        # --data-dir, or an earlier test) would keep writing somewhere else.
        root.removeHandler(old)
        old.close()
    root.setLevel(level)
    return log_file


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ExceptionHandler:
    """Installed as ``sys.excepthook``: PySide6 routes exceptions raised in slots here.

    Expected problems (PeerScenariosError) get their plain message; anything
    else is a bug: logged with its traceback and shown in the crash dialog.
    Either way the event loop and the window carry on.
    """

    def __init__(self, parent: Callable[[], QWidget | None]) -> None:
        self._parent = parent
        self._previous: ExceptHook | None = None
        self._showing = False

    def install(self) -> None:
        """Become ``sys.excepthook`` (remembering the previous hook)."""
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        """Put the previous hook back."""
        if self._previous is not None and sys.excepthook is self:
            sys.excepthook = self._previous
        self._previous = None

    def __call__(self, exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            # Ctrl+C in the terminal that started the app ends it, as one expects there.
            QApplication.quit()
            return
        # Imported when needed: the dialogs' Qt classes cost start-up time to set up.
        from peerscenarios.ui.dialogs import CrashDialog, MessageDialog

        parent = self._parent()
        if isinstance(exc, PeerScenariosError):
            log.warning("%s: %s", exc_type.__name__, exc.message)
            if not self._showing:
                self._showing = True
                try:
                    MessageDialog.report_error(parent, exc)
                finally:
                    self._showing = False
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", details)
        if self._showing:
            # An error while the dialog is up must not stack dialogs forever.
            return
        self._showing = True
        try:
            CrashDialog.report(parent, f"{exc_type.__name__}: {exc}", details,
                               str(paths.log_dir() / LOG_FILENAME))
        finally:
            self._showing = False
