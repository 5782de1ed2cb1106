"""A group session's record, Qt-free: the flow of steps plus what is stored about the room.

``GroupSession`` moves the :class:`GroupFlow` and writes the record through
Storage's operations: each decision the room moves on from (counts only),
the facilitator's notes, and how it ended. A failed write never stops the
class: it is kept as a plain message for the presenter (``last_error``).
No personal identities are held or stored.
"""

from __future__ import annotations

import logging

from peerscenarios.app.group.flow import GroupFlow, Moved, Visit
from peerscenarios.app.order import new_seed
from peerscenarios.core.model import Scenario
from peerscenarios.core.reporting import letter
from peerscenarios.errors import PeerScenariosError
from peerscenarios.storage import Storage

log = logging.getLogger(__name__)


class GroupSession:
    """One facilitated run of a scenario and its stored record."""

    def __init__(self, scenario: Scenario, storage: Storage, *,
                 order_seed: int | None = None) -> None:
        self.scenario = scenario
        self.storage = storage
        self.flow = GroupFlow(scenario, order_seed=order_seed)
        self.finished = False
        # True once the stored record was closed (an ending or an early end was saved).
        self.record_closed = False
        self.last_error = ""
        self.notes = ""
        # Notes are written when flushed (shortly after typing stops, and at the end), not
        # on every keystroke.
        self._notes_dirty = False
        # None when the record could not be started: the class goes on, nothing is stored.
        self.session_id: int | None = None
        try:
            self.session_id = storage.start_group_session(
                scenario.id, scenario.content_hash, order_seed=order_seed).id
        except PeerScenariosError as exc:
            self._failed(exc)

    @classmethod
    def shuffled(cls, scenario: Scenario, storage: Storage) -> GroupSession:
        """A session whose decisions show their responses in a fresh random order."""
        return cls(scenario, storage, order_seed=new_seed())

    # ------------------------------------------------------------ moving

    def forward(self) -> tuple[str | None, Moved | None]:
        """Move on one step: (why not, None) when it cannot; else (None, what moving did)."""
        blocker = self.flow.forward_blocker()
        if blocker is not None:
            return blocker, None
        moved = self.flow.forward()
        if moved.locked is not None:
            self.record(moved.locked)
        if moved.ended_at is not None:
            self.finish(moved.ended_at)
        return None, moved

    # ------------------------------------------------------------ notes

    def set_notes(self, text: str) -> bool:
        """Take new notes (saved by ``flush_notes``); True if they changed."""
        if text == self.notes:
            return False
        self.notes = text
        self._notes_dirty = True
        return True

    def flush_notes(self) -> bool:
        """Save unsaved notes now; True if something was written."""
        if not self._notes_dirty or self.session_id is None:
            return False
        try:
            self.storage.set_group_notes(self.session_id, self.notes)
        except PeerScenariosError as exc:
            self._failed(exc)
            return False
        self._notes_dirty = False
        return True

    # ------------------------------------------------------------ record

    def record(self, visit: Visit) -> None:
        """Store one decision the room moved on from (its counts and the path followed)."""
        # A decision left before any path was chosen has nothing to store.
        if self.session_id is None or visit.chosen is None:
            return
        try:
            self.storage.record_group_decision(self.session_id, visit.node_id,
                                               visit.vote_map(), visit.chosen,
                                               visit.revealed_all)
        except PeerScenariosError as exc:
            self._failed(exc)

    def finish(self, ending_node_id: str | None) -> bool:
        """Close the record (at an ending, or None when ended early); True if it was closed."""
        if self.finished:
            return False
        self.finished = True
        self.flush_notes()
        if self.session_id is None:
            return False
        try:
            self.storage.finish_group_session(self.session_id, ending_node_id)
        except PeerScenariosError as exc:
            self._failed(exc)
            return False
        self.record_closed = True
        return True

    def end_early(self) -> bool:
        """Stop before an ending: keep a decision whose feedback was shown, close the record."""
        pending = self.flow.pending_visit()
        if pending is not None and pending.chosen is not None and not self.finished:
            # Locked as moving on would lock it: the room saw its feedback, so it counts.
            pending.locked = True
            self.record(pending)
        self.flush_notes()
        return self.finish(None)

    def summary(self) -> str:
        """What was saved, in a sentence or two: how it ended, the decisions and the path."""
        visits = self.flow.locked_visits()
        said = ("The session was ended early and is saved." if not self.flow.finished
                else "The session is finished and saved.")
        if not visits:
            return f"{said} No decision was recorded."
        path = " → ".join(f"{i}{letter(v.choice_ids.index(v.chosen))}"
                          for i, v in enumerate(visits, 1) if v.chosen is not None)
        count = len(visits)
        return (f"{said} {count} decision{'s' if count != 1 else ''} recorded; the group's "
                f"path: {path}. It is listed in History under group sessions.")

    def _failed(self, exc: PeerScenariosError) -> None:
        # The class goes on when the disk is full; the presenter sees what was not saved.
        log.warning("group session record: %s", exc)
        self.last_error = f"Not saved: {exc.message} {exc.hint}".strip()
