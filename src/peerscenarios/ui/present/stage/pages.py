"""The stage's pages, one per kind of step: each stacks its blocks and fits them to the stage.

The arithmetic (which type size fits, how many columns) is in :mod:`.fit`;
a page measures its blocks at a candidate size and places them once the
size is chosen.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from peerscenarios.app.group.stage_state import PathItem, StageState
from peerscenarios.ui.present.stage.blocks import (
    ACCENT,
    MUTED,
    Block,
    ChoiceCard,
    FeedbackCard,
    LineBlock,
    Pool,
    TallyChart,
    Text,
)
from peerscenarios.ui.present.stage.fit import (
    best_layout,
    column_options,
    column_width,
    gap_for,
    grid_height,
    stack_height,
    type_ladder,
)
from peerscenarios.ui.present.theme import Colours, Theme, colours


class Page(QWidget):
    """One kind of step: header blocks full width, then cards in one or two columns."""

    max_columns = 1
    # A short step may grow past the base size: a few words should fill the room's view.
    max_grow = 1.25

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.px = 0
        self.columns = 1
        self._colours = colours(Theme.HIGH_CONTRAST)

    def show_state(self, state: StageState) -> None:
        """Fill the page's blocks from a step (subclasses)."""
        raise NotImplementedError

    # Subclasses: header blocks (full width) and grid blocks (cards in columns).
    def head_blocks(self) -> list[Block]:
        """Blocks across the whole width, in reading order."""
        return []

    def grid_blocks(self) -> list[Block]:
        """Cards laid out in columns below the header blocks."""
        return []

    def parts(self) -> list[Block]:
        """Every block that takes a size and colours (shown or pooled)."""
        return [*self.head_blocks(), *self.grid_blocks()]

    def set_px(self, px: int) -> None:
        """Size every block for body size ``px``."""
        self.px = px
        for part in self.parts():
            part.set_px(px)

    def every_part(self) -> list[Block]:
        """Every block to recolour: the shown ones and those pooled for later steps."""
        return self.parts()

    def set_colours(self, c: Colours) -> None:
        """Recolour every block (pooled ones too, so a reused card is never stale)."""
        self._colours = c
        for part in self.every_part():
            part.set_colours(c)

    def measure(self, width: int, columns: int) -> int:
        """The page's height at the current size, ``width`` wide, cards in ``columns``."""
        gap = gap_for(self.px)
        head = [b.measure(width) for b in self.head_blocks()]
        total = stack_height(head, gap)
        grid = self.grid_blocks()
        if grid:
            col_w = column_width(width, gap, columns)
            total += (gap if any(head) else 0) + grid_height(
                [b.measure(col_w) for b in grid], columns, gap)
        return total

    def place_all(self, width: int, columns: int) -> None:
        """Put every block in place at the current size."""
        gap = gap_for(self.px)
        y = 0
        for b in self.head_blocks():
            h = b.place(0, y, width)
            if h:
                y += h + gap
        grid = self.grid_blocks()
        if not grid:
            return
        col_w = column_width(width, gap, columns)
        for i in range(0, len(grid), columns):
            row = grid[i:i + columns]
            h = max(b.measure(col_w) for b in row)
            for j, b in enumerate(row):
                b.place(j * (col_w + gap), y, col_w)
                b.resize(col_w, h)  # a row's cards share its tallest height: edges line up
            y += h + gap

    def fit(self, width: int, height: int, base: int) -> None:
        """Take the largest body size on the ladder (and column count) at which the page fits."""
        # Each try sizes the blocks for real (measuring needs the fonts set); the chosen
        # size is set again below, after the search left the last one tried.
        def height_at(px: int, cols: int) -> int:
            self.set_px(px)
            return self.measure(width, cols)

        px, cols = best_layout(type_ladder(base, self.max_grow),
                               column_options(len(self.grid_blocks()), self.max_columns),
                               height_at, height)
        self.columns = cols
        self.set_px(px)
        self.place_all(width, cols)


