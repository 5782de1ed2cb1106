"""The stage: one renderer for a step, projector-sized for the audience, small for the presenter.

``StageWidget`` draws a :class:`StageState` (situation and speaker lines,
lettered choices, the tally chart, revealed feedback, the ending debrief)
with type sized from its own size and shrunk to fit when a step is long, so
nothing ever scrolls. The pages (:mod:`.pages`) fit themselves with the
Qt-free maths in :mod:`.fit`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from peerscenarios.app.group.stage_state import Blank, StageState, Step, TimerView
from peerscenarios.ui.present.stage.blocks import ACCENT, DRIFT, MUTED, TallyChart, Text, plain
from peerscenarios.ui.present.stage.pages import (
    ChoicesPage,
    EndingPage,
    FeedbackPage,
    Page,
    SituationPage,
    TallyPage,
)
from peerscenarios.ui.present.theme import Theme, base_body_px, colours


class StageWidget(QWidget):
    """Renders one :class:`StageState`; give it any size and it sizes its type to match.

    It is handed only audience-safe objects (StageState, TimerView, Blank,
    Theme), so it can be put on a projector without any risk of showing the
    facilitator's notes or anyone's personal data.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self._theme = Theme.HIGH_CONTRAST
        self._state: StageState | None = None
        self._timer = TimerView()
        self._blank = Blank.NONE
        self.header_title = Text(self, factor=1.0, tone=MUTED)
        self.header_progress = Text(self, factor=1.0, tone=MUTED, bold=True,
                                     align=Qt.AlignmentFlag.AlignRight)
        self.timer_label = Text(self, factor=1.0, tone=ACCENT, bold=True,
                                 align=Qt.AlignmentFlag.AlignRight)
        self.timer_label.hide()
        self.pages: dict[Step, Page] = {
            Step.SITUATION: SituationPage(self),
            Step.CHOICES: ChoicesPage(self),
            Step.TALLY: TallyPage(self),
            Step.FEEDBACK: FeedbackPage(self),
            Step.ENDING: EndingPage(self),
        }
        for page in self.pages.values():
            page.hide()
        self.body_px = 0
        self.set_theme(Theme.HIGH_CONTRAST)

    # -------------------------------------------------------------- public

    @property
    def state(self) -> StageState | None:
        """The step on show."""
        return self._state

    @property
    def blank(self) -> Blank:
        """Whether the stage is blacked or whited out."""
        return self._blank

    @property
    def theme(self) -> Theme:
        """The colour theme."""
        return self._theme

    def show_state(self, state: StageState) -> None:
        """Show a new step (reusing child widgets) and fit it to the stage."""
        self._state = state
        page = self.pages[state.step]
        page.show_state(state)
        # Pages are made once: a new step shows one and hides the rest, creating nothing.
        for step, other in self.pages.items():
            if step is not state.step:
                other.hide()
        self.header_title.setText(_esc(state.scenario_title))
        self.header_progress.setText(_esc(state.progress))
        self._relayout()
        self._apply_blank()
        self.update()

    def set_timer(self, timer: TimerView) -> None:
        """Show, update or hide the discussion countdown."""
        changed_visibility = timer.visible != self._timer.visible
        self._timer = timer
        self.timer_label.setText(_esc(timer.text) if timer.visible else "")
        self.timer_label.tone = DRIFT if timer.expired else ACCENT
        self.timer_label.set_colours(colours(self._theme))
        if changed_visibility:
            self._relayout()
        self._apply_blank()

    def set_blank(self, blank: Blank) -> None:
        """Black or white out the stage (content stays ready underneath), or show it again."""
        self._blank = blank
        self._apply_blank()
        self.update()

    def set_theme(self, theme: Theme) -> None:
        """Recolour everything for ``theme``."""
        self._theme = theme
        c = colours(theme)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, c.background)
        pal.setColor(QPalette.ColorRole.WindowText, c.text)
        self.setPalette(pal)
        for label in (self.header_title, self.header_progress, self.timer_label):
            label.set_colours(c)
        for page in self.pages.values():
            page.set_colours(c)
        # Shown again: some colours are written into the step's HTML (the room's path).
        if self._state is not None:
            self.show_state(self._state)
        self.update()

    def timer_rect(self) -> QRect:
        """Where the countdown goes (reserved in the layout while the timer is shown)."""
        return self.timer_label.geometry()

    def timer_font(self) -> QFont:
        """The countdown's font at the current size."""
        return self.timer_label.font()

    def visible_text(self) -> str:
        """Every piece of text the audience can currently read, one per line (for checks)."""
        if self._blank is not Blank.NONE:
            return ""
        out: list[str] = []
        for label in self.findChildren(QLabel):
            if label.isVisibleTo(self) and label.text():
                out.append(plain(label.text()))
        for chart in self.findChildren(TallyChart):
            if chart.isVisibleTo(self):
                out.append(chart.describe())
                out.extend(chart.labels)
        return "\n".join(out)

    # ------------------------------------------------------------ layout

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def paintEvent(self, event: QPaintEvent) -> None:
        # Only a blank is painted here; the children are hidden then (_apply_blank).
        if self._blank is Blank.NONE:
            return
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000") if self._blank is Blank.BLACK
                   else QColor("#ffffff"))
        p.end()

    def _apply_blank(self) -> None:
        showing = self._blank is Blank.NONE and self._state is not None
        for label in (self.header_title, self.header_progress):
            label.setVisible(showing)
        self.timer_label.setVisible(showing and self._timer.visible)
        if self._state is not None:
            self.pages[self._state.step].setVisible(showing)

    def _relayout(self) -> None:
        w, h = self.width(), self.height()
        if self._state is None or w < 20 or h < 20:
            return  # not sized yet (or collapsed): nothing sensible fits
        base = base_body_px(w, h)
        self.body_px = base
        # Margins as shares of the screen: projectors often crop or keystone the edges.
        margin_x = round(w * 0.04)
        margin_y = round(h * 0.045)
        header_px = max(6, round(base * 0.55))
        timer_px = max(6, round(base * 1.1))
        for label in (self.header_title, self.header_progress):
            label.set_px(header_px)
        self.timer_label.set_px(timer_px)
        inner_w = w - 2 * margin_x
        # While shown, the countdown keeps room for "mm:ss" so the header never runs under it.
        timer_w = round(timer_px * 3.6) if self._timer.visible else 0
        header_h = max(self.header_title.measure(inner_w // 2), round(timer_px * 1.25)
                       if self._timer.visible else 0)
        self.header_title.place(margin_x, margin_y, inner_w // 2)
        progress_w = inner_w // 2 - timer_w
        self.header_progress.place(margin_x + inner_w - timer_w - progress_w, margin_y,
                                   progress_w - round(base * 0.5))
        self.timer_label.setGeometry(margin_x + inner_w - timer_w, margin_y - round(base * 0.2),
                                     timer_w, round(timer_px * 1.3))
        top = margin_y + header_h + round(base * 0.6)
        page = self.pages[self._state.step]
        avail_h = h - top - margin_y
        page.setGeometry(margin_x, top, inner_w, avail_h)
        page.fit(inner_w, avail_h, base)
        self.body_px = page.px
        page.setVisible(self._blank is Blank.NONE)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)
