"""The debrief at an ending: path, each decision beside its alternatives, tallies, reflections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from peerscenarios.app.order import shown_choices
from peerscenarios.core.engine import Mode, Summary
from peerscenarios.core.markup import to_html, to_plain
from peerscenarios.core.model import Choice, Node
from peerscenarios.core.taxonomy import COMPETENCIES, ROLE_INFO
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.theme import Colours, role_colour
from peerscenarios.ui.widgets.common import ButtonRow, heading
from peerscenarios.ui.widgets.richtext import InertBrowser, esc, role_badge_html

if TYPE_CHECKING:
    from peerscenarios.storage import ReflectionRecord


def _situation(node: Node) -> str:
    """A short reminder of the moment of a decision: its last speaker line, else its text."""
    if node.lines:
        line = node.lines[-1]
        return f"<b>{esc(line.speaker)}:</b> “{esc(to_plain(line.text))}”"
    text = to_plain(node.text)
    # Cut at a word near 240 characters: a reminder of the moment, not the scene again.
    return esc(text if len(text) < 240 else text[:237].rsplit(" ", 1)[0] + "…")


def _choice_cell(choice: Choice, colours: Colours, *, label: str) -> str:
    colour = role_colour(colours, choice.role)
    better = (f"<p><b>Better:</b> {esc(to_plain(choice.feedback.better))}</p>"
              if choice.feedback.better.strip() else "")
    return (f'<td width="33%" valign="top" style="border: 2px solid {colour}; padding: 8px;">'
            f"<p><b><i>{esc(label)}</i></b></p>"
            f"<p>“{esc(to_plain(choice.text))}”</p>"
            f'<p style="color: {colour};">{role_badge_html(choice.role)}</p>'
            f"<p>{esc(to_plain(choice.feedback.why))}</p>{better}</td>")


def debrief_html(summary: Summary, reflections: tuple[ReflectionRecord, ...],
                 colours: Colours, order_seed: int | None = None) -> str:
    """The whole debrief as inert HTML (scenario text is escaped or rendered by markup)."""
    sc = summary.scenario
    ending = summary.ending
    out = []
    if ending.ending is not None:
        out.append(f"<h2>{esc(ending.ending.title)}</h2>{to_html(ending.ending.debrief)}")

    # Role tally: symbols and words, with the counts, never colour alone.
    total = sum(n for _, n in summary.role_tally)
    tally_rows = "".join(
        f"<tr><td>{role_badge_html(r)}</td><td align='right'>&nbsp;{n}&nbsp;</td></tr>"
        for r, n in summary.role_tally)
    out.append(f"<h2>Your responses</h2><p>{total} decision{'s' if total != 1 else ''}, "
               f"{summary.drift_count} drifted from the peer role.</p>"
               f"<table cellpadding='4'>{tally_rows}</table>")

    if summary.competency_totals:
        comp_rows = "".join(
            f"<tr><td>{n}. {esc(COMPETENCIES[n].title)}</td>"
            f"<td align='right'>&nbsp;{v:+d}&nbsp;</td></tr>"
            # A number the taxonomy no longer has (an old file) is left out, not shown bare.
            for n, v in summary.competency_totals.items() if n in COMPETENCIES)
        out.append("<h2>Competency profile for this attempt</h2>"
                   "<p>How your choices practised each core competency "
                   "(above zero: strengthened; below: worked against it).</p>"
                   f"<table cellpadding='4'>{comp_rows}</table>")

    out.append("<h2>Your path, decision by decision</h2>"
               "<p>What you chose, and what the other responses would have brought.</p>")
    for i, review in enumerate(summary.decisions, 1):
        out.append(f"<h3>Decision {i}</h3><p>{_situation(review.node)}</p>")
        if review.tried_first:
            tried = "; ".join(f"“{esc(to_plain(c.text))}” ({esc(ROLE_INFO[c.role].label)})"
                              for c in review.tried_first)
            out.append(f"<p><i>You first tried, then stepped back from:</i> {tried}</p>")
        cells = [_choice_cell(review.chosen, colours, label="You chose")]
        # The alternatives in the order they were on screen, as the trainee remembers them.
        others = [c for c in shown_choices(review.node, order_seed) if c.id != review.chosen.id]
        cells += [_choice_cell(c, colours, label="What if you had said…") for c in others]
        # Three across at most, so each column stays readable.
        rows = ["".join(cells[j:j + 3]) for j in range(0, len(cells), 3)]
        out.append("<table width='100%' cellspacing='6'>"
                   + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>")

    prompts = {p.id: p.prompt for n in sc.iter_nodes() for p in n.reflect}
    out.append("<h2>Your reflections</h2>")
    if reflections:
        for r in reflections:
            question = prompts.get(r.prompt_id, r.prompt_id)
            body = "".join(f"<p>{esc(para)}</p>" for para in r.text.split("\n\n") if para.strip())
            out.append(f"<p><b>{esc(to_plain(question))}</b></p>{body}")
    else:
        out.append("<p>You did not keep a reflection this time.</p>")
    return "".join(out)


class DebriefScreen(QWidget):
    """Shows a finished attempt's debrief; offers to play again or go back."""

    play_again_requested = Signal(object, str)  # Scenario, mode
    library_requested = Signal()
    history_requested = Signal(int)  # attempt id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        self.summary: Summary | None = None
        self.attempt_id = 0
        self._mode = Mode.PRACTICE
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = heading("Debrief", self)
        layout.addWidget(self.title)
        self.view = InertBrowser(self)
        self.view.setAccessibleName("Debrief")
        layout.addWidget(self.view, 1)
        self.library_button = QPushButton("Back to the library", self)
        self.history_button = QPushButton("See it in my history", self)
        self.history_button.setAccessibleDescription("This attempt in my history")
        self.again_button = QPushButton("Play again", self)
        self.again_button.setObjectName("primary")
        self.again_button.setAccessibleDescription("Play this scenario again")
        layout.addWidget(ButtonRow(self, [self.library_button, self.history_button],
                                   [self.again_button]))
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.again_button.clicked.connect(self.on_again_button_clicked)
        self.library_button.clicked.connect(self.library_requested)
        self.history_button.clicked.connect(self.on_history_button_clicked)

    def show_summary(self, attempt_id: int, summary: Summary) -> None:
        """Render the debrief of a just-finished attempt."""
        self.summary = summary
        self.attempt_id = attempt_id
        attempt = self.ctx.storage.get_attempt(attempt_id)
        # Play again keeps this attempt's mode: an assessment is repeated as one.
        self._mode = Mode(attempt.mode.value)
        reflections = self.ctx.storage.attempt_detail(attempt_id).reflections
        self.title.setText(f"Debrief: {summary.scenario.title}")
        self.view.setHtml(debrief_html(summary, reflections, self.ctx.colours,
                                       attempt.order_seed))
        self.view.verticalScrollBar().setValue(0)  # not where the last debrief was left

    def focus_first(self) -> None:
        """Focus the debrief itself: a stray Enter or Space must not start the scenario again."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def on_again_button_clicked(self) -> None:
        if self.summary is not None:
            self.play_again_requested.emit(self.summary.scenario, self._mode.value)

    @Slot()
    def on_history_button_clicked(self) -> None:
        self.history_requested.emit(self.attempt_id)
