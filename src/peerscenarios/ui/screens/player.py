"""The player: draws the phase model's views (story, responses, feedback, reflection, ending).

All decisions about what comes next live in :class:`peerscenarios.app.player.PlayerModel`;
this screen renders each ``PlayerView`` it returns and turns clicks and keys
into calls on it. Focus lands on the page's first meaningful element at
every change (the story at a decision, never a response), so a key press
that opened the page cannot also answer on it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.player import Phase, PlayerModel, PlayerView, ReflectionAnswer
from peerscenarios.app.training import Playthrough, Training
from peerscenarios.core.engine import Mode
from peerscenarios.core.markup import to_html
from peerscenarios.core.model import Node, Scenario
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.screens.warnings import MAX_TEXT_WIDTH, WarningsPage
from peerscenarios.ui.widgets.announce import announce
from peerscenarios.ui.widgets.choice_button import ChoiceButton
from peerscenarios.ui.widgets.common import PlacedWidget, heading, reading_label
from peerscenarios.ui.widgets.feedback_panel import FeedbackPanel
from peerscenarios.ui.widgets.reflection import ReflectionPanel
from peerscenarios.ui.widgets.richtext import rich_label


def node_html(node: Node) -> str:
    """The node's narrative and speaker lines as inert HTML."""
    parts = [to_html(node.text)] if node.text.strip() else []
    for line in node.lines:
        parts.append(to_html(f"**{line.speaker}:** “{line.text.strip()}”"))
    return "".join(parts)


def keys_hint(count: int) -> str:
    """The line above the responses: how many there are and which keys pick them."""
    keys = "1" if count == 1 else f"1 to {count}"
    return f"What do you say? Press {keys}, or click a response."


