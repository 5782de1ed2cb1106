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
    log.error("unexpected error in a course screen", exc_info=exc)
    return "Something went wrong on this computer. Nothing was sent. Please report this problem."


class MessageLine(QLabel):
    """A one-line message under a form: hidden when empty, red for problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_problem(self, text: str) -> None:
        """Show ``text`` as a problem."""
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
