"""Facilitator-mode dialogs, each with an ``ask`` classmethod that tests replace.

Leaving a session, choosing where an export goes, picking a scenario to
present, a plain error message, and the keyboard cheat sheet (non-modal).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from peerscenarios import paths
from peerscenarios.core.model import Scenario
from peerscenarios.ui.present.keys import cheat_sheet_rows


class LeaveDialog:
    """Asks before ending a session."""

    @classmethod
    def ask(cls, parent: QWidget | None, finished: bool) -> bool:
        """True if the facilitator really wants to leave."""
        if finished:
            text = "Close facilitator mode? The session is saved."
        else:
            text = ("End this session now? What the group decided so far is saved, and the "
                    "session is recorded as stopped before an ending.")
        answer = QMessageBox.question(
            parent, "End the session", text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            # No by default: a stray Enter must not end the class's session.
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


class ExportPathDialog:
    """Asks where to save the session record."""

    @classmethod
    def ask(cls, parent: QWidget | None, fmt: str, suggested_name: str) -> Path | None:
        """The file to write, or None if cancelled."""
        filters = {"pdf": "PDF document (*.pdf)", "csv": "CSV spreadsheet (*.csv)"}
        start = str(paths.exports_default_dir() / suggested_name)
        chosen, _ = QFileDialog.getSaveFileName(parent, "Export the session record", start,
                                                filters.get(fmt, ""))
        if not chosen:
            return None
        path = Path(chosen)
        # A name typed without its extension gets one: the writers never add it.
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        return path


class ErrorMessage:
    """A plain message box for an expected problem (message, then what to do)."""

    @classmethod
    def show(cls, parent: QWidget | None, title: str, message: str, hint: str = "") -> None:
        """Show the message and wait for OK."""
        # A box of its own rather than QMessageBox.warning(): the hint goes under the message.
        box = QMessageBox(QMessageBox.Icon.Warning, title, message,
                          QMessageBox.StandardButton.Ok, parent)
        if hint:
            box.setInformativeText(hint)
        box.exec()


class ScenarioPicker(QDialog):
    """Choose a scenario to present; type to filter."""

    def __init__(self, parent: QWidget | None, scenarios: Sequence[Scenario]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Present a scenario to a group")
        self._scenarios = list(scenarios)
        self.model = QStandardItemModel(self)
        for i, sc in enumerate(self._scenarios):
            item = QStandardItem(f"{sc.title}  ({sc.minutes} min)")
            # The index into the list: rows move as the filter hides others.
            item.setData(i, Qt.ItemDataRole.UserRole)
            item.setToolTip(sc.summary)
            item.setEditable(False)
            self.model.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to filter")
        self.filter.setAccessibleName("Filter scenarios")
        self.view = QListView(self)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName("Scenarios")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Present")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Which scenario will the group work through?", self))
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        layout.addWidget(self.buttons)
        # A row is current from the start, so Enter presents without a click.
        if self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))
        self.resize(560, 420)
        self._connect_signals()

    def _connect_signals(self) -> None:
        # Fixed string, not a pattern: a title with "?" or "(" filters as typed.
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.view.doubleClicked.connect(self.accept)

    def selected(self) -> Scenario | None:
        """The highlighted scenario."""
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        row = self.proxy.mapToSource(index).data(Qt.ItemDataRole.UserRole)
        return self._scenarios[int(row)]

    @classmethod
    def ask(cls, parent: QWidget | None, scenarios: Sequence[Scenario]) -> Scenario | None:
        """The scenario to present, or None if cancelled."""
        dialog = cls(parent, scenarios)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.selected()


class CheatSheet(QDialog):
    """The presenter's keys, in a small window that stays open beside the presenter view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Facilitator keys")
        # Built from the key map itself, so the list cannot name a key that does nothing.
        rows = "".join(f"<tr><td style='padding-right:14px'><b>{k}</b></td><td>{v}</td></tr>"
                       for k, v in cheat_sheet_rows())
        self.table = QLabel(f"<table cellspacing='4'>{rows}</table>", self)
        self.table.setTextFormat(Qt.TextFormat.RichText)
        self.table.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.buttons.rejected.connect(self.close)
