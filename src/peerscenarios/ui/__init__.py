"""The trainee desktop app: Qt widgets, item models and the main window (the only Qt layer)."""
