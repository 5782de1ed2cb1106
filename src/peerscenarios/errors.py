"""The one root exception and the families of expected, environmental problems.

Expected problems (a bad scenario file, a full disk, a damaged database) carry
a plain-language ``message`` the UI can show as is. Anything else is a bug and
is reported with a traceback.
"""

from __future__ import annotations


class PeerScenariosError(Exception):
    """Root of every error this application raises on purpose.

    ``message`` is plain language for the user; ``hint`` says what they can do.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ScenarioError(PeerScenariosError):
    """A scenario file could not be loaded (details are in its diagnostics)."""


class StorageError(PeerScenariosError):
    """The local database could not be read or written."""
