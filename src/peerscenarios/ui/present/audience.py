"""The audience view: the stage on the projector, full screen and frameless, pre-rendered per step.

The window is only ever handed audience-safe objects (StageState,
TimerView, Blank, Theme): it cannot show facilitator notes, session notes,
profile names, history or reflections because it never receives them.

Large type on a 4K projector is drawn by Qt as outlines, too slow to redraw
a whole step within a frame; so a hidden :class:`StageWidget` renders each
step into a pixmap, the steps the presenter is likely to show next are
rendered ahead while the room is talking, and a step change only blits a
finished picture.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPixmap,
    QScreen,
)
from PySide6.QtWidgets import QHBoxLayout, QWidget

from peerscenarios.app.group.stage_state import Blank, StageState, TimerView
from peerscenarios.ui.present.stage import StageWidget
from peerscenarios.ui.present.theme import Theme, colours

# Frames kept: the one on show, the one before and the next (a 4K frame is 33 MB).
_CACHE_FRAMES = 4

# Idle time before rendering ahead starts.
_AHEAD_DELAY_MS = 150

_FrameKey = tuple[StageState, int, int, float, Theme, bool]


class StageCanvas(QWidget):
    """Shows finished pictures of the stage, with the live countdown and blackout on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Every paint covers the whole area with a frame: Qt need not clear it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName("What the room sees")
        self.renderer = StageWidget(self)
        self.renderer.hide()
        self._state: StageState | None = None
        self._timer = TimerView()
        self._blank = Blank.NONE
        self._frame: QPixmap | None = None
        self._cache: OrderedDict[_FrameKey, QPixmap] = OrderedDict()
        self._upcoming: list[StageState] = []
        self._rendering = False
        self._ahead = QTimer(self)
        self._ahead.setSingleShot(True)
        # The hidden renderer is brought back to the step on show after the paint, not
        # before it: fitting a 4K step again cost more than the whole prepared switch.
        self._sync = QTimer(self)
        self._sync.setSingleShot(True)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._ahead.timeout.connect(self.on_ahead_timeout)
        self._sync.timeout.connect(self.sync_renderer)

    # -------------------------------------------------------------- public

    @property
    def state(self) -> StageState | None:
        """The step on show."""
        return self._state

    @property
    def timer(self) -> TimerView:
        """The countdown as shown."""
        return self._timer

    @property
    def blank(self) -> Blank:
        """Black, white, or none."""
        return self._blank

    def show_state(self, state: StageState) -> None:
        """Show a step; instant when it was rendered ahead."""
        self._state = state
        self._frame = self._frame_for(state)
        if self.renderer.state != state:
            # The hidden renderer comes to hold the step on screen once it is painted.
            self._sync.start(0)
        self.update()

    @Slot()
    def sync_renderer(self) -> None:
        """Bring the hidden renderer to the step on show (its text is what the room reads)."""
        self._sync.stop()
        if self._state is not None and self.renderer.state != self._state:
            self.renderer.show_state(self._state)
            # The room's view is a picture; its words are its description, so a
            # facilitator with a screen reader can check what the projector shows.
            self.setAccessibleDescription(self.renderer.visible_text().replace("\n", " · "))

    def prepare(self, states: Sequence[StageState]) -> None:
        """Render these steps ahead, one per idle moment, so showing them later is instant."""
        self._upcoming = [s for s in states if s != self._state]
        if self._upcoming:
            # A short wait lets a burst of vote keys settle before the tally is drawn.
            self._ahead.start(_AHEAD_DELAY_MS)

    def set_timer(self, timer: TimerView) -> None:
        """Update the countdown; a show/hide re-lays the step out, a tick repaints only it."""
        layout_changed = timer.visible != self._timer.visible
        old_rect = self._timer_rect()
        self._timer = timer
        if layout_changed:
            self._cache.clear()
            if self._state is not None:
                self.show_state(self._state)
            return
        self.update(old_rect.united(self._timer_rect()))

    def set_blank(self, blank: Blank) -> None:
        """Black or white out the screen (slide-software style), or show the step again."""
        self._blank = blank
        self.update()

    def set_theme(self, theme: Theme) -> None:
        """Recolour (frames are rendered again)."""
        self.renderer.set_theme(theme)
        if self._state is not None:
            self._frame = self._frame_for(self._state)
        self.update()

    def visible_text(self) -> str:
        """Everything the room can read right now (empty while blacked or whited out)."""
        if self._blank is not Blank.NONE or self._state is None:
            return ""
        self.sync_renderer()
        text = self.renderer.visible_text()
        if self._timer.visible:
            text += "\n" + self._timer.text
        return text

    # ------------------------------------------------------------- frames

    def _key(self, state: StageState) -> _FrameKey:
        # Everything that changes the picture: a frame made for another size, screen
        # scale, theme or timer band is never shown.
        return (state, self.width(), self.height(), self.devicePixelRatioF(),
                self.renderer.theme, self._timer.visible)

    def _frame_for(self, state: StageState) -> QPixmap:
        key = self._key(state)
        frame = self._cache.get(key)
        if frame is None:
            frame = self._render(state)
            self._cache[key] = frame
            while len(self._cache) > _CACHE_FRAMES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return frame

    def _render(self, state: StageState) -> QPixmap:
        size = self.size()
        ratio = self.devicePixelRatioF()
        self._rendering = True
        try:
            self.renderer.resize(size)
            # The countdown's room is kept but its text left out: it is painted live over
            # the frame, so a tick never makes a cached frame stale.
            self.renderer.set_timer(TimerView(visible=self._timer.visible, text=""))
            self.renderer.show_state(state)
            frame = QPixmap(QSize(max(1, round(size.width() * ratio)),
                                  max(1, round(size.height() * ratio))))
            frame.setDevicePixelRatio(ratio)
            frame.fill(colours(self.renderer.theme).background)
            self.renderer.render(frame)
        finally:
            self._rendering = False
        return frame

    @Slot()
    def on_ahead_timeout(self) -> None:
        if not self._upcoming:
            return
        state = self._upcoming.pop(0)
        if self._key(state) not in self._cache:
            self._frame_for(state)
            # Rendering ahead borrowed the renderer; the step on show goes back in idle time.
            self._sync.start(0)
        if self._upcoming:
            self._ahead.start(0)

    # ------------------------------------------------------------ painting

    def _timer_rect(self) -> QRect:
        return self.renderer.timer_rect().adjusted(-4, -4, 4, 4)

    def resizeEvent(self, event: object) -> None:
        # Rendering can deliver this widget's pending resize; never render inside a render.
        if self._state is not None and not self._rendering:
            self._frame = self._frame_for(self._state)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        c = colours(self.renderer.theme)
        if self._blank is not Blank.NONE:
            p.fillRect(self.rect(), QColor("#000000") if self._blank is Blank.BLACK
                       else QColor("#ffffff"))
            p.end()
            return
        if self._frame is None:
            p.fillRect(self.rect(), c.background)
        else:
            p.drawPixmap(event.rect(), self._frame, _device_rect(event.rect(), self._frame))
        if self._timer.visible and self._timer.text:
            p.setFont(self.renderer.timer_font())
            p.setPen(c.warning if self._timer.expired else c.accent)
            p.drawText(self.renderer.timer_rect(),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       self._timer.text)
        p.end()


