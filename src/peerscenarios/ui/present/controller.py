"""Qt side of a running group session: signals for both views, the timer tick, notes saving.

The session's rules and its stored record live in
:class:`peerscenarios.app.group.session.GroupSession`, the countdown in
:class:`peerscenarios.app.group.timer.Countdown`; this module adds what
needs Qt: signals that tell the presenter and audience views what changed,
a tick that redraws the countdown, and a short delay before notes are saved.
It holds no personal identities.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from peerscenarios.app.group.flow import GroupFlow
from peerscenarios.app.group.session import GroupSession
from peerscenarios.app.group.stage_state import Blank, StageState, Step, TimerView
from peerscenarios.app.group.timer import Countdown, format_seconds
from peerscenarios.app.order import new_seed
from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage

log = logging.getLogger(__name__)

NOTES_SAVE_DELAY_MS = 800
# Often enough that the countdown never visibly skips a second.
TICK_MS = 200

__all__ = ["DiscussionTimer", "PresentationController", "format_seconds"]


class DiscussionTimer(QObject):
    """A :class:`Countdown` that ticks: ``changed`` fires whenever what it shows changes."""

    changed = Signal()

    def __init__(self, seconds: int, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.countdown = Countdown(seconds, clock)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._last_text = self.countdown.text
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._tick.timeout.connect(self.on_tick_timeout)

    @property
    def duration(self) -> int:
        """The countdown's full length in seconds."""
        return self.countdown.duration

    @property
    def running(self) -> bool:
        """True while counting down."""
        return self.countdown.running

    @property
    def remaining(self) -> float:
        """Seconds left."""
        return self.countdown.remaining

    @property
    def expired(self) -> bool:
        """True once time is up."""
        return self.countdown.expired

    @property
    def text(self) -> str:
        """The countdown as ``m:ss``."""
        return self.countdown.text

    def start(self) -> None:
        """Start or resume counting down."""
        if not self.countdown.running:
            self.countdown.start()
            self._tick.start()
            self._emit()

    def pause(self) -> None:
        """Stop counting, keeping the time left."""
        self.countdown.pause()
        self._tick.stop()
        self._emit()

    def toggle(self) -> None:
        """Start if paused, pause if running."""
        if self.countdown.running:
            self.pause()
        else:
            self.start()

    def reset(self) -> None:
        """Back to the full time, paused."""
        self.countdown.reset()
        self._tick.stop()
        self._emit()

    def set_duration(self, seconds: int) -> None:
        """A new length for the countdown (resets it)."""
        self.countdown.set_duration(seconds)
        self._tick.stop()
        self._emit()

    @Slot()
    def on_tick_timeout(self) -> None:
        if self.countdown.settle():
            self._tick.stop()
        # Ticks come five times a second; only a new "m:ss" is sent on, as every signal
        # repaints both views.
        if self.countdown.text != self._last_text or not self.countdown.running:
            self._emit()

    def _emit(self) -> None:
        self._last_text = self.countdown.text
        self.changed.emit()


