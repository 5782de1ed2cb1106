"""The stage's building blocks: text, badges, choice and feedback cards, speaker lines, tally.

Each block knows its size at a given body size (``set_px``), how tall it is
at a width (``measure``) and how to put itself there (``place``); the pages
in :mod:`.pages` stack them. Colours come from the projector theme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QLabel, QWidget

from peerscenarios.app.group.stage_state import ChoiceView, FeedbackView, LineView, TallyView
from peerscenarios.ui.present.theme import Colours, Theme, colours

BODY = "body"
MUTED = "muted"
ACCENT = "accent"
PEER = "peer"
DRIFT = "drift"


class Block(Protocol):
    """What a page needs of each block it lays out (every block is also a QWidget)."""

    def set_px(self, px: int) -> None:
        """Size the block for body size ``px`` (each part scales by its own factor)."""

    def set_colours(self, c: Colours) -> None:
        """Take the projector theme's colours."""

    def measure(self, width: int) -> int:
        """The block's height at ``width`` and the current size (0: it takes no room)."""

    def place(self, x: int, y: int, width: int) -> int:
        """Put the block at (``x``, ``y``), ``width`` wide, and show it; returns its height."""

    def resize(self, w: int, h: int, /) -> None: ...

    def hide(self) -> None: ...


B = TypeVar("B", bound=QWidget)


class Pool(Generic[B]):
    """Reusable child widgets of one kind, so switching steps creates nothing new.

    A step change then only fills and shows widgets already made (fonts set,
    palettes applied) instead of waiting for new ones.
    """

    def __init__(self, parent: QWidget, make: Callable[[QWidget], B]) -> None:
        self._parent = parent
        self._make = make
        self.items: list[B] = []

    def take(self, n: int) -> list[B]:
        """``n`` widgets (made on first need); the rest are hidden."""
        while len(self.items) < n:
            self.items.append(self._make(self._parent))
        for extra in self.items[n:]:
            extra.hide()
        return self.items[:n]


def sans(px: int, *, bold: bool = False, italic: bool = False) -> QFont:
    """A sans-serif font ``px`` pixels tall (6 at the least)."""
    font = QFont()
    # A hint, not a family: whatever sans-serif the presenting laptop has.
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(max(6, px))
    font.setBold(bold)
    font.setItalic(italic)
    return font


def plain(html_text: str) -> str:
    """The visible text of a piece of inert HTML."""
    return QTextDocumentFragment.fromHtml(html_text).toPlainText()



class Text(QLabel):
    """A word-wrapped rich-text label whose size is a factor of the page's body size."""

    def __init__(self, parent: QWidget, *, factor: float = 1.0, tone: str = BODY,
                 bold: bool = False, italic: bool = False,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        super().__init__(parent)
        self.factor = factor
        self.tone = tone
        self._bold = bold
        self._italic = italic
        self._px = 0
        self._raw = ""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(align | Qt.AlignmentFlag.AlignTop)
        # The stage is a picture for the room: nothing on it is clicked or selected.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def setText(self, text: str) -> None:
        self._raw = text
        super().setText(self._styled(text))

    def _styled(self, text: str) -> str:
        # Qt gives <p> a fixed 12 px margin; paragraphs on a projector need space in
        # proportion to the type, or they run together at 4K.
        if "<p>" not in text:
            return text
        gap = max(2, round(self._px * 0.45))
        return text.replace("<p>", f"<p style='margin-top:0px; margin-bottom:{gap}px'>")

    def set_px(self, px: int) -> None:
        size = max(6, round(px * self.factor))
        # Fitting tries several sizes per step: an unchanged font is not set again, as
        # setting it lays the label out anew.
        if size != self._px:
            self._px = size
            self.setFont(sans(size, bold=self._bold, italic=self._italic))
            if "<p>" in self._raw:
                super().setText(self._styled(self._raw))

    def set_colours(self, c: Colours) -> None:
        colour = {BODY: c.text, MUTED: c.muted, ACCENT: c.accent, PEER: c.peer,
                  DRIFT: c.drift}[self.tone]
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, colour)
        self.setPalette(pal)

    def measure(self, width: int) -> int:
        if not self.text():
            return 0  # an empty block takes no room, and no gap either (fit.stack_height)
        return self.heightForWidth(max(1, width))

    def place(self, x: int, y: int, width: int) -> int:
        h = self.measure(width)
        self.setGeometry(x, y, width, h)
        self.setVisible(h > 0)
        return h


