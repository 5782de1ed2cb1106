"""Table models for the course lists: rows fetched a page at a time from the course client."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from peerscenarios.course.records import SessionSummary, SubmissionSummary
from peerscenarios.errors import PeerScenariosError

_Row = TypeVar("_Row")
_Index = QModelIndex | QPersistentModelIndex
# The client's default page: one round trip fills a screen.
PAGE = 50
RecordRole = Qt.ItemDataRole.UserRole + 1


def _when(moment: datetime | None) -> str:
    # The server's timestamptz arrives in its session's zone; people read their own.
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class Column(Generic[_Row]):
    """A column: its header and how a record shows in it."""

    header: str
    text: Callable[[_Row], str]


class PagedTableModel(QAbstractTableModel, Generic[_Row]):
    """Rows from ``fetch(offset, limit)``, one page at a time as the view scrolls.

    A failed fetch stops further paging and emits ``fetch_failed`` with a
    plain message; ``reset(fetch)`` starts over (e.g. after a filter change).
    """

    fetch_failed = Signal(str)

    def __init__(self, columns: Sequence[Column[_Row]],
                 fetch: Callable[[int, int], Sequence[_Row]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._fetch = fetch
        self._rows: list[_Row] = []
        self._more = True
        self._resetting = False

    def reset(self, fetch: Callable[[int, int], Sequence[_Row]] | None = None) -> None:
        """Forget the rows and fetch from the start (with a new ``fetch`` if given)."""
        if fetch is not None:
            self._fetch = fetch
        # The first page is loaded inside the reset, so views see one change, not two.
        failed = ""
        try:
            page = list(self._fetch(0, PAGE))
        except PeerScenariosError as exc:
            page, failed = [], str(exc)
        self.beginResetModel()
        self._rows = page
        self._more = not failed and len(page) == PAGE
        # Listeners of modelReset (views, Qt's model tester) may ask for more rows
        # while the reset is still being announced; they ask again afterwards.
        self._resetting = True
        try:
            self.endResetModel()
        finally:
            self._resetting = False
        if failed:
            self.fetch_failed.emit(failed)

    def record(self, row: int) -> _Row:
        """The record shown in ``row``."""
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[index.column()].text(self._rows[index.row()])
        if role == RecordRole:
            return self._rows[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self._columns)):
            return self._columns[section].header
        return None

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index) -> None:
        # Synchronous, as Qt's fetchMore contract expects: the view asks when it scrolls
        # near the end. A page is one small query (the first took 1.2 ms on the server at
        # 10,000 submissions, bench_course); a slow network shows as a short pause here.
        if parent.isValid() or not self._more or self._resetting:
            return
        try:
            page = list(self._fetch(len(self._rows), PAGE))
        except PeerScenariosError as exc:
            self._more = False
            self.fetch_failed.emit(str(exc))
            return
        # A short page is the last: the end is known without a count query.
        self._more = len(page) == PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()


def _period(s: SubmissionSummary) -> str:
    a = s.period_from.isoformat() if s.period_from else "…"
    b = s.period_to.isoformat() if s.period_to else "…"
    return f"{a} to {b}"


SUBMISSION_COLUMNS: tuple[Column[SubmissionSummary], ...] = (
    Column("Sent", lambda s: _when(s.created_at)),
    Column("Trainee", lambda s: s.owner),
    Column("Profile", lambda s: s.profile_name),
    Column("Attempts from–to", _period),
    Column("Attempts", lambda s: str(s.attempt_count)),
    Column("Reflections", lambda s: str(s.reflection_count)),
    Column("Status", lambda s: f"withdrawn {_when(s.withdrawn_at)}" if s.withdrawn else "sent"),
)

SESSION_COLUMNS: tuple[Column[SessionSummary], ...] = (
    Column("Started", lambda s: _when(s.started_at)),
    Column("Scenario", lambda s: s.scenario_title),
    Column("Facilitator", lambda s: s.uploaded_by),
    Column("Decisions", lambda s: str(s.decision_count)),
    Column("Votes", lambda s: str(s.total_votes)),
    Column("Uploaded", lambda s: _when(s.uploaded_at)),
)
