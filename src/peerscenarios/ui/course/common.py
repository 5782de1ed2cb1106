"""Shared parts of the course screens: a background call for network work, an inline error line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget

from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.tasks import TaskManager

log = logging.getLogger(__name__)


class Background(QObject):
    """Runs calls to the course server off the main thread, one at a time.

    The window stays responsive while a slow network answers (a connect can
    take up to its timeout). Results and errors come back on the main thread.
    Only network calls go here: the local database stays on the app's own worker.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # A worker of its own: a server that takes its whole connect timeout must never
        # hold up a local save queued behind it.
        self._tasks = TaskManager(self)

    def call(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
             on_error: Callable[[BaseException], None]) -> None:
        """Run ``fn()`` in the background, then ``on_done(result)`` or ``on_error(exc)``."""
        self._tasks.run(lambda _progress: fn(), on_done, on_error)

    @property
    def busy(self) -> bool:
        """True while a call is running."""
        return self._tasks.busy

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until idle (closing and tests)."""
        return self._tasks.wait(msecs)


def plain_error(exc: BaseException) -> str:
    """The words to show for ``exc``: its plain message, or a general line for a bug."""
    if isinstance(exc, PeerScenariosError):
        return str(exc)
    # A bug's own text can name internals or quote data: the person gets a general line,
    # the log gets the traceback.
    log.error("unexpected error in a course screen", exc_info=exc)
    return "Something went wrong on this computer. Nothing was sent. Please report this problem."


class MessageLine(QLabel):
    """A one-line message under a form: hidden when empty, red for problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        # Plain text: a server's message or a file name is shown as written, never as markup.
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Selectable, so a person can copy the message for whoever runs the course.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_problem(self, text: str) -> None:
        """Show ``text`` as a problem."""
        # 7.3:1 against white, above the 4.5:1 WCAG asks of small text.
        self.setStyleSheet("color: #b00020;")
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def show_info(self, text: str) -> None:
        """Show ``text`` as information."""
        self.setStyleSheet("")
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def clear_message(self) -> None:
        """Hide the line."""
        self.setText("")
        self.hide()