def _device_rect(rect: QRect, frame: QPixmap) -> QRect:
    ratio = frame.devicePixelRatio()
    return QRect(round(rect.x() * ratio), round(rect.y() * ratio),
                 round(rect.width() * ratio), round(rect.height() * ratio))


class AudienceWindow(QWidget):
    """The projector window: full screen and frameless, or an ordinary window as a fallback."""

    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("PeerScenarios: audience view")
        self.canvas = StageCanvas(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._fullscreen_screen: object | None = None

    def add_side_panel(self, panel: QWidget) -> None:
        """Put ``panel`` at the right of the stage (the phones' join card).

        While the panel is shown the stage fits itself into the rest of the screen,
        so the panel never hides text.
        """
        layout = self.layout()
        if layout is not None:
            layout.addWidget(panel)

    # Audience-safe inputs only; see the module docstring.
    def show_state(self, state: StageState) -> None:
        """Show a step."""
        self.canvas.show_state(state)

    def prepare(self, states: Sequence[StageState]) -> None:
        """Render likely next steps ahead of time."""
        self.canvas.prepare(states)

    def set_timer(self, timer: TimerView) -> None:
        """Show or update the discussion countdown."""
        self.canvas.set_timer(timer)

    def set_blank(self, blank: Blank) -> None:
        """Black or white out the screen, or show the step again."""
        self.canvas.set_blank(blank)

    def set_theme(self, theme: Theme) -> None:
        """Change the colours."""
        self.canvas.set_theme(theme)

    def visible_text(self) -> str:
        """What the room can read right now."""
        return self.canvas.visible_text()

    @property
    def is_fullscreen_on_screen(self) -> bool:
        """True while shown full screen on a screen (not as a fallback window)."""
        return self._fullscreen_screen is not None and self.isVisible()

    @property
    def screen_in_use(self) -> object | None:
        """The screen it is full screen on, or None when windowed or hidden."""
        return self._fullscreen_screen if self.isVisible() else None

    def show_fullscreen_on(self, screen: object) -> None:
        """Cover ``screen`` (a QScreen, or any object with ``geometry()``), frameless."""
        was_visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setCursor(Qt.CursorShape.BlankCursor)
        geometry = screen.geometry()  # type: ignore[attr-defined]
        if was_visible:
            self.hide()
        if isinstance(screen, QScreen):
            self.setScreen(screen)
            self.setGeometry(geometry)
            self.showFullScreen()
        else:
            # A stand-in screen (tests, or a provider that only knows geometry): cover it.
            self.setGeometry(geometry)
            self.show()
        self._fullscreen_screen = screen

    def show_windowed(self, screen: object | None = None) -> None:
        """An ordinary, framed window on ``screen`` (default: the primary screen)."""
        self._fullscreen_screen = None
        if self.isVisible():
            self.hide()
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, False)
        self.unsetCursor()
        self.setWindowState(Qt.WindowState.WindowNoState)
        target = screen or QGuiApplication.primaryScreen()
        area = (target.availableGeometry() if hasattr(target, "availableGeometry")
                else QRect(0, 0, 1280, 720))
        w = max(480, area.width() // 2)
        h = w * 9 // 16
        self.setGeometry(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2,
                         w, h)
        self.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the projector window from the window manager only hides it: the
        # presenter decides when the session ends.
        event.ignore()
        self.close_requested.emit()

    def dispose(self) -> None:
        """Hide for good (the presenter is leaving; it owns this window and deletes it)."""
        self._fullscreen_screen = None
        self.hide()
