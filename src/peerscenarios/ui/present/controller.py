"""The running group session: the flow, the discussion timer, blackout, and the stored record.

``PresentationController`` is the one place that turns presenter actions
into flow changes and storage calls (through ``Storage``'s operations, never
SQL), and tells both views what changed. It holds no personal identities.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from peerscenarios.app.group.flow import GroupFlow, Visit
from peerscenarios.app.group.stage_state import Blank, StageState, Step, TimerView
from peerscenarios.core.model import Scenario
from peerscenarios.errors import PeerScenariosError
from peerscenarios.storage import Storage

log = logging.getLogger(__name__)

NOTES_SAVE_DELAY_MS = 800


def format_seconds(seconds: float) -> str:
    """``m:ss`` for a countdown, rounding up so it shows 0:00 only when time is up."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


class DiscussionTimer(QObject):
    """A countdown for the room's discussion: start, pause, reset; ``clock`` is a test seam."""

    changed = Signal()

    def __init__(self, seconds: int, clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.duration = max(1, int(seconds))
        self._spent = 0.0
        self._since: float | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(200)
        self._last_text = self.text
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._tick.timeout.connect(self.on_tick_timeout)

    @property
    def running(self) -> bool:
        """True while counting down."""
        return self._since is not None

    @property
    def remaining(self) -> float:
        """Seconds left (0 when time is up)."""
        spent = self._spent + (self._clock() - self._since if self._since is not None else 0.0)
        return max(0.0, self.duration - spent)

    @property
    def expired(self) -> bool:
        """True once the countdown reached zero."""
        return self.remaining <= 0

    @property
    def text(self) -> str:
        """The countdown as ``m:ss``."""
        return format_seconds(self.remaining)

    def start(self) -> None:
        """Start or resume counting down (from the full time again if it had run out)."""
        if self.running:
            return
        if self.expired:
            self._spent = 0.0
        self._since = self._clock()
        self._tick.start()
        self._emit()

    def pause(self) -> None:
        """Stop counting, keeping the time left."""
        if self._since is not None:
            self._spent += self._clock() - self._since
            self._since = None
        self._tick.stop()
        self._emit()

    def toggle(self) -> None:
        """Start if paused, pause if running."""
        if self.running:
            self.pause()
        else:
            self.start()

    def reset(self) -> None:
        """Back to the full time, paused."""
        self._since = None
        self._spent = 0.0
        self._tick.stop()
        self._emit()

    def set_duration(self, seconds: int) -> None:
        """A new length for the countdown (resets it)."""
        self.duration = max(1, int(seconds))
        self.reset()

    @Slot()
    def on_tick_timeout(self) -> None:
        if self.expired:
            self._spent = float(self.duration)
            self._since = None
            self._tick.stop()
        if self.text != self._last_text or not self.running:
            self._emit()

    def _emit(self) -> None:
        self._last_text = self.text
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
        self.flow = GroupFlow(scenario)
        self.blank = Blank.NONE
        self.timer = DiscussionTimer(timer_seconds, clock, self)
        self.timer_shown = False
        self.finished = False
        self.last_error = ""
        self._notes = ""
        self._notes_dirty = False
        self._notes_timer = QTimer(self)
        self._notes_timer.setSingleShot(True)
        self._notes_timer.setInterval(NOTES_SAVE_DELAY_MS)
        self.session_id: int | None = None
        try:
            self.session_id = storage.start_group_session(scenario.id, scenario.content_hash).id
        except PeerScenariosError as exc:
            self._failed(exc)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.timer.changed.connect(self.on_timer_changed)
        self._notes_timer.timeout.connect(self.on_notes_timer_timeout)

    # ------------------------------------------------------------ the stage

    def stage_state(self) -> StageState:
        """What the audience sees now."""
        return self.flow.stage_state()

    def upcoming_states(self) -> list[StageState]:
        """Steps worth rendering ahead: the next one, then the previous one."""
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
        blocker = self.flow.forward_blocker()
        if blocker is not None:
            return blocker
        moved = self.flow.forward()
        if moved.locked is not None:
            self._record(moved.locked)
        if moved.ended_at is not None:
            self._finish(moved.ended_at)
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

    def set_path(self, choice_id: str | None) -> bool:
        """Follow this choice whatever the vote; None follows the majority."""
        return self._after_votes(self.flow.set_override(choice_id))

    def _after_votes(self, changed: bool) -> bool:
        if changed:
            self.votes_changed.emit()
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
        return self._notes

    def set_notes(self, text: str) -> None:
        """Take new notes; they are saved shortly after typing stops."""
        if text == self._notes:
            return
        self._notes = text
        self._notes_dirty = True
        self._notes_timer.start()

    @Slot()
    def on_notes_timer_timeout(self) -> None:
        self.flush_notes()

    def flush_notes(self) -> None:
        """Save unsaved notes now."""
        self._notes_timer.stop()
        if not self._notes_dirty or self.session_id is None:
            return
        try:
            self.storage.set_group_notes(self.session_id, self._notes)
        except PeerScenariosError as exc:
            self._failed(exc)
            return
        self._notes_dirty = False
        self.notes_saved.emit()

    # ------------------------------------------------------------- record

    def _record(self, visit: Visit) -> None:
        if self.session_id is None or visit.chosen is None:
            return
        try:
            self.storage.record_group_decision(self.session_id, visit.node_id,
                                               visit.vote_map(), visit.chosen,
                                               visit.revealed_all)
        except PeerScenariosError as exc:
            self._failed(exc)

    def _finish(self, ending_node_id: str | None) -> None:
        if self.finished:
            return
        self.finished = True
        self.timer.pause()
        self.flush_notes()
        if self.session_id is None:
            return
        try:
            self.storage.finish_group_session(self.session_id, ending_node_id)
        except PeerScenariosError as exc:
            self._failed(exc)
            return
        self.session_finished.emit(self.session_id)

    def leave(self) -> None:
        """Stop the session: record a decision whose feedback was shown, close the record."""
        pending = self.flow.pending_visit()
        if pending is not None and pending.chosen is not None and not self.finished:
            pending.locked = True
            self._record(pending)
        self.flush_notes()
        if not self.finished:
            self._finish(None)
        self.timer.reset()

    def _failed(self, exc: PeerScenariosError) -> None:
        # The class goes on when the disk is full; the presenter sees what was not saved.
        log.warning("group session record: %s", exc)
        self.last_error = f"Not saved: {exc.message} {exc.hint}".strip()
        self.record_failed.emit(self.last_error)
