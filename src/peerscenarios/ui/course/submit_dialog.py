""""Submit portfolio to my course…": choose dates and reflections, see exactly what is sent.

Nothing is sent until the trainee presses "Send to my course". Reflections
start unticked and are ticked one by one; the preview below is rendered from
the payload itself, so it is exactly what will leave the computer. Without a
server (or when it cannot be reached) the same snapshot can be saved as a
submission file for the facilitator to import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.core.reporting import Portfolio
from peerscenarios.course.bundle import SUFFIX, write_bundle
from peerscenarios.course.errors import CourseError
from peerscenarios.course.records import SubmissionSummary
from peerscenarios.course.snapshot import (
    ReflectionChoice,
    ReflectionKey,
    Snapshot,
    reflection_choices,
)
from peerscenarios.errors import PeerScenariosError
from peerscenarios.ui.course.common import Background, MessageLine, plain_error
from peerscenarios.ui.course.viewer import DocumentPreview
from peerscenarios.ui.widgets.common import read_in_order

Build = Callable[[date | None, date | None], Portfolio]
Send = Callable[[Snapshot], SubmissionSummary]
_Index = QModelIndex | QPersistentModelIndex

ReflectionRole = Qt.ItemDataRole.UserRole + 1


class ReflectionTicksModel(QAbstractListModel):
    """The portfolio's reflections as a checkable list; all unticked to begin with."""

    ticks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ReflectionChoice, ...] = ()
        self._ticked: set[ReflectionKey] = set()

    def set_choices(self, choices: Sequence[ReflectionChoice]) -> None:
        """Show ``choices``; ticks on reflections still listed are kept, others dropped."""
        self.beginResetModel()
        self._rows = tuple(choices)
        # A tick survives only on a reflection still listed: nothing hidden can be sent.
        self._ticked &= {c.key for c in self._rows}
        self.endResetModel()
        self.ticks_changed.emit()

    @property
    def ticked(self) -> frozenset[ReflectionKey]:
        """The keys of the ticked reflections."""
        return frozenset(self._ticked)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # The first line, cut short, is enough to recognise a reflection; the tooltip
            # and, once ticked, the preview show it whole.
            first = c.text.strip().splitlines()[0] if c.text.strip() else ""
            short = first if len(first) <= 80 else first[:79] + "…"
            return f"Attempt {c.attempt_number}, {c.scenario_title}: {c.prompt}\n“{short}”"
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.text
        if role == Qt.ItemDataRole.CheckStateRole:
            return (Qt.CheckState.Checked if c.key in self._ticked
                    else Qt.CheckState.Unchecked)
        if role == ReflectionRole:
            return c
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        key = self._rows[index.row()].key
        # Qt's delegate hands the new state over as a plain int; callers may pass the enum.
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        if state == Qt.CheckState.Checked:
            self._ticked.add(key)
        else:
            self._ticked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()
        return True


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """What the trainee did: sent to the server, or saved a submission file (or both)."""

    sent: SubmissionSummary | None = None
    saved_to: Path | None = None


