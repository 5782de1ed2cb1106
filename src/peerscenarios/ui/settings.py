"""Persisted user settings (text size, theme, profile, window) in an INI file in the data dir."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from peerscenarios import paths

TEXT_STEP_MIN = -2
TEXT_STEP_MAX = 6
THEME_SYSTEM = "system"
THEME_HIGH_CONTRAST = "high-contrast"


class Settings:
    """Typed access to the app's QSettings.

    The file lives in the data directory (never the platform registry), so a
    ``--data-dir`` or a test's temp folder carries the settings with it, and
    every read names its type so an INI string never leaks into the UI.
    """

    def __init__(self, qsettings: QSettings | None = None) -> None:
        # Made 0600 before Qt writes to it: it names the last profile and attempt.
        self._q = qsettings or QSettings(str(paths.private_file(paths.data_dir() / "settings.ini")),
                                         QSettings.Format.IniFormat)

    def _int(self, key: str, default: int) -> int:
        """A whole number setting (the default when it is missing or not a number)."""
        value = self._q.value(key, default, type=int)
        return value if isinstance(value, int) else default

    @property
    def text_step(self) -> int:
        """Text size step: 0 is the default size, each step one size larger or smaller."""
        value = self._int("view/text_step", 0)
        # Clamped on reading too: a hand-edited file must not ask for a size the menu
        # could not step back from.
        return max(TEXT_STEP_MIN, min(TEXT_STEP_MAX, value))

    @text_step.setter
    def text_step(self, value: int) -> None:
        self._q.setValue("view/text_step", max(TEXT_STEP_MIN, min(TEXT_STEP_MAX, int(value))))

    @property
    def theme(self) -> str:
        """``system`` (light or dark as the desktop says) or ``high-contrast``."""
        value = str(self._q.value("view/theme", THEME_SYSTEM, type=str))
        # An unknown name (a newer version's theme, a typo) falls back to the desktop's.
        return value if value in (THEME_SYSTEM, THEME_HIGH_CONTRAST) else THEME_SYSTEM

    @theme.setter
    def theme(self, value: str) -> None:
        self._q.setValue("view/theme", value)

    @property
    def profile_id(self) -> int:
        """The profile used last (0 if none yet)."""
        return self._int("profile/id", 0)

    @profile_id.setter
    def profile_id(self, value: int) -> None:
        self._q.setValue("profile/id", int(value))

    @property
    def open_attempt_id(self) -> int:
        """The attempt on screen when the app last stopped (0: none), offered back at start."""
        return self._int("play/open_attempt", 0)

    @open_attempt_id.setter
    def open_attempt_id(self, value: int) -> None:
        self._q.setValue("play/open_attempt", int(value))

    @property
    def practice_mode(self) -> bool:
        """True if the library starts scenarios in practice mode by default."""
        return bool(self._q.value("play/practice", True, type=bool))

    @practice_mode.setter
    def practice_mode(self, value: bool) -> None:
        self._q.setValue("play/practice", bool(value))

    def value(self, key: str, default: str = "") -> str:
        """A text setting by key (for parts of the app that keep their own settings)."""
        raw = self._q.value(key, default, type=str)
        return raw if isinstance(raw, str) else default

    def set_value(self, key: str, value: str) -> None:
        """Keep a text setting by key."""
        self._q.setValue(key, value)

    def window_geometry(self) -> QByteArray:
        """The main window's saved geometry (empty if never saved)."""
        value = self._q.value("window/geometry", QByteArray(), type=QByteArray)
        return value if isinstance(value, QByteArray) else QByteArray()

    def set_window_geometry(self, geometry: QByteArray) -> None:
        """Remember the main window's geometry."""
        self._q.setValue("window/geometry", geometry)

    def sync(self) -> None:
        """Write pending changes to disk now."""
        self._q.sync()
