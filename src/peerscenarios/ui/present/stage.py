"""The stage: one renderer for a step, projector-sized for the audience, small for the presenter.

``StageWidget`` draws a :class:`StageState` (situation and speaker lines,
lettered choices, the tally chart, revealed feedback, the ending debrief)
with type sized from its own size and shrunk to fit when a step is long, so
nothing ever scrolls. Children are laid out by hand: measuring a few
word-wrapped labels is cheaper and more predictable than nested layouts when
the whole page is re-fitted at every step.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QLabel, QWidget

from peerscenarios.app.group.stage_state import (
    Blank,
    ChoiceView,
    FeedbackView,
    LineView,
    PathItem,
    StageState,
    Step,
    TallyView,
    TimerView,
)
from peerscenarios.ui.present.theme import (
    MIN_SHRINK,
    Colours,
    Theme,
    base_body_px,
    colours,
)

_BODY = "body"
_MUTED = "muted"
_ACCENT = "accent"
_PEER = "peer"
_DRIFT = "drift"


def _sans(px: int, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPixelSize(max(6, px))
    font.setBold(bold)
    font.setItalic(italic)
    return font


def plain(html_text: str) -> str:
    """The visible text of a piece of inert HTML."""
    return QTextDocumentFragment.fromHtml(html_text).toPlainText()


class _Text(QLabel):
    """A word-wrapped rich-text label whose size is a factor of the page's body size."""

    def __init__(self, parent: QWidget, *, factor: float = 1.0, tone: str = _BODY,
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
        if size != self._px:
            self._px = size
            self.setFont(_sans(size, bold=self._bold, italic=self._italic))
            if "<p>" in self._raw:
                super().setText(self._styled(self._raw))

    def set_colours(self, c: Colours) -> None:
        colour = {_BODY: c.text, _MUTED: c.muted, _ACCENT: c.accent, _PEER: c.peer,
                  _DRIFT: c.drift}[self.tone]
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, colour)
        self.setPalette(pal)

    def measure(self, width: int) -> int:
        if not self.text():
            return 0
        return self.heightForWidth(max(1, width))

    def place(self, x: int, y: int, width: int) -> int:
        h = self.measure(width)
        self.setGeometry(x, y, width, h)
        self.setVisible(h > 0)
        return h


class _Badge(QLabel):
    """A letter on a filled rounded square: the label of a choice (A, B, C...)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._fill = QColor("#ffd60a")
        self._px = 0

    def set_px(self, px: int) -> None:
        if px != self._px:
            self._px = px
            self.setFont(_sans(round(px * 0.95), bold=True))

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
        super().paintEvent(event)


class _Card(QWidget):
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
        r = QRectF(self.rect()).adjusted(edge / 2, edge / 2, -edge / 2, -edge / 2)
        radius = self.px * 0.35
        p.drawRoundedRect(r, radius, radius)
        p.end()


class _ChoiceCard(_Card):
    """Letter badge and the response's words; the role tag is never part of it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.badge = _Badge(self)
        self.text = _Text(self)

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


