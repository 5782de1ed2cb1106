"""Which screen the audience view goes on, and what happens when screens come and go.

``ScreenProvider`` is the seam to ``QGuiApplication``'s screens (tests give
it stand-in screens); ``ScreenManager`` places the audience window, moves it
into an ordinary window on the laptop if its projector is unplugged, and
offers a newly plugged-in screen to the presenter. ``PresentSettings``
remembers the choice in the data folder's settings file.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtGui import QGuiApplication, QScreen

from peerscenarios import paths
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.theme import Theme

DEFAULT_TIMER_SECONDS = 120


class PresentSettings:
    """Facilitator-mode settings in ``settings.ini`` in the data folder (typed reads)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings or QSettings(str(paths.private_file(paths.data_dir() / "settings.ini")),
                                         QSettings.Format.IniFormat)

    @property
    def audience_screen(self) -> str:
        """The name of the screen last used for the audience view ("" if none)."""
        return str(self._q.value("present/audience_screen", "", type=str))

    @audience_screen.setter
    def audience_screen(self, name: str) -> None:
        self._q.setValue("present/audience_screen", name)

    @property
    def theme(self) -> Theme:
        """The audience view's colours (high contrast unless changed)."""
        value = str(self._q.value("present/theme", Theme.HIGH_CONTRAST.value, type=str))
        try:
            return Theme(value)
        except ValueError:
            return Theme.HIGH_CONTRAST

    @theme.setter
    def theme(self, theme: Theme) -> None:
        self._q.setValue("present/theme", theme.value)

    @property
    def timer_seconds(self) -> int:
        """Length of the discussion countdown."""
        raw = self._q.value("present/timer_seconds", DEFAULT_TIMER_SECONDS, type=int)
        value = raw if isinstance(raw, int) else DEFAULT_TIMER_SECONDS
        # The timer panel's own range: a hand-edited file cannot set a zero-length timer.
        return max(10, min(60 * 60, value))

    @timer_seconds.setter
    def timer_seconds(self, seconds: int) -> None:
        self._q.setValue("present/timer_seconds", int(seconds))

    def sync(self) -> None:
        """Write to disk now."""
        self._q.sync()


def raw_name(screen: object) -> str:
    """The platform's name for a screen (stable across resolution changes)."""
    return str(screen.name()) if hasattr(screen, "name") else ""


def screen_name(screen: object) -> str:
    """A screen's name as the presenter sees it, with its size."""
    name = screen.name() if hasattr(screen, "name") else ""
    geo = screen.geometry()  # type: ignore[attr-defined]
    return f"{name or 'Screen'} ({geo.width()}×{geo.height()})"


class ScreenProvider(QObject):
    """The screens attached to the computer, and news of screens plugged in or unplugged."""

    screen_added = Signal(object)
    screen_removed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._connect_signals()

    def _connect_signals(self) -> None:
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.screenAdded.connect(self.on_app_screen_added)
            app.screenRemoved.connect(self.on_app_screen_removed)

    def screens(self) -> list[object]:
        """Every screen, primary first as the platform lists it."""
        return list(QGuiApplication.screens())

    def primary(self) -> object:
        """The laptop's own screen, as far as the platform knows."""
        return QGuiApplication.primaryScreen()

    @Slot(QScreen)
    def on_app_screen_added(self, screen: QScreen) -> None:
        self.screen_added.emit(screen)

    @Slot(QScreen)
    def on_app_screen_removed(self, screen: QScreen) -> None:
        self.screen_removed.emit(screen)


class Placement(StrEnum):
    """Where the audience view is."""

    PROJECTOR = "projector"      # full screen on a screen of its own
    SAME_SCREEN = "same-screen"  # one screen: hidden until the presenter switches to it
    WINDOW = "window"            # an ordinary window on the laptop (projector unplugged)


class ScreenManager(QObject):
    """Puts the audience window on the chosen screen and keeps it somewhere sensible."""

    placement_changed = Signal()
    screen_offered = Signal(object)
    screen_lost = Signal(str)

    def __init__(self, audience: AudienceWindow, provider: ScreenProvider,
                 settings: PresentSettings, laptop_screen: Callable[[], object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.audience = audience
        self.provider = provider
        self.settings = settings
        self._laptop_screen = laptop_screen
        self.chosen: object | None = None
        self.placement = Placement.SAME_SCREEN
        self.showing_here = False
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.provider.screen_added.connect(self.on_provider_screen_added)
        self.provider.screen_removed.connect(self.on_provider_screen_removed)

    # ------------------------------------------------------------- choosing

    def screens(self) -> list[object]:
        """The screens to offer in the presenter's list."""
        return self.provider.screens()

    def laptop(self) -> object:
        """The presenter's screen."""
        return self._laptop_screen()

    def initial_screen(self) -> object:
        """The remembered screen if it is here, else any screen but the laptop's, else it."""
        screens = self.screens()
        remembered = self.settings.audience_screen
        for s in screens:
            if remembered and raw_name(s) == remembered:
                return s
        laptop = self.laptop()
        # Any screen but the laptop's is most likely the projector.
        for s in screens:
            if s is not laptop:
                return s
        return laptop

    def choose(self, screen: object, *, remember: bool = True) -> None:
        """Use ``screen`` for the audience view (and remember it for next time)."""
        self.chosen = screen
        if remember:
            self.settings.audience_screen = raw_name(screen)
            self.settings.sync()
        self.place()

    def place(self) -> None:
        """Show the audience view where the current choice says."""
        screen = self.chosen or self.laptop()
        if screen is self.laptop():
            self.placement = Placement.SAME_SCREEN
            # One screen: the audience view would cover the presenter's; it waits for S.
            if self.showing_here:
                self.audience.show_fullscreen_on(screen)
            else:
                self.audience.hide()
        else:
            self.placement = Placement.PROJECTOR
            self.showing_here = False
            self.audience.show_fullscreen_on(screen)
        self.placement_changed.emit()

    @property
    def can_toggle(self) -> bool:
        """True when the audience view shares the presenter's screen."""
        return self.placement in (Placement.SAME_SCREEN, Placement.WINDOW)

    def toggle_here(self) -> bool:
        """Switch the laptop between the presenter view and the full-screen audience view.

        Returns True if the audience view is now showing on the laptop.
        """
        if not self.can_toggle:
            return False
        self.showing_here = not self.showing_here
        if self.showing_here:
            self.audience.show_fullscreen_on(self.laptop())
            self.audience.raise_()
            self.audience.activateWindow()
        elif self.placement is Placement.WINDOW:
            self.audience.show_windowed(self.laptop())
        else:
            self.audience.hide()
        self.placement_changed.emit()
        return self.showing_here

    # ------------------------------------------------------- comings, goings

    @Slot(object)
    def on_provider_screen_removed(self, screen: object) -> None:
        if screen is not self.chosen or screen is self.laptop():
            return
        # The projector went away: keep the session, show the room's view in a window.
        self.chosen = None
        self.placement = Placement.WINDOW
        self.showing_here = False
        self.audience.show_windowed(self.laptop())
        self.placement_changed.emit()
        self.screen_lost.emit(
            f"{screen_name(screen)} was disconnected. The audience view is now a window "
            "on this screen; the session goes on.")

    @Slot(object)
    def on_provider_screen_added(self, screen: object) -> None:
        # Offered, never taken: a screen plugged in mid-session may be a second monitor
        # of the facilitator's, not the projector.
        self.screen_offered.emit(screen)
        self.placement_changed.emit()
