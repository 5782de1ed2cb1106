"""The player: content warnings, story and speaker lines, choices, feedback, reflection, ending."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
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

from peerscenarios.app.training import PendingPrompt, Playthrough
from peerscenarios.core.engine import Mode
from peerscenarios.core.markup import to_html
from peerscenarios.core.model import Node, Scenario
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.widgets.panels import ChoiceButton, FeedbackPanel, ReflectionPanel, heading
from peerscenarios.ui.widgets.richtext import esc, rich_label

if TYPE_CHECKING:
    from peerscenarios.storage import AttemptRecord

# Reading is easier on a wide screen when lines stay this wide at most.
MAX_TEXT_WIDTH = 980
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


class Phase(Enum):
    """What the play page is showing."""

    WARNINGS = "warnings"
    DECISION = "decision"
    FEEDBACK = "feedback"
    NARRATIVE = "narrative"
    REFLECT = "reflect"
    ENDING = "ending"


def node_html(node: Node) -> str:
    """The node's narrative and speaker lines as inert HTML."""
    parts = [to_html(node.text)] if node.text.strip() else []
    for line in node.lines:
        parts.append(to_html(f"**{line.speaker}:** “{line.text.strip()}”"))
    return "".join(parts)


class WarningsPage(QWidget):
    """Content warnings before a scenario starts, with the option to skip it."""

    start_requested = Signal()
    skip_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        column = QVBoxLayout()
        self.title = heading("Before you start", self)
        column.addWidget(self.title)
        self.text = rich_label("", self)
        column.addWidget(self.text)
        row = QHBoxLayout()
        self.start_button = QPushButton("Start the scenario", self)
        self.start_button.setObjectName("primary")
        self.start_button.setAccessibleName("Start the scenario")
        self.skip_button = QPushButton("Skip this one", self)
        self.skip_button.setAccessibleName("Skip this scenario and go back to the library")
        row.addWidget(self.skip_button)
        row.addStretch(1)
        row.addWidget(self.start_button)
        column.addLayout(row)
        column.addStretch(1)
        frame = QWidget(self)
        frame.setLayout(column)
        frame.setMaximumWidth(MAX_TEXT_WIDTH)
        row2 = QHBoxLayout()
        row2.addStretch(1)
        row2.addWidget(frame, 100)
        row2.addStretch(1)
        outer.addLayout(row2, 1)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.start_button.clicked.connect(self.start_requested)
        self.skip_button.clicked.connect(self.skip_requested)

    def show_warnings(self, scenario: Scenario, warnings: list[str]) -> None:
        """Fill in the scenario's warnings."""
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        self.text.setText(
            f"<p><b>{esc(scenario.title)}</b> touches on:</p><ul>{items}</ul>"
            "<p>Take the time you need. You can pause at any moment, and nothing is "
            "timed. If today is not the day for this one, skip it: that is a choice "
            "a good peer worker respects, in others and in themselves.</p>")
        self.text.setAccessibleName("Content warnings: " + ", ".join(warnings))


