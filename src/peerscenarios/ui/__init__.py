"""The trainee desktop app: Qt widgets, item models and the main window (the only Qt layer)."""

from peerscenarios.ui import import_check

# Before any screen module is imported: PySide6 checks each of them as it is imported.
import_check.install()