class PlayerScreen(QWidget):
    """Plays one attempt; emits ``finished`` with the debrief summary at its ending."""

    paused = Signal()
    skipped = Signal()
    finished = Signal(int, object)  # attempt id, engine.Summary
    attempt_started = Signal(int)  # attempt id

    def __init__(self, ctx: AppContext, training: Callable[[], Training],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        self._training = training
        self.model = PlayerModel()
        self.choice_buttons: list[ChoiceButton] = []
        # The attempt the window was last told about (attempt_started fires once each).
        self._announced: int | None = None
        self._build()
        self._connect_signals()

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        # Title and Pause on one row, where the progress and mode go under the title:
        # at the largest text on a small screen three labels in one row were cut off.
        bar = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = heading("", self)
        titles.addWidget(self.title_label)
        self.progress_label = QLabel("", self)
        self.progress_label.setObjectName("muted")
        self.progress_label.setWordWrap(True)
        titles.addWidget(self.progress_label)
        bar.addLayout(titles, 1)
        self.mode_label = QLabel("", self)  # kept for the wording; shown inside progress_label
        self.mode_label.hide()
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setAccessibleDescription("Go back to the library; your place is kept")
        self.pause_button.setToolTip("Your place is kept; pick it up again any time.")
        bar.addWidget(self.pause_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.warnings_page = WarningsPage(self.stack)
        self.stack.addWidget(self.warnings_page)
        self.stack.addWidget(self._build_play_page())
        outer.addWidget(self.stack, 1)
        # Keys 1-9 answer wherever focus is on this page (or in the navigation beside it);
        # a shortcut of a hidden page never fires, and held keys do not repeat.
        self._number_keys = []
        for n in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(n)), self)
            shortcut.setAutoRepeat(False)
            shortcut.activated.connect(partial(self.choose_number, n))
            self._number_keys.append(shortcut)

    def _build_play_page(self) -> QScrollArea:
        # Named scroll_area, never scroll: that would hide QWidget.scroll().
        self.scroll_area = QScrollArea(self.stack)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # The area itself is no tab stop: its content (story, responses) is.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # A scroll bar that came and went with the feedback panel would change the
        # text width, so every paragraph above would re-wrap and jump on each choice.
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        # Its width comes from the scroll area; see PlacedSizeHint.
        holder = PlacedWidget()
        holder.setObjectName("page")
        hold = QHBoxLayout(holder)
        hold.setContentsMargins(8, 8, 8, 8)
        content = self._content = QWidget(holder)
        content.setMaximumWidth(MAX_TEXT_WIDTH)
        col = QVBoxLayout(content)
        col.setSpacing(14)
        self.node_note = QLabel("", content)
        self.node_note.setWordWrap(True)
        self.node_note.setObjectName("muted")
        col.addWidget(self.node_note)
        self.story = reading_label(content)
        col.addWidget(self.story)
        self.context_label = reading_label(content)
        col.addWidget(self.context_label)
        self.choices_label = QLabel("", content)
        self.choices_label.setObjectName("subheading")
        self.choices_label.setWordWrap(True)
        col.addWidget(self.choices_label)
        self.choices_box = QVBoxLayout()
        self.choices_box.setSpacing(10)
        col.addLayout(self.choices_box)
        self.feedback = FeedbackPanel(content)
        col.addWidget(self.feedback)
        self.ending_frame = QFrame(content)
        self.ending_frame.setObjectName("card")
        end_layout = QVBoxLayout(self.ending_frame)
        end_layout.setContentsMargins(14, 10, 14, 10)
        self.ending_title = heading("", self.ending_frame, level=2)
        self.ending_text = rich_label("", self.ending_frame)
        end_layout.addWidget(self.ending_title)
        end_layout.addWidget(self.ending_text)
        col.addWidget(self.ending_frame)
        self.reflection = ReflectionPanel(content)
        col.addWidget(self.reflection)
        row = QHBoxLayout()
        row.addStretch(1)
        self.continue_button = QPushButton("Continue", content)
        self.continue_button.setObjectName("primary")
        row.addWidget(self.continue_button)
        col.addLayout(row)
        col.addStretch(1)
        # Stretches either side centre the column once it reaches its maximum width.
        hold.addStretch(1)
        hold.addWidget(content, 100)
        hold.addStretch(1)
        self.scroll_area.setWidget(holder)
        return self.scroll_area

    def _connect_signals(self) -> None:
        self.pause_button.clicked.connect(self.on_pause_button_clicked)
        self.warnings_page.start_requested.connect(self.on_warnings_page_start_requested)
        self.warnings_page.skip_requested.connect(self.on_warnings_page_skip_requested)
        self.feedback.continue_requested.connect(self.on_feedback_continue_requested)
        self.feedback.step_back_requested.connect(self.on_feedback_step_back_requested)
        self.continue_button.clicked.connect(self.on_continue_button_clicked)
        self.reflection.done.connect(self.on_reflection_done)
        self.reflection.draft_ready.connect(self.on_reflection_draft_ready)
        self.reflection.draft_dropped.connect(self.on_reflection_draft_dropped)

    # ------------------------------------------------------------ entry points

    @property
    def active(self) -> bool:
        """True while an attempt is open here (playing or paused)."""
        return self.model.active

    @property
    def playthrough(self) -> Playthrough | None:
        """The attempt open here, if any."""
        return self.model.playthrough

    @property
    def phase(self) -> Phase | None:
        """The phase on screen."""
        return self.model.phase

    def begin(self, scenario: Scenario, mode: Mode) -> None:
        """Start a scenario: its content warnings first if it has any."""
        self._show(self.model.open(self._training(), scenario, mode))

    def resume(self, playthrough: Playthrough) -> None:
        """Show a paused attempt again, drafts included."""
        self._show(self.model.resume(playthrough))

    def pause(self) -> None:
        """Write any pending draft; the attempt stays in progress."""
        if self.model.active:
            self.reflection.flush()

    def close_attempt(self) -> None:
        """Let go of the attempt on screen (after pausing it, or when it was set aside)."""
        self.pause()
        self.model.close()
        self._announced = None

    def focus_current(self) -> None:
        """Focus the first thing to read or act on in the phase shown (the page came back)."""
        phase = self.model.phase
        if phase is Phase.WARNINGS:
            self.warnings_page.focus_text()
        elif phase is Phase.DECISION:
            self.story.setFocus(Qt.FocusReason.OtherFocusReason)
        elif phase is Phase.FEEDBACK:
            self.feedback.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif phase is Phase.REFLECT:
            self.reflection.focus_first()
        elif phase in (Phase.NARRATIVE, Phase.ENDING):
            self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def choose_number(self, number: int) -> bool:
        """Pick the response shown with ``number`` (keys 1-9); False if there is none here."""
        if self.model.phase is not Phase.DECISION or not 1 <= number <= len(self.choice_buttons):
            return False
        self.choice_buttons[number - 1].click()
        return True

    # --------------------------------------------------------------- rendering

    def _show(self, view: PlayerView) -> None:
        """Draw one view of the phase model."""
        if view.phase is Phase.DONE:
            assert view.attempt_id is not None
            self.finished.emit(view.attempt_id, view.summary)
            return
        self._set_header(view)
        if view.phase is Phase.WARNINGS:
            self.pause_button.hide()
            self.warnings_page.show_warnings(view.scenario, view.warnings)
            # Focus first (Qt keeps it for a hidden page), then the switch: the focused
            # widget of the outgoing page is never hidden with nowhere to send focus.
            self.warnings_page.focus_text()
            self.stack.setCurrentWidget(self.warnings_page)
            return
        self.pause_button.show()
        if view.phase is Phase.FEEDBACK:
            self._show_feedback(view)
        else:
            self._show_node(view)
        if self.stack.currentWidget() is not self.scroll_area:
            self.stack.setCurrentWidget(self.scroll_area)
            self.focus_current()
        if view.attempt_id is not None and view.attempt_id != self._announced:
            self._announced = view.attempt_id
            self.attempt_started.emit(view.attempt_id)

    def _set_header(self, view: PlayerView) -> None:
        self.title_label.setText(view.scenario.title)
        mode = "Practice mode" if view.mode is Mode.PRACTICE else "Assessment mode"
        self.mode_label.setText(mode)
        self.progress_label.setText(" · ".join(p for p in (view.progress, mode) if p))

    def _clear_choices(self) -> None:
        self._remove(self.choice_buttons)
        self.choice_buttons = []

    def _remove(self, buttons: list[ChoiceButton]) -> None:
        for b in buttons:
            # Never setParent(None): that would make each one a top-level window.
            b.hide()
            self.choices_box.removeWidget(b)
            b.deleteLater()

    def _show_node(self, view: PlayerView) -> None:
        """Draw a node's phase. New parts are shown and focused before old ones are hidden:
        hiding the focused widget first would send focus to the navigation for a moment,
        and a screen reader would announce it."""
        node = view.node
        assert node is not None
        old_choices = self.choice_buttons
        self.choice_buttons = []
        self.story.setVisible(view.show_story)
        self.node_note.setVisible(bool(node.content_warnings) and view.show_story)
        self.node_note.setText("Content note: " + ", ".join(node.content_warnings))
        self.story.setText(node_html(node))
        said = "".join(to_html(f"**{ln.speaker}** said: “{ln.text.strip()}”")
                       for ln in view.context)
        self.context_label.setText(said)
        self.context_label.setVisible(bool(said))
        self.choices_label.setVisible(bool(view.choices))
        self.choices_label.setText(keys_hint(len(view.choices)))
        ending = node.ending
        self.ending_frame.setVisible(ending is not None)
        if ending is not None:
            self.ending_title.setText(ending.title)
            self.ending_text.setText(to_html(ending.debrief))
        for shown in view.choices:
            button = ChoiceButton(shown.number, shown.choice, self._content)
            button.clicked.connect(self.on_choice_button_clicked)
            self.choices_box.addWidget(button)
            # Shown now, not on the layout's queued show: a screen reader (and the
            # next key press) must find the responses the moment the page changes.
            button.show()
            self.choice_buttons.append(button)
        if view.phase is Phase.REFLECT:
            self.reflection.set_prompts(list(view.prompts), button_text=view.prompt_button)
            self.reflection.show()
            self.reflection.focus_first()
            self._hide_old(old_choices, keep_reflection=True)
            self.continue_button.hide()
            self.scroll_area.ensureWidgetVisible(self.reflection)
            return
        if view.phase in (Phase.NARRATIVE, Phase.ENDING):
            self.continue_button.setText(view.continue_label)
            self.continue_button.show()
            self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
            self._hide_old(old_choices)
        else:
            # The story, never a response: the answer must not sit under the cursor.
            self.story.setFocus(Qt.FocusReason.OtherFocusReason)
            self._hide_old(old_choices)
            self.continue_button.hide()
            if view.progress:
                announce(self.progress_label, view.progress)
        self.scroll_area.verticalScrollBar().setValue(0)

    def _hide_old(self, old_choices: list[ChoiceButton], *, keep_reflection: bool = False) -> None:
        """Hide what the previous phase showed (called once focus is on the new page)."""
        self.feedback.hide()
        if not keep_reflection:
            self.reflection.hide()
        self._remove(old_choices)

    def _show_feedback(self, view: PlayerView) -> None:
        assert view.outcome is not None
        self.feedback.show_outcome(view.outcome, can_step_back=view.can_step_back,
                                   colours=self.ctx.colours)
        self.feedback.show()
        announce(self.feedback, self.feedback.spoken(view.outcome))
        # Focus moves to Continue before the choice buttons go: removing the focused
        # button first would send focus wandering (and repaint the whole window).
        self.feedback.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._clear_choices()
        self.choices_label.hide()
        self.context_label.hide()
        self._scroll_to_top_of(self.feedback)

    def _scroll_to_top_of(self, widget: QWidget) -> None:
        """Bring ``widget``'s top into view: its beginning is what is read first.

        (``ensureWidgetVisible`` shows the bottom of a panel taller than the view,
        which at the largest text put the feedback's first lines out of sight.)
        """
        layout = self._content.layout()
        if layout is not None:
            layout.activate()  # the panel was just shown: place it before measuring
        holder = self.scroll_area.widget()
        if holder is None:
            return
        top = widget.mapTo(holder, widget.rect().topLeft()).y()
        bar = self.scroll_area.verticalScrollBar()
        if widget.height() > self.scroll_area.viewport().height():
            bar.setValue(min(bar.maximum(), max(0, top - 8)))
        else:
            self.scroll_area.ensureWidgetVisible(widget)

    # ------------------------------------------------------------------ slots

    @Slot()
    def on_choice_button_clicked(self) -> None:
        button = self.sender()
        if not isinstance(button, ChoiceButton) or self.model.phase is not Phase.DECISION:
            return
        self._show(self.model.choose(button.choice.id))

    @Slot()
    def on_feedback_continue_requested(self) -> None:
        if self.model.phase is Phase.FEEDBACK:
            self._show(self.model.go_on())

    @Slot()
    def on_feedback_step_back_requested(self) -> None:
        if self.model.phase is Phase.FEEDBACK:
            self._show(self.model.step_back())

    @Slot()
    def on_continue_button_clicked(self) -> None:
        if self.model.phase in (Phase.NARRATIVE, Phase.ENDING):
            self._show(self.model.go_on())

    @Slot()
    def on_reflection_done(self) -> None:
        if self.model.phase is not Phase.REFLECT:
            return
        answers = [ReflectionAnswer(ed.prompt_id, ed.text, ed.keep)
                   for ed in self.reflection.editors]
        # The panel goes once the next page has focus (see _show_node).
        self._show(self.model.reflection_done(answers))

    @Slot(str, str)
    def on_reflection_draft_ready(self, prompt_id: str, text: str) -> None:
        if self.model.active:
            self.model.save_draft(prompt_id, text)

    @Slot(str)
    def on_reflection_draft_dropped(self, prompt_id: str) -> None:
        if self.model.active:
            self.model.discard_draft(prompt_id)

    @Slot()
    def on_pause_button_clicked(self) -> None:
        self.pause()
        self.paused.emit()

    @Slot()
    def on_warnings_page_start_requested(self) -> None:
        if self.model.phase is Phase.WARNINGS:
            self._show(self.model.accept_warnings(self._training()))

    @Slot()
    def on_warnings_page_skip_requested(self) -> None:
        self.model.skip()
        self.skipped.emit()

