"""The expected ways an export can fail, each with a plain-language message."""

from __future__ import annotations

from peerscenarios.errors import PeerScenariosError


class ExportError(PeerScenariosError):
    """An export could not be written (folder not writable, disk full, ...); no file was left."""