class Badge(QLabel):
    """A letter on a filled rounded square: the label of a choice (A, B, C...)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._fill = QColor("#ffd60a")
        self._px = 0

    def set_px(self, px: int) -> None:
        if px != self._px:
            self._px = px
            self.setFont(sans(round(px * 0.95), bold=True))

    def side(self) -> int:
        return round(self._px * 1.5)

    def set_colours(self, c: Colours) -> None:
        self._fill = c.accent
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, c.on_accent)
        self.setPalette(pal)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._fill)
        r = self.rect()
        radius = r.height() * 0.18
        p.drawRoundedRect(QRectF(r), radius, radius)
        p.end()
        super().paintEvent(event)  # QLabel draws the letter over the fill


class Card(QWidget):
    """A rounded panel; the group's chosen response gets a thick accent edge."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.highlight = False
        self._fill = QColor("#161616")
        self._edge = QColor("#5a5a5a")
        self._chosen_edge = QColor("#ffd60a")
        self.px = 20

    def set_card_colours(self, c: Colours) -> None:
        self._fill, self._edge, self._chosen_edge = c.card, c.card_edge, c.chosen_edge

    def pad(self) -> int:
        return max(3, round(self.px * 0.45))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        edge = max(1.0, self.px * (0.14 if self.highlight else 0.05))
        p.setPen(QPen(self._chosen_edge if self.highlight else self._edge, edge))
        p.setBrush(self._fill)
        # A pen straddles its path: inset by half its width, or the widget clips the edge.
        r = QRectF(self.rect()).adjusted(edge / 2, edge / 2, -edge / 2, -edge / 2)
        radius = self.px * 0.35
        p.drawRoundedRect(r, radius, radius)
        p.end()


class ChoiceCard(Card):
    """Letter badge and the response's words; the role tag is never part of it.

    The room votes on the words alone, as a trainee chooses: the role is the
    feedback's to name.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.badge = Badge(self)
        self.text = Text(self)

    def show_choice(self, choice: ChoiceView) -> None:
        self.badge.setText(choice.letter)
        self.text.setText(choice.text_html)

    def set_px(self, px: int) -> None:
        self.px = px
        self.badge.set_px(px)
        self.text.set_px(px)

    def set_colours(self, c: Colours) -> None:
        self.set_card_colours(c)
        self.badge.set_colours(c)
        self.text.set_colours(c)

    def _text_width(self, width: int) -> int:
        return width - 2 * self.pad() - self.badge.side() - self.pad()

    def measure(self, width: int) -> int:
        return 2 * self.pad() + max(self.badge.side(), self.text.measure(self._text_width(width)))

    def place(self, x: int, y: int, width: int) -> int:
        h = self.measure(width)
        self.setGeometry(x, y, width, h)
        pad, side = self.pad(), self.badge.side()
        self.badge.setGeometry(pad, pad, side, side)
        self.text.place(pad + side + pad, pad, self._text_width(width))
        self.show()
        return h


class LineBlock(QWidget):
    """A character's line: their name above the words, with a stripe down the left."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.speaker = Text(self, factor=0.72, tone=ACCENT, bold=True)
        self.words = Text(self)
        self._stripe = QColor("#ffd60a")
        self.px = 20

    def show_line(self, line: LineView) -> None:
        self.speaker.setText(line.speaker)
        self.words.setText(f"“{line.text_html}”")

    def set_px(self, px: int) -> None:
        self.px = px
        self.speaker.set_px(px)
        self.words.set_px(px)

    def set_colours(self, c: Colours) -> None:
        self._stripe = c.accent
        self.speaker.set_colours(c)
        self.words.set_colours(c)

    def _indent(self) -> int:
        return max(4, round(self.px * 0.6))

    def measure(self, width: int) -> int:
        inner = width - self._indent()
        return self.speaker.measure(inner) + self.words.measure(inner)

    def place(self, x: int, y: int, width: int) -> int:
        h = self.measure(width)
        self.setGeometry(x, y, width, h)
        inner = width - self._indent()
        top = self.speaker.place(self._indent(), 0, inner)
        self.words.place(self._indent(), top, inner)
        self.show()
        return h

    def paintEvent(self, event: QPaintEvent) -> None:
        # The stripe sets spoken words apart from the narration around them.
        p = QPainter(self)
        p.fillRect(0, 0, max(2, round(self.px * 0.15)), self.height(), self._stripe)
        p.end()