class _LineBlock(QWidget):
    """A character's line: their name above the words, with a stripe down the left."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.speaker = _Text(self, factor=0.72, tone=_ACCENT, bold=True)
        self.words = _Text(self)
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
        p = QPainter(self)
        p.fillRect(0, 0, max(2, round(self.px * 0.15)), self.height(), self._stripe)
        p.end()


class _FeedbackCard(_Card):
    """Revealed feedback for one response: letter, role symbol and words, why, a better move."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.badge = _Badge(self)
        self.role = _Text(self, factor=1.0, bold=True)
        self.choice = _Text(self, factor=0.72, tone=_MUTED, italic=True)
        self.why = _Text(self, factor=0.9)
        self.better = _Text(self, factor=0.9)

    def show_feedback(self, fb: FeedbackView, c: Colours, *, quote: bool = True) -> None:
        self.highlight = fb.chosen
        self.badge.setText(fb.letter)
        self.role.tone = _PEER if fb.is_peer else _DRIFT
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
        count_font = _sans(round(self.px * 1.05), bold=True)
        label_font = _sans(round(self.px * 0.62))
        count_w = QFontMetrics(count_font).horizontalAdvance("000 (100%)") + self.px * 0.6
        bar_x = side + self.px * 0.7
        bar_full = max(1.0, self.width() - bar_x - count_w)
        for i, count in enumerate(self.tally.counts):
            top = i * row
            chosen = self.tally.chosen == i
            badge = QRectF(0, top + (row - side) / 2, side, side)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c.accent)
            p.drawRoundedRect(badge, side * 0.18, side * 0.18)
            p.setPen(c.on_accent)
            p.setFont(_sans(round(side * 0.6), bold=True))
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
            length = bar_full * count / most
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(c.bar_chosen if chosen else c.bar)
            if count:
                p.drawRoundedRect(QRectF(bar_x, bar_top, max(length, 2.0), bar_h),
                                  bar_h * 0.15, bar_h * 0.15)
            p.setFont(count_font)
            p.setPen(c.accent if chosen else c.text)
            pct = round(100 * count / total) if self.tally.total else 0
            p.drawText(QRectF(bar_x + length + self.px * 0.4, bar_top, count_w, bar_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       f"{count} ({pct}%)")
        p.end()


class _Page(QWidget):
    """One kind of step: a column of blocks that is measured and placed by hand."""

    max_columns = 1
    max_grow = 1.25

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.px = 0
        self.columns = 1
        self._colours = colours(Theme.HIGH_CONTRAST)

    # Subclasses: header blocks (full width) and grid blocks (cards in columns).
    def head_blocks(self) -> list[QWidget]:
        return []

    def grid_blocks(self) -> list[QWidget]:
        return []

    def all_parts(self) -> list[QWidget]:
        return [*self.head_blocks(), *self.grid_blocks()]

    def gap(self, px: int) -> int:
        return max(3, round(px * 0.5))

    def set_px(self, px: int) -> None:
        self.px = px
        for part in self.all_parts():
            part.set_px(px)  # type: ignore[attr-defined]

    def set_colours(self, c: Colours) -> None:
        self._colours = c
        for part in self._every_part():
            part.set_colours(c)  # type: ignore[attr-defined]

    def _every_part(self) -> list[QWidget]:
        return self.all_parts()

    def measure(self, width: int, columns: int) -> int:
        gap = self.gap(self.px)
        heights = [h for h in (b.measure(width) for b in self.head_blocks()) if h]  # type: ignore[attr-defined]
        total = sum(heights) + gap * max(0, len(heights) - 1)
        grid = self.grid_blocks()
        if grid:
            col_w = (width - gap * (columns - 1)) // columns
            rows = [grid[i:i + columns] for i in range(0, len(grid), columns)]
            row_heights = [max(b.measure(col_w) for b in r) for r in rows]  # type: ignore[attr-defined]
            total += (gap if heights else 0) + sum(row_heights) + gap * (len(rows) - 1)
        return total

    def place_all(self, width: int, columns: int) -> None:
        gap = self.gap(self.px)
        y = 0
        for b in self.head_blocks():
            h = b.place(0, y, width)  # type: ignore[attr-defined]
            if h:
                y += h + gap
        grid = self.grid_blocks()
        if not grid:
            return
        col_w = (width - gap * (columns - 1)) // columns
        for i in range(0, len(grid), columns):
            row = grid[i:i + columns]
            h = max(b.measure(col_w) for b in row)  # type: ignore[attr-defined]
            for j, b in enumerate(row):
                b.place(j * (col_w + gap), y, col_w)  # type: ignore[attr-defined]
                b.resize(col_w, h)
            y += h + gap

    def column_options(self) -> list[int]:
        n = len(self.grid_blocks())
        return [c for c in range(1, self.max_columns + 1) if c == 1 or n >= 2 * c - 1]

    def fit(self, width: int, height: int, base: int) -> None:
        """Pick the largest body size on the ladder (and column count) at which the page fits."""
        sizes = type_ladder(base, self.max_grow)
        best: tuple[int, int] | None = None
        for cols in self.column_options():
            px = self._largest_fitting(width, height, sizes, cols)
            if best is None or px > best[0]:
                best = (px, cols)
        px, cols = best or (sizes[-1], 1)
        self.columns = cols
        self.set_px(px)
        self.place_all(width, cols)

    def _largest_fitting(self, width: int, height: int, sizes: list[int], cols: int) -> int:
        # Binary search on the ladder (largest first): the height grows with the type size.
        lo, hi = 0, len(sizes) - 1
        self.set_px(sizes[hi])
        if self.measure(width, cols) > height:
            return sizes[hi]  # nothing fits: smallest size, overflow is clipped
        while lo < hi:
            mid = (lo + hi) // 2
            self.set_px(sizes[mid])
            if self.measure(width, cols) <= height:
                hi = mid
            else:
                lo = mid + 1
        return sizes[lo]


def type_ladder(base: int, grow: float = 1.0) -> list[int]:
    """Body sizes to try, largest first: a few fixed steps around ``base``.

    Fixed steps (rather than any size) keep the glyph cache warm from one
    step to the next, and shrinking stops at MIN_SHRINK of the full size.
    """
    factors = [f for f in _LADDER if f <= grow + 1e-9]
    out: list[int] = []
    for f in factors:
        px = max(6, round(base * f))
        if not out or px < out[-1]:
            out.append(px)
    return out


_LADDER = (1.25, 1.12, 1.0, 0.92, 0.84, 0.77, 0.7, 0.64, 0.59, MIN_SHRINK)


class _Pool:
    """Reusable child widgets of one kind, so switching steps creates nothing new."""

    def __init__(self, parent: QWidget, make: type[QWidget]) -> None:
        self._parent = parent
        self._make = make
        self.items: list[QWidget] = []

    def take(self, n: int) -> list[QWidget]:
        while len(self.items) < n:
            self.items.append(self._make(self._parent))
        for extra in self.items[n:]:
            extra.hide()
        return self.items[:n]


class _SituationPage(_Page):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.text = _Text(self, factor=1.0)
        self._lines = _Pool(self, _LineBlock)
        self._shown: list[QWidget] = []

    def show_state(self, state: StageState) -> None:
        self.text.setText(state.text_html)
        self._shown = self._lines.take(len(state.lines))
        for block, line in zip(self._shown, state.lines, strict=True):
            block.show_line(line)  # type: ignore[attr-defined]
            block.set_colours(self._colours)  # type: ignore[attr-defined]

    def head_blocks(self) -> list[QWidget]:
        return [self.text, *self._shown]

    def _every_part(self) -> list[QWidget]:
        return [self.text, *self._lines.items]


class _ChoicesPage(_Page):
    max_columns = 2

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = _Text(self, factor=0.8, tone=_MUTED, bold=True)
        self._cards = _Pool(self, _ChoiceCard)
        self._shown: list[QWidget] = []

    def show_state(self, state: StageState) -> None:
        self.prompt.setText(state.prompt)
        self._shown = self._cards.take(len(state.choices))
        for card, choice in zip(self._shown, state.choices, strict=True):
            card.show_choice(choice)  # type: ignore[attr-defined]
            card.set_colours(self._colours)  # type: ignore[attr-defined]

    def head_blocks(self) -> list[QWidget]:
        return [self.prompt]

    def grid_blocks(self) -> list[QWidget]:
        return self._shown

    def _every_part(self) -> list[QWidget]:
        return [self.prompt, *self._cards.items]


class _TallyPage(_Page):
    max_grow = 1.0

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = _Text(self, factor=0.8, tone=_MUTED, bold=True)
        self.chart = TallyChart(self)

    def show_state(self, state: StageState) -> None:
        self.prompt.setText(state.prompt)
        if state.tally is not None:
            self.chart.show_tally(state.tally, state.choices)

    def set_px(self, px: int) -> None:
        self.px = px
        self.prompt.set_px(px)
        self.chart.px = px

    def head_blocks(self) -> list[QWidget]:
        return [self.prompt, self.chart]


class _FeedbackPage(_Page):
    max_columns = 2

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = _Text(self, factor=0.8, tone=_MUTED, bold=True)
        self._cards = _Pool(self, _FeedbackCard)
        self._shown: list[QWidget] = []

    def show_state(self, state: StageState) -> None:
        self.prompt.setText(state.prompt)
        self._shown = self._cards.take(len(state.feedback))
        for card, fb in zip(self._shown, state.feedback, strict=True):
            card.set_colours(self._colours)  # type: ignore[attr-defined]
            card.show_feedback(fb, self._colours,  # type: ignore[attr-defined]
                               quote=len(state.feedback) <= 2)

    def head_blocks(self) -> list[QWidget]:
        return [self.prompt]

    def grid_blocks(self) -> list[QWidget]:
        return self._shown

    def _every_part(self) -> list[QWidget]:
        return [self.prompt, *self._cards.items]


class _EndingPage(_Page):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.kicker = _Text(self, factor=0.6, tone=_MUTED, bold=True)
        self.title = _Text(self, factor=1.25, tone=_ACCENT, bold=True)
        self.text = _Text(self, factor=0.85)
        self.debrief = _Text(self, factor=0.85)
        self.path_heading = _Text(self, factor=0.66, tone=_MUTED, bold=True)
        self._lines = _Pool(self, _LineBlock)
        self._path = _Pool(self, lambda parent: _Text(parent, factor=0.72))  # type: ignore[arg-type]
        self._shown_lines: list[QWidget] = []
        self._shown_path: list[QWidget] = []

    def show_state(self, state: StageState) -> None:
        self.kicker.setText("Ending")
        self.title.setText(state.ending_title)
        self.text.setText(state.text_html)
        self.debrief.setText(state.ending_html)
        self._shown_lines = self._lines.take(len(state.lines))
        for block, line in zip(self._shown_lines, state.lines, strict=True):
            block.show_line(line)  # type: ignore[attr-defined]
            block.set_colours(self._colours)  # type: ignore[attr-defined]
        self.path_heading.setText("The room's path" if state.group_path else "")
        self._shown_path = self._path.take(len(state.group_path))
        for label, item in zip(self._shown_path, state.group_path, strict=True):
            label.setText(_path_html(item, self._colours))  # type: ignore[attr-defined]
            label.set_colours(self._colours)  # type: ignore[attr-defined]

    def head_blocks(self) -> list[QWidget]:
        return [self.kicker, self.title, self.text, *self._shown_lines, self.debrief,
                self.path_heading, *self._shown_path]

    def _every_part(self) -> list[QWidget]:
        return [self.kicker, self.title, self.text, self.debrief, self.path_heading,
                *self._lines.items, *self._path.items]


def _path_html(item: PathItem, c: Colours) -> str:
    colour = (c.peer if item.is_peer else c.drift).name()
    return (f"<b>{item.letter}</b>&nbsp; <span style='color:{colour}'><b>{item.role_symbol}"
            f"&nbsp;{item.role_label}</b></span> — {item.choice_html}")


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
        self.header_title = _Text(self, factor=1.0, tone=_MUTED)
        self.header_progress = _Text(self, factor=1.0, tone=_MUTED, bold=True,
                                     align=Qt.AlignmentFlag.AlignRight)
        self.timer_label = _Text(self, factor=1.0, tone=_ACCENT, bold=True,
                                 align=Qt.AlignmentFlag.AlignRight)
        self.timer_label.hide()
        self.pages: dict[Step, _Page] = {
            Step.SITUATION: _SituationPage(self),
            Step.CHOICES: _ChoicesPage(self),
            Step.TALLY: _TallyPage(self),
            Step.FEEDBACK: _FeedbackPage(self),
            Step.ENDING: _EndingPage(self),
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
        page.show_state(state)  # type: ignore[attr-defined]
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
        self.timer_label.tone = _DRIFT if timer.expired else _ACCENT
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
            return
        base = base_body_px(w, h)
        self.body_px = base
        margin_x = round(w * 0.04)
        margin_y = round(h * 0.045)
        header_px = max(6, round(base * 0.55))
        timer_px = max(6, round(base * 1.1))
        for label in (self.header_title, self.header_progress):
            label.set_px(header_px)
        self.timer_label.set_px(timer_px)
        inner_w = w - 2 * margin_x
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