class SituationPage(Page):
    """The situation: the narration, then each character's line."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.text = Text(self, factor=1.0)
        self._lines = Pool(self, LineBlock)
        self._shown: list[LineBlock] = []

    def show_state(self, state: StageState) -> None:
        self.text.setText(state.text_html)
        self._shown = self._lines.take(len(state.lines))
        for block, line in zip(self._shown, state.lines, strict=True):
            block.show_line(line)
            # A block the pool made just now has no theme yet.
            block.set_colours(self._colours)

    def head_blocks(self) -> list[Block]:
        return [self.text, *self._shown]

    def every_part(self) -> list[Block]:
        return [self.text, *self._lines.items]


class ChoicesPage(Page):
    """The question, then a lettered card per response (no roles: the room votes on words)."""

    # Two columns when a long list would otherwise shrink the type below readable.
    max_columns = 2

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = Text(self, factor=0.8, tone=MUTED, bold=True)
        self._cards = Pool(self, ChoiceCard)
        self._shown: list[ChoiceCard] = []

    def show_state(self, state: StageState) -> None:
        self.prompt.setText(state.prompt)
        self._shown = self._cards.take(len(state.choices))
        for card, choice in zip(self._shown, state.choices, strict=True):
            card.show_choice(choice)
            card.set_colours(self._colours)

    def head_blocks(self) -> list[Block]:
        return [self.prompt]

    def grid_blocks(self) -> list[Block]:
        return list(self._shown)

    def every_part(self) -> list[Block]:
        return [self.prompt, *self._cards.items]


class TallyPage(Page):
    """The question and the room's votes as a bar chart."""

    max_grow = 1.0

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = Text(self, factor=0.8, tone=MUTED, bold=True)
        self.chart = TallyChart(self)

    def show_state(self, state: StageState) -> None:
        self.prompt.setText(state.prompt)
        if state.tally is not None:
            self.chart.show_tally(state.tally, state.choices)

    def set_px(self, px: int) -> None:
        self.px = px
        self.prompt.set_px(px)
        self.chart.set_px(px)

    def head_blocks(self) -> list[Block]:
        return [self.prompt, self.chart]


class FeedbackPage(Page):
    """The feedback on the response followed, or on every response when all are revealed."""

    max_columns = 2

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.prompt = Text(self, factor=0.8, tone=MUTED, bold=True)
        self._cards = Pool(self, FeedbackCard)
        self._shown: list[FeedbackCard] = []

    def show_state(self, state: StageState) -> None:
        self.prompt.setText(state.prompt)
        self._shown = self._cards.take(len(state.feedback))
        for card, fb in zip(self._shown, state.feedback, strict=True):
            card.set_colours(self._colours)
            # One or two cards have room to quote the response; more drop it (FeedbackCard).
            card.show_feedback(fb, self._colours,
                               quote=len(state.feedback) <= 2)

    def head_blocks(self) -> list[Block]:
        return [self.prompt]

    def grid_blocks(self) -> list[Block]:
        return list(self._shown)

    def every_part(self) -> list[Block]:
        return [self.prompt, *self._cards.items]


class EndingPage(Page):
    """The ending: its title, text and debrief, and the path the room took to it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.kicker = Text(self, factor=0.6, tone=MUTED, bold=True)
        self.title = Text(self, factor=1.25, tone=ACCENT, bold=True)
        self.text = Text(self, factor=0.85)
        self.debrief = Text(self, factor=0.85)
        self.path_heading = Text(self, factor=0.66, tone=MUTED, bold=True)
        self._lines = Pool(self, LineBlock)
        self._path = Pool(self, lambda parent: Text(parent, factor=0.72))
        self._shown_lines: list[LineBlock] = []
        self._shown_path: list[Text] = []

    def show_state(self, state: StageState) -> None:
        self.kicker.setText("Ending")
        self.title.setText(state.ending_title)
        self.text.setText(state.text_html)
        self.debrief.setText(state.ending_html)
        self._shown_lines = self._lines.take(len(state.lines))
        for block, line in zip(self._shown_lines, state.lines, strict=True):
            block.show_line(line)
            block.set_colours(self._colours)
        # Empty text measures 0, so without a path the heading takes no room.
        self.path_heading.setText("The room's path" if state.group_path else "")
        self._shown_path = self._path.take(len(state.group_path))
        for label, item in zip(self._shown_path, state.group_path, strict=True):
            label.setText(_path_html(item, self._colours))
            label.set_colours(self._colours)

    def head_blocks(self) -> list[Block]:
        return [self.kicker, self.title, self.text, *self._shown_lines, self.debrief,
                self.path_heading, *self._shown_path]

    def every_part(self) -> list[Block]:
        return [self.kicker, self.title, self.text, self.debrief, self.path_heading,
                *self._lines.items, *self._path.items]


def _path_html(item: PathItem, c: Colours) -> str:
    colour = (c.peer if item.is_peer else c.drift).name()
    return (f"<b>{item.letter}</b>&nbsp; <span style='color:{colour}'><b>{item.role_symbol}"
            f"&nbsp;{item.role_label}</b></span> — {item.choice_html}")
