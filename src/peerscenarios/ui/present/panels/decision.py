"""The room's votes at a decision: counts per letter, the path followed, reveal-all."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.group.flow import Visit
from peerscenarios.app.group.stage_state import Step
from peerscenarios.core.markup import to_plain
from peerscenarios.core.model import Node
from peerscenarios.core.reporting import letter
from peerscenarios.core.taxonomy import ROLE_INFO
from peerscenarios.ui.widgets.common import MIN_TARGET_PX


class DecisionPanel(QGroupBox):
    """Vote counts per choice, the path the group follows, and revealing all feedback."""

    vote_edited = Signal(int, int)
    path_picked = Signal(object)
    reveal_all_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Vote", parent)
        self._visit: Visit | None = None
        self.rows: list[tuple[QLabel, QSpinBox]] = []
        self.grid = QGridLayout()
        self.total = QLabel(self)
        self.path = QComboBox(self)
        self.path.setAccessibleName("Path the group follows")
        self.reveal_all = QCheckBox("Reveal feedback for every response (R)", self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        layout.addWidget(self.total)
        row = QHBoxLayout()
        follows = QLabel("The group &follows:", self)
        follows.setBuddy(self.path)
        row.addWidget(follows)
        row.addWidget(self.path, 1)
        layout.addLayout(row)
        layout.addWidget(self.reveal_all)
        layout.addWidget(self.hint)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.path.activated.connect(self.on_path_activated)
        self.reveal_all.toggled.connect(self.on_reveal_all_toggled)

    def show_decision(self, node: Node, visit: Visit, step: Step, editable: bool) -> None:
        """Show the counts and path of ``visit`` at ``node``; ``editable`` while votes are open."""
        # Rows are rebuilt only for another decision: rebuilt at every vote, they would take
        # focus from the count being typed.
        if visit is not self._visit:
            self._build(node, visit)
        for (_, spin), count in zip(self.rows, visit.votes, strict=True):
            # Set from the flow, so not echoed back to it as an edit.
            spin.blockSignals(True)
            spin.setValue(count)
            spin.blockSignals(False)
            spin.setEnabled(editable)
        total = sum(visit.votes)
        self.total.setText(f"Total: {total} hand{'s' if total != 1 else ''}")
        self.path.blockSignals(True)
        self.path.clear()
        majority = visit.majority
        if majority is not None:
            first = f"Majority: {letter(visit.choice_ids.index(majority))}"
        elif max(visit.votes) == 0:
            first = "Majority (no votes yet): pick one"
        else:
            tied = ", ".join(letter(visit.choice_ids.index(c)) for c in visit.leaders)
            first = f"Tied ({tied}): pick one"
        # Item 0 follows the vote; a letter overrides it (a tie needs one).
        self.path.addItem(first, None)
        # The visit lists the responses in the order (and letters) the room sees.
        for i, c in enumerate(node.choice(cid) for cid in visit.choice_ids):
            self.path.addItem(f"{letter(i)}: {_short(c.text, 50)}", c.id)
        self.path.setCurrentIndex(0 if visit.override is None
                                  else 1 + visit.choice_ids.index(visit.override))
        self.path.setEnabled(editable)
        self.path.blockSignals(False)
        self.reveal_all.blockSignals(True)
        self.reveal_all.setChecked(visit.revealed_all)
        self.reveal_all.setEnabled(step is Step.FEEDBACK and not visit.locked)
        self.reveal_all.blockSignals(False)
        if visit.locked:
            self.hint.setText("The group has moved on; this vote is saved.")
        elif step is Step.SITUATION:
            self.hint.setText("Votes open when the choices are on screen.")
        elif editable:
            self.hint.setText("Letter keys add a hand, Shift+letter takes one away, "
                              "or type the count.")
        else:
            self.hint.setText("Go back to the tally to change the vote.")

    def _build(self, node: Node, visit: Visit) -> None:
        self._visit = visit
        for label, spin in self.rows:
            self.grid.removeWidget(label)
            self.grid.removeWidget(spin)
            label.deleteLater()
            spin.deleteLater()
        self.rows = []
        for i, c in enumerate(node.choice(cid) for cid in visit.choice_ids):
            info = ROLE_INFO[c.role]
            label = QLabel(f"<b>{letter(i)}</b> {html.escape(_short(c.text, 70))}<br>"
                           f"<small>{html.escape(info.symbol)} {html.escape(info.label)}</small>",
                           self)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setToolTip(to_plain(c.text))
            spin = QSpinBox(self)
            spin.setRange(0, 999)  # hands in a room, or phones in a lecture hall
            spin.setAccessibleName(f"Votes for {letter(i)}")
            spin.setMinimumHeight(MIN_TARGET_PX)
            # index=i binds this row's number now; a plain closure would see the last row's.
            spin.valueChanged.connect(lambda value, index=i: self.vote_edited.emit(index, value))
            label.setBuddy(spin)
            self.grid.addWidget(label, i, 0)
            self.grid.addWidget(spin, i, 1)
            self.rows.append((label, spin))
        self.grid.setColumnStretch(0, 1)

    @Slot(int)
    def on_path_activated(self, index: int) -> None:
        self.path_picked.emit(self.path.itemData(index))

    @Slot(bool)
    def on_reveal_all_toggled(self, checked: bool) -> None:
        self.reveal_all_toggled.emit(checked)


def _short(text: str, limit: int) -> str:
    flat = " ".join(to_plain(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