class FeedbackCard(Card):
    """Revealed feedback for one response: letter, role symbol and words, why, a better move."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.badge = Badge(self)
        self.role = Text(self, factor=1.0, bold=True)
        self.choice = Text(self, factor=0.72, tone=MUTED, italic=True)
        self.why = Text(self, factor=0.9)
        self.better = Text(self, factor=0.9)

    def show_feedback(self, fb: FeedbackView, c: Colours, *, quote: bool = True) -> None:
        self.highlight = fb.chosen
        self.badge.setText(fb.letter)
        self.role.tone = PEER if fb.is_peer else DRIFT
        self.role.set_colours(c)
        self.role.setText(f"{fb.role_symbol}&nbsp;{fb.role_label}")
        # With every response revealed the room already knows the words by letter;
        # dropping the quote keeps the role and the why large enough to read.
        self.choice.setText(f"“{fb.choice_html}”" if quote else "")
        self.why.setText(fb.why_html)
        self.better.setText(f"<b>A better move:</b> {fb.better_html}" if fb.better_html else "")

    def set_px(self, px: int) -> None:
        self.px = px
        for part in (self.badge, self.role, self.choice, self.why, self.better):
            part.set_px(px)

    def set_colours(self, c: Colours) -> None:
        self.set_card_colours(c)
        for part in (self.badge, self.role, self.choice, self.why, self.better):
            part.set_colours(c)

    def _inner(self, width: int) -> int:
        return width - 2 * self.pad()

    def _gap(self) -> int:
        return max(2, round(self.px * 0.3))

    def measure(self, width: int) -> int:
        inner = self._inner(width)
        side = self.badge.side()
        head = max(side, self.role.measure(inner - side - self.pad()))
        total = 2 * self.pad() + head
        for part in (self.choice, self.why, self.better):
            h = part.measure(inner)
            if h:
                total += self._gap() + h
        return total

    def place(self, x: int, y: int, width: int) -> int:
        h = self.measure(width)
        self.setGeometry(x, y, width, h)
        pad, side, inner = self.pad(), self.badge.side(), self._inner(width)
        self.badge.setGeometry(pad, pad, side, side)
        role_h = self.role.measure(inner - side - pad)
        self.role.place(pad + side + pad, pad + max(0, (side - role_h) // 2), inner - side - pad)
        top = pad + max(side, role_h)
        for part in (self.choice, self.why, self.better):
            if part.measure(inner):
                top += self._gap()
                top += part.place(pad, top, inner)
            else:
                part.hide()
        self.show()
        return h


class TallyChart(QWidget):
    """Horizontal bars of the room's votes, one row per lettered choice, drawn with QPainter."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.tally = TallyView((), ())
        self.labels: tuple[str, ...] = ()
        self.px = 20
        self._c = colours(Theme.HIGH_CONTRAST)

    def show_tally(self, tally: TallyView, choices: Sequence[ChoiceView]) -> None:
        self.tally = tally
        # Plain words on one line each: the chart draws them elided above the bars.
        self.labels = tuple(" ".join(plain(c.text_html).split()) for c in choices)
        self.setAccessibleName("Tally of the vote")
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart as words: what a screen reader (or a test) gets."""
        return "; ".join(f"{ltr}: {n}" for ltr, n in zip(self.tally.letters, self.tally.counts,
                                                          strict=True))

    def set_colours(self, c: Colours) -> None:
        self._c = c
        self.update()

    def set_px(self, px: int) -> None:
        """Size the chart's bars and labels for body size ``px``."""
        self.px = px

    def row_height(self) -> int:
        return round(self.px * 2.6)

    def measure(self, width: int) -> int:
        return len(self.tally.counts) * self.row_height()

    def place(self, x: int, y: int, width: int) -> int:
        h = self.measure(width)
        self.setGeometry(x, y, width, h)
        self.show()
        return h

    def paintEvent(self, event: QPaintEvent) -> None:
        n = len(self.tally.counts)
        if not n:
            return
        c = self._c
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        row = self.height() / n
        side = min(row * 0.8, self.px * 1.7)
        most = max(max(self.tally.counts), 1)
        total = max(self.tally.total, 1)
        count_font = sans(round(self.px * 1.05), bold=True)
        label_font = sans(round(self.px * 0.62))
        # Room for the widest count text, so every row's bar is on the same scale.
        count_w = QFontMetrics(count_font).horizontalAdvance("000 (100%)") + self.px * 0.6
        bar_x = side + self.px * 0.7
        bar_full = max(1.0, self.width() - bar_x - count_w)
        for i, count in enumerate(self.tally.counts):
            top = i * row
            chosen = self.tally.chosen == i
            # The letter badge as on the choice cards, so the room matches bar to card.
            badge = QRectF(0, top + (row - side) / 2, side, side)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c.accent)
            p.drawRoundedRect(badge, side * 0.18, side * 0.18)
            p.setPen(c.on_accent)
            p.setFont(sans(round(side * 0.6), bold=True))
            p.drawText(badge, Qt.AlignmentFlag.AlignCenter, self.tally.letters[i])
            # The choice's words, one elided line, above its bar.
            label_h = row * 0.36
            p.setFont(label_font)
            p.setPen(c.muted)
            text = self.labels[i] if i < len(self.labels) else ""
            elided = QFontMetrics(label_font).elidedText(
                text, Qt.TextElideMode.ElideRight, round(bar_full + count_w))
            p.drawText(QRectF(bar_x, top + row * 0.06, bar_full + count_w, label_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
            bar_top = top + row * 0.44
            bar_h = row * 0.44
            # Scaled to the most votes, not the total: the leader fills the row, so the
            # differences are as wide as they can be.
            length = bar_full * count / most
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c.bar_chosen if chosen else c.bar)
            if count:  # one vote still shows as a sliver; none draws nothing
                p.drawRoundedRect(QRectF(bar_x, bar_top, max(length, 2.0), bar_h),
                                  bar_h * 0.15, bar_h * 0.15)
            p.setFont(count_font)
            p.setPen(c.accent if chosen else c.text)
            pct = round(100 * count / total) if self.tally.total else 0
            p.drawText(QRectF(bar_x + length + self.px * 0.4, bar_top, count_w, bar_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       f"{count} ({pct}%)")
        p.end()