class SubmitPortfolioDialog(QDialog):
    """Choose a date range and reflections, preview, then send or save as a file.

    ``build(since, until)`` makes the portfolio from the local history (the
    export's builder). ``send(snapshot)`` submits it (e.g.
    ``CourseClient.submit_portfolio``) and is None when no server is set up;
    it runs in the background.
    """

    def __init__(self, parent: QWidget | None, build: Build, send: Send | None, *,
                 server_text: str = "", today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Submit portfolio to my course")
        self._build = build
        self._send = send
        self._background = Background(self)
        self.snapshot: Snapshot | None = None
        self._portfolio: Portfolio | None = None
        self.outcome = SubmitOutcome()
        layout = QVBoxLayout(self)

        intro = QLabel("Choose what to share with your course. Nothing is sent until you "
                       "press Send. Your reflections stay private unless you tick them.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        dates = QHBoxLayout()
        # ``today`` is a seam for tests: the default range must not depend on the day they run.
        start = (QDate(today.year, today.month, today.day) if today is not None
                 else QDate.currentDate())
        self.since_edit = QDateEdit(start.addMonths(-1), self)
        self.until_edit = QDateEdit(start, self)
        for label_text, edit, name in (("Attempts &from:", self.since_edit, "From date"),
                                       ("&until:", self.until_edit, "Until date")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            label = QLabel(label_text, self)
            label.setBuddy(edit)
            dates.addWidget(label)
            dates.addWidget(edit)
        dates.addStretch(1)
        layout.addLayout(dates)

        split = QSplitter(Qt.Orientation.Vertical, self)
        ticks_box = QWidget(split)
        ticks_layout = QVBoxLayout(ticks_box)
        ticks_layout.setContentsMargins(0, 0, 0, 0)
        self.ticks_label = QLabel(ticks_box)
        ticks_layout.addWidget(self.ticks_label)
        self.ticks = ReflectionTicksModel(self)
        self.ticks_view = QListView(ticks_box)
        self.ticks_view.setModel(self.ticks)
        self.ticks_view.setAccessibleName("Reflections you may share")
        self.ticks_view.setWordWrap(True)
        self.ticks_view.setAlternatingRowColors(True)
        # The label's text (with its &R shortcut) is set as ticks change; the buddy lets
        # Alt+R reach the list.
        self.ticks_label.setBuddy(self.ticks_view)
        ticks_layout.addWidget(self.ticks_view)
        preview_box = QWidget(split)
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(preview_box)
        self.summary.setWordWrap(True)
        preview_layout.addWidget(self.summary)
        self.preview = DocumentPreview(preview_box)
        preview_layout.addWidget(self.preview, 1)
        # The preview gets most of the height: it is what the trainee has to check.
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        read_in_order(split)
        layout.addWidget(split, 1)

        self.message = MessageLine(self)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save as a &file…", self)
        self.save_button.setToolTip("A submission file your facilitator can import")
        self.send_button = QPushButton("&Send to my course", self)
        self.close_button = QPushButton("Cancel", self)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.send_button)
        layout.addLayout(buttons)
        if send is None:
            self.send_button.setEnabled(False)
            self.message.show_info("No course server is set up on this computer. You can "
                                   "save a submission file and give it to your facilitator.")
        elif server_text:
            self.send_button.setToolTip(f"Send to {server_text}")
        self._connect_signals()
        self.rebuild()
        self.resize(860, 760)

    def _connect_signals(self) -> None:
        self.since_edit.dateChanged.connect(self.on_dates_changed)
        self.until_edit.dateChanged.connect(self.on_dates_changed)
        self.ticks.ticks_changed.connect(self.on_ticks_changed)
        self.send_button.clicked.connect(self.on_send_clicked)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.close_button.clicked.connect(self.reject)

    def dates(self) -> tuple[date, date]:
        """The chosen range (inclusive local dates)."""
        since = self.since_edit.date().toPython()
        until = self.until_edit.date().toPython()
        assert isinstance(since, date)
        assert isinstance(until, date)
        return since, until

    def rebuild(self) -> None:
        """Rebuild the portfolio for the chosen dates (keeping ticks that still apply)."""
        since, until = self.dates()
        if since > until:
            self._portfolio = None
            self.snapshot = None
            self.ticks.set_choices(())
            self.message.show_problem("The first date is after the last one.")
            return
        try:
            self._portfolio = self._build(since, until)
        except PeerScenariosError as exc:
            self._portfolio = None
            self.message.show_problem(str(exc))
            self.ticks.set_choices(())
            return
        self.ticks.set_choices(reflection_choices(self._portfolio))

    @Slot()
    def on_dates_changed(self) -> None:
        self.rebuild()

    @Slot()
    def on_ticks_changed(self) -> None:
        """Rebuild the snapshot, the preview and the buttons from the ticks."""
        n = self.ticks.rowCount()
        ticked = len(self.ticks.ticked)
        self.ticks_label.setText(f"&Reflections in these dates: {n}. Ticked to share: {ticked}."
                                 if n else "No reflections in these dates.")
        if self._portfolio is None:
            self.snapshot = None
            self.preview.setPlainText("")
            self.summary.setText("")
            self.send_button.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        # A new snapshot at every tick, read back from its own payload: the preview is
        # always exactly what Send would send.
        self.snapshot = Snapshot.from_portfolio(self._portfolio,
                                                include_reflections=self.ticks.ticked)
        self.preview.show_portfolio(self.snapshot.portfolio)
        self.summary.setText(f"This is exactly what will be sent: {self.snapshot.attempt_count} "
                             f"attempt(s) and {self.snapshot.reflection_count} reflection(s).")
        has_attempts = self.snapshot.attempt_count > 0
        self.send_button.setEnabled(self._send is not None and has_attempts)
        self.save_button.setEnabled(has_attempts)

    @Slot()
    def on_send_clicked(self) -> None:
        """Send the snapshot shown, in the background; the dialog closes once it is stored."""
        # Busy: a second click while sending would send the portfolio twice.
        if self._send is None or self.snapshot is None or self._background.busy:
            return
        # Captured now: ticks changed while it travels do not change what is sent.
        snapshot, send = self.snapshot, self._send
        self.send_button.setEnabled(False)
        self.message.show_info("Sending…")
        self._background.call(lambda: send(snapshot), self._sent, self._send_failed)

    def _sent(self, result: object) -> None:
        assert isinstance(result, SubmissionSummary)
        self.outcome = SubmitOutcome(sent=result, saved_to=self.outcome.saved_to)
        self.message.show_info("Sent. Your facilitator can now read it; you can withdraw it "
                               "from “My course submissions”.")
        self.accept()

    def _send_failed(self, exc: BaseException) -> None:
        self.send_button.setEnabled(True)
        # A server problem (not a bug here) has a way round: the submission file.
        extra = " You can save it as a file instead." if isinstance(exc, CourseError) else ""
        self.message.show_problem(plain_error(exc) + extra)

    @Slot()
    def on_save_clicked(self) -> Path | None:
        """Ask where, then write the submission file (0600); returns the path or None."""
        if self.snapshot is None:
            return None
        # Letters and digits only from the profile name: it may hold characters a file
        # system refuses.
        safe = "".join(c if c.isalnum() else "-" for c in self.snapshot.profile_name)
        name, _ = QFileDialog.getSaveFileName(
            self, "Save submission file", f"{safe.strip('-') or 'portfolio'}{SUFFIX}",
            f"PeerScenarios submission (*{SUFFIX})")
        if not name:
            return None
        path = Path(name)
        # A save dialog may return the name as typed, without the filter's suffix.
        if path.suffix != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        try:
            written = write_bundle(path, self.snapshot)
        except CourseError as exc:
            self.message.show_problem(str(exc))
            return None
        self.outcome = SubmitOutcome(sent=self.outcome.sent, saved_to=written)
        self.message.show_info(f"Saved to {written}. Give this file to your facilitator; it "
                               "holds exactly what the preview shows.")
        return written

    def done(self, result: int) -> None:
        # A send still on its way must finish before the dialog goes.
        self._background.wait()
        super().done(result)

    @classmethod
    def ask(cls, parent: QWidget | None, build: Build, send: Send | None, *,
            server_text: str = "") -> SubmitOutcome | None:
        """Run the dialog; what was sent or saved, or None if nothing was."""
        dialog = cls(parent, build, send, server_text=server_text)
        dialog.exec()
        out = dialog.outcome
        return out if (out.sent or out.saved_to) else None