class PresentationController(QObject):
    """Runs one group session and keeps its record; both views listen to its signals."""

    stage_changed = Signal(object)
    timer_changed = Signal(object)
    blank_changed = Signal(object)
    votes_changed = Signal()
    record_failed = Signal(str)
    session_finished = Signal(int)
    notes_saved = Signal()

    def __init__(self, scenario: Scenario, storage: Storage, *, timer_seconds: int = 120,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.storage = storage
        # Shuffled as a trainee's attempt is (the author's order would give the answer
        # away), and stored with the record so its letters read back the same.
        self.session = GroupSession(scenario, storage, order_seed=new_seed())
        self.blank = Blank.NONE
        self.timer = DiscussionTimer(timer_seconds, clock, self)
        self.timer_shown = False
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_SAVE_DELAY_MS)
        # The last storage problem told, so a failing disk is said once, not at every step.
        self._reported = ""
        self._connect_signals()

    @property
    def flow(self) -> GroupFlow:
        """The group's walk through the scenario."""
        return self.session.flow

    @property
    def session_id(self) -> int | None:
        """The stored record's id (None if it could not be started)."""
        return self.session.session_id

    @property
    def finished(self) -> bool:
        """True once the record is closed (an ending reached, or ended early)."""
        return self.session.finished

    @property
    def last_error(self) -> str:
        """What could not be saved, in plain words (empty when all is well)."""
        return self.session.last_error

    def _connect_signals(self) -> None:
        self.timer.changed.connect(self.on_timer_changed)
        self._notes_timer.timeout.connect(self.on_notes_timer_timeout)

    # ------------------------------------------------------------ the stage

    def stage_state(self) -> StageState:
        """What the audience sees now."""
        return self.flow.stage_state()

    def upcoming_states(self) -> list[StageState]:
        """Steps worth rendering ahead: the next one, then the previous one."""
        # Forward first: it is by far the likelier key; back is for reading a step again.
        return [s for s in (self.flow.peek_forward(), self.flow.peek_back()) if s is not None]

    def timer_view(self) -> TimerView:
        """The countdown as the audience sees it."""
        return TimerView(visible=self.timer_shown, text=self.timer.text,
                         expired=self.timer.expired)

    def _emit_stage(self) -> None:
        self.stage_changed.emit(self.flow.stage_state())

    # ------------------------------------------------------------- actions

    def forward(self) -> str | None:
        """Move the group on one step; returns why not (plain language) when it cannot."""
        blocker, moved = self.session.forward()
        if blocker is not None:
            return blocker
        self._after_write()
        if moved is not None and moved.ended_at is not None:
            # An ending reached: the discussion is over, so the countdown stops.
            self.timer.pause()
            if self.session.record_closed and self.session.session_id is not None:
                self.session_finished.emit(self.session.session_id)
        # A new step is shown, as slide software does: a screen left blank would hide it.
        self._unblank()
        self._emit_stage()
        return None

    def back(self) -> bool:
        """Show the previous step again."""
        if not self.flow.back():
            return False
        self._unblank()
        self._emit_stage()
        return True

    def set_votes(self, index: int, count: int) -> bool:
        """The room's count for one choice (by position)."""
        return self._after_votes(self.flow.set_votes(index, count))

    def bump_votes(self, index: int, delta: int) -> bool:
        """One more (or one fewer) hand for a choice."""
        return self._after_votes(self.flow.bump_votes(index, delta))

    def add_votes(self, deltas: dict[int, int]) -> bool:
        """Several choices' counts change at once (phone votes): one update for both views."""
        changed = False
        for index, delta in deltas.items():
            changed = self.flow.bump_votes(index, delta) or changed
        return self._after_votes(changed)

    def set_path(self, choice_id: str | None) -> bool:
        """Follow this choice whatever the vote; None follows the majority."""
        return self._after_votes(self.flow.set_override(choice_id))

    def _after_votes(self, changed: bool) -> bool:
        if changed:
            self.votes_changed.emit()
            # The room sees votes only at the tally and the feedback; at other steps only
            # the presenter's panel changes.
            if self.flow.current.step in (Step.TALLY, Step.FEEDBACK):
                self._emit_stage()
        return changed

    def set_reveal_all(self, revealed: bool) -> bool:
        """Show the feedback for every response, not only the one followed."""
        changed = self.flow.set_revealed_all(revealed)
        if changed:
            self._emit_stage()
        return changed

    def toggle_blank(self, blank: Blank) -> Blank:
        """Black (or white) out the audience screen; the same key again shows it."""
        self.blank = Blank.NONE if self.blank is blank else blank
        self.blank_changed.emit(self.blank)
        return self.blank

    def _unblank(self) -> None:
        if self.blank is not Blank.NONE:
            self.blank = Blank.NONE
            self.blank_changed.emit(self.blank)

    def set_timer_shown(self, shown: bool) -> None:
        """Show or hide the countdown on the audience screen."""
        if shown != self.timer_shown:
            self.timer_shown = shown
            self.timer_changed.emit(self.timer_view())

    @Slot()
    def on_timer_changed(self) -> None:
        self.timer_changed.emit(self.timer_view())

    # -------------------------------------------------------------- notes

    @property
    def notes(self) -> str:
        """The facilitator's live notes for this session."""
        return self.session.notes

    def set_notes(self, text: str) -> None:
        """Take new notes; they are saved shortly after typing stops."""
        if self.session.set_notes(text):
            self._notes_timer.start()

    @Slot()
    def on_notes_timer_timeout(self) -> None:
        self.flush_notes()

    def flush_notes(self) -> None:
        """Save unsaved notes now."""
        self._notes_timer.stop()
        if self.session.flush_notes():
            self.notes_saved.emit()
        self._after_write()

    # ------------------------------------------------------------- record

    def leave(self) -> None:
        """End the session early: keep a decision whose feedback was shown, close the record."""
        self._notes_timer.stop()
        was_open = not self.session.finished
        closed = self.session.end_early()
        self.timer.reset()
        self._after_write()
        if was_open and closed and self.session.session_id is not None:
            self.session_finished.emit(self.session.session_id)

    def _after_write(self) -> None:
        if self.session.last_error and self.session.last_error != self._reported:
            self._reported = self.session.last_error
            self.record_failed.emit(self.session.last_error)