class PlayerScreen(QWidget):
    """Plays one attempt; emits ``finished`` with the debrief summary at its ending."""

    paused = Signal()
    skipped = Signal()
    finished = Signal(int, object)  # attempt id, engine.Summary
    attempt_started = Signal(int)  # attempt id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        self.playthrough: Playthrough | None = None
        self.phase = Phase.WARNINGS
        self._pending_scenario: Scenario | None = None
        self._pending_mode = Mode.PRACTICE
        self._after_reflection: Callable[[], None] | None = None
        self.choice_buttons: list[ChoiceButton] = []
        self._decided_node: Node | None = None
        self._build()
        self._connect_signals()

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        bar = QHBoxLayout()
        self.title_label = heading("", self)
        bar.addWidget(self.title_label, 1)
        self.mode_label = QLabel("", self)
        self.mode_label.setObjectName("muted")
        bar.addWidget(self.mode_label)
        self.pause_button = QPushButton("Pause", self)
        self.pause_button.setAccessibleName("Pause and go back to the library")
        self.pause_button.setToolTip("Your place is kept; pick it up again any time.")
        bar.addWidget(self.pause_button)
        outer.addLayout(bar)

        self.stack = QStackedWidget(self)
        self.warnings_page = WarningsPage(self.stack)
        self.stack.addWidget(self.warnings_page)

        self.scroll = QScrollArea(self.stack)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A scroll bar that came and went with the feedback panel would change the
        # text width, so every paragraph above would re-wrap and jump on each choice.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        holder = QWidget()
        holder.setObjectName("page")
        hold = QHBoxLayout(holder)
        hold.setContentsMargins(8, 8, 8, 8)
        content = QWidget(holder)
        content.setMaximumWidth(MAX_TEXT_WIDTH)
        col = QVBoxLayout(content)
        col.setSpacing(14)
        self.node_note = QLabel("", content)
        self.node_note.setWordWrap(True)
        self.node_note.setObjectName("muted")
        col.addWidget(self.node_note)
        self.story = rich_label("", content)
        self.story.setAccessibleName("Story")
        col.addWidget(self.story)
        self.choices_label = QLabel("What do you say? (press 1 to 9, or click)", content)
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
        self.continue_button.setAccessibleName("Continue")
        row.addWidget(self.continue_button)
        col.addLayout(row)
        col.addStretch(1)
        # Stretches either side centre the column once it reaches its maximum width.
        hold.addStretch(1)
        hold.addWidget(content, 100)
        hold.addStretch(1)
        self.scroll.setWidget(holder)
        self.stack.addWidget(self.scroll)
        outer.addWidget(self.stack, 1)

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
        """True while an attempt is in progress here (playing or paused)."""
        return self.playthrough is not None

    def begin(self, scenario: Scenario, mode: Mode) -> None:
        """Start a scenario: its content warnings first if it has any."""
        self._pending_scenario = scenario
        self._pending_mode = mode
        self._set_header(scenario, mode)
        warnings = list(dict.fromkeys(
            [*scenario.content_warnings,
             *(w for n in scenario.iter_nodes() for w in n.content_warnings)]))
        if warnings:
            self.phase = Phase.WARNINGS
            self.pause_button.hide()
            self.warnings_page.show_warnings(scenario, warnings)
            self.stack.setCurrentWidget(self.warnings_page)
            self.warnings_page.start_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._start_attempt()

    def resume(self, attempt: AttemptRecord, scenario: Scenario) -> None:
        """Pick an unfinished attempt up again, drafts included (EngineError if it cannot)."""
        self.playthrough = Playthrough.resume(self.ctx.storage, attempt, scenario)
        self._set_header(scenario, self.playthrough.mode)
        self.stack.setCurrentWidget(self.scroll)
        self.pause_button.show()
        self.attempt_started.emit(attempt.id)
        orphans = self.playthrough.orphan_drafts()
        if orphans:
            self._render_node(show_story=False)
            self._reflect(orphans, "Save and continue", self._render_node)
        else:
            self._render_node()

    def abandon(self) -> None:
        """Set a paused attempt aside (before starting another one)."""
        if self.playthrough is not None:
            self.reflection.flush()
            self.playthrough.abandon()
            self.playthrough = None

    def pause(self) -> None:
        """Keep the attempt unfinished and write any pending draft."""
        self.reflection.flush()

    # --------------------------------------------------------------- rendering

    def _set_header(self, scenario: Scenario, mode: Mode) -> None:
        self.title_label.setText(scenario.title)
        self.title_label.setAccessibleName(f"Scenario: {scenario.title}")
        self.mode_label.setText("Practice mode" if mode is Mode.PRACTICE
                                else "Assessment mode")

    def _start_attempt(self) -> None:
        assert self._pending_scenario is not None
        self.playthrough = Playthrough.begin(self.ctx.storage, self.ctx.profile_id,
                                             self._pending_scenario, self._pending_mode)
        self._pending_scenario = None
        self.pause_button.show()
        self.stack.setCurrentWidget(self.scroll)
        self.attempt_started.emit(self.playthrough.attempt.id)
        self._render_node()

    def _clear_choices(self) -> None:
        for b in self.choice_buttons:
            # Never setParent(None): that would make each one a top-level window.
            b.hide()
            self.choices_box.removeWidget(b)
            b.deleteLater()
        self.choice_buttons = []

    def _render_node(self, *, show_story: bool = True) -> None:
        pt = self.playthrough
        assert pt is not None
        node = pt.node
        self._clear_choices()
        self.feedback.hide()
        self.reflection.hide()
        self.ending_frame.hide()
        self.story.setVisible(show_story)
        self.node_note.setVisible(bool(node.content_warnings) and show_story)
        self.node_note.setText("Content note: " + ", ".join(node.content_warnings))
        self.story.setText(node_html(node))
        self.choices_label.setVisible(bool(node.choices))
        if node.choices:
            self.phase = Phase.DECISION
            self.continue_button.hide()
            for i, choice in enumerate(node.choices[:9], 1):
                button = ChoiceButton(i, choice, self)
                button.clicked.connect(self.on_choice_button_clicked)
                self.choices_box.addWidget(button)
                self.choice_buttons.append(button)
            self.choice_buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)
        elif node.ending is not None:
            self.phase = Phase.ENDING
            self.ending_title.setText(node.ending.title)
            self.ending_text.setText(to_html(node.ending.debrief))
            self.ending_frame.show()
            prompts = pt.prompts_for(node)
            if prompts:
                self.continue_button.hide()
                self._reflect(prompts, "Save and see the debrief", self._finish)
            else:
                self.continue_button.setText("See the debrief")
                self.continue_button.setAccessibleName("See the debrief")
                self.continue_button.show()
                self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.phase = Phase.NARRATIVE
            self.continue_button.setText("Continue")
            self.continue_button.setAccessibleName("Continue")
            self.continue_button.show()
            self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll.verticalScrollBar().setValue(0)

    def _reflect(self, prompts: list[PendingPrompt], button_text: str,
                 then: Callable[[], None]) -> None:
        self.phase = Phase.REFLECT if self.phase is not Phase.ENDING else Phase.ENDING
        self.continue_button.hide()
        self.reflection.set_prompts(prompts, button_text=button_text)
        self.reflection.show()
        self._after_reflection = then
        self.reflection.focus_first()
        self.scroll.ensureWidgetVisible(self.reflection)

    def _finish(self) -> None:
        pt = self.playthrough
        assert pt is not None
        summary = pt.finish()
        self.playthrough = None
        self.finished.emit(pt.attempt.id, summary)

    def _go_on(self) -> None:
        """After the feedback (and any reflection) of a decision: show the next node."""
        self._render_node()

    # ------------------------------------------------------------------ keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        number = _DIGIT_KEYS.get(Qt.Key(event.key()))
        if (number is not None and self.phase is Phase.DECISION
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and number <= len(self.choice_buttons)):
            self.choice_buttons[number - 1].click()
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ slots

    @Slot()
    def on_choice_button_clicked(self) -> None:
        button = self.sender()
        pt = self.playthrough
        if not isinstance(button, ChoiceButton) or pt is None or self.phase is not Phase.DECISION:
            return
        decided = pt.node
        outcome = pt.choose(button.choice.id)
        self._decided_node = decided
        self.phase = Phase.FEEDBACK
        self.feedback.show_outcome(outcome, can_step_back=pt.can_step_back,
                                   colours=self.ctx.colours)
        self.feedback.show()
        # Focus moves to Continue before the choice buttons go: removing the focused
        # button first would send focus wandering (and repaint the whole window).
        self.feedback.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._clear_choices()
        self.choices_label.hide()
        self.scroll.ensureWidgetVisible(self.feedback)

    @Slot()
    def on_feedback_continue_requested(self) -> None:
        pt = self.playthrough
        if pt is None:
            return
        self.feedback.hide()
        prompts = pt.prompts_for(self._decided_node) if self._decided_node else []
        if prompts:
            self._reflect(prompts, "Save and continue", self._go_on)
        else:
            self._go_on()

    @Slot()
    def on_feedback_step_back_requested(self) -> None:
        if self.playthrough is None:
            return
        self.playthrough.step_back()
        self._render_node()

    @Slot()
    def on_continue_button_clicked(self) -> None:
        pt = self.playthrough
        if pt is None:
            return
        if self.phase is Phase.ENDING:
            self._finish()
            return
        node = pt.node
        prompts = pt.prompts_for(node)
        if prompts and not self.reflection.isVisible():
            def advance() -> None:
                pt.advance()
                self._render_node()
            self._reflect(prompts, "Save and continue", advance)
            return
        pt.advance()
        self._render_node()

    @Slot()
    def on_reflection_done(self) -> None:
        pt = self.playthrough
        if pt is None:
            return
        for ed in self.reflection.editors:
            text = ed.text.strip()
            if ed.keep and text:
                pt.save_reflection(ed.prompt_id, ed.text)
            else:
                pt.discard_draft(ed.prompt_id)
        then, self._after_reflection = self._after_reflection, None
        self.reflection.hide()
        if then is not None:
            then()

    @Slot(str, str)
    def on_reflection_draft_ready(self, prompt_id: str, text: str) -> None:
        if self.playthrough is not None:
            self.playthrough.save_draft(prompt_id, text)

    @Slot(str)
    def on_reflection_draft_dropped(self, prompt_id: str) -> None:
        if self.playthrough is not None:
            self.playthrough.discard_draft(prompt_id)

    @Slot()
    def on_pause_button_clicked(self) -> None:
        self.pause()
        self.paused.emit()

    @Slot()
    def on_warnings_page_start_requested(self) -> None:
        self._start_attempt()

    @Slot()
    def on_warnings_page_skip_requested(self) -> None:
        self._pending_scenario = None
        self.skipped.emit()
