"""Item models for the history screen: paged attempts, reflection hits, boundary profile, groups."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from peerscenarios.core.taxonomy import ROLE_INFO, Role

if TYPE_CHECKING:
    from peerscenarios.storage import (
        AttemptSummary,
        GroupSessionSummary,
        ProfileBucket,
        ReflectionHit,
        Storage,
    )

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 50

AttemptIdRole = Qt.ItemDataRole.UserRole + 1
ReflectionHitRole = Qt.ItemDataRole.UserRole + 2
GroupSessionIdRole = Qt.ItemDataRole.UserRole + 3
BucketRole = Qt.ItemDataRole.UserRole + 4

TitleLookup = Callable[[str], str]


def when(moment: datetime | None) -> str:
    """A local date and time, or an empty string."""
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")


class AttemptColumn(IntEnum):
    """Columns of the attempts table."""

    NUMBER = 0
    STARTED = 1
    SCENARIO = 2
    MODE = 3
    STATUS = 4
    DECISIONS = 5
    DRIFTS = 6
    REFLECTIONS = 7


_ATTEMPT_HEADERS = ("#", "Started", "Scenario", "Mode", "Status", "Decisions", "Drifts",
                    "Reflections")


class _RowsTableModel(QAbstractTableModel):
    """A flat table over a list of records with fixed column titles.

    Subclasses set ``_HEADERS`` and return their records from ``_records()``;
    rows, columns and header titles follow from those.
    """

    _HEADERS: tuple[str, ...] = ()

    def _records(self) -> Sequence[object]:
        raise NotImplementedError

    def _append(self, rows: list[Any], page: Sequence[Any]) -> None:
        """Add a fetched page at the end, telling the views (paged models)."""
        first = len(rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        rows.extend(page)
        self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records())

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self._HEADERS)):
            return self._HEADERS[section]
        return None


class AttemptListModel(_RowsTableModel):
    """A profile's attempts, newest first, fetched a page at a time as the view scrolls.

    Only the rows a view has asked for are ever read, so years of history
    open as fast as a week of it (qutebrowser's history, Anki's browser).
    """

    _HEADERS = _ATTEMPT_HEADERS

    def __init__(self, storage: Storage | None, titles: TitleLookup,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._storage = storage
        self._titles = titles
        self._profile_id: int | None = None
        self._rows: list[AttemptSummary] = []
        self._total = 0

    def set_storage(self, storage: Storage) -> None:
        """Read from ``storage`` (the app opens it after the window's first paint)."""
        self._storage = storage

    def set_profile(self, profile_id: int | None) -> None:
        """Show another profile's attempts (from the first page)."""
        self.beginResetModel()
        self._profile_id = profile_id
        self._rows = []
        self._total = 0
        if profile_id is not None and self._storage is not None:
            self._total = self._storage.count_attempts(profile_id)
        self.endResetModel()

    def reload(self) -> None:
        """Re-read from the start, keeping at least as many rows as were loaded."""
        keep = max(len(self._rows), PAGE_SIZE)
        self.beginResetModel()
        self._rows = []
        if self._profile_id is not None and self._storage is not None:
            self._total = self._storage.count_attempts(self._profile_id)
            self._rows = self._storage.list_attempts(self._profile_id, offset=0,
                                                     limit=min(keep, self._total))
        self.endResetModel()

    def refresh_attempt(self, attempt_id: int) -> None:
        """Re-read one attempt's row (a new choice or reflection changed its counts)."""
        for row, summary in enumerate(self._rows):
            if summary.id == attempt_id and self._storage is not None:
                self._rows[row] = self._storage.attempt_detail(attempt_id).summary
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(AttemptColumn) - 1))
                return

    def contains(self, attempt_id: int) -> bool:
        """True if the attempt's row is loaded."""
        return any(s.id == attempt_id for s in self._rows)

    def row_of(self, attempt_id: int) -> int:
        """The loaded row of an attempt, or -1 (fetching more pages until found)."""
        while True:
            for row, s in enumerate(self._rows):
                if s.id == attempt_id:
                    return row
            if not self.canFetchMore():
                return -1
            self.fetchMore()

    def summary(self, row: int) -> AttemptSummary:
        """The attempt in a row."""
        return self._rows[row]

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._profile_id is None or self._storage is None:
            return
        page = self._storage.list_attempts(self._profile_id, offset=len(self._rows),
                                           limit=PAGE_SIZE)
        if not page:
            # The history shrank under us (deleted elsewhere): stop asking.
            self._total = len(self._rows)
            return
        self._append(self._rows, page)

    def _records(self) -> Sequence[object]:
        return self._rows

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        s = self._rows[index.row()]
        if role == AttemptIdRole:
            return s.id
        col = AttemptColumn(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(s, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
                AttemptColumn.NUMBER, AttemptColumn.DECISIONS, AttemptColumn.DRIFTS,
                AttemptColumn.REFLECTIONS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, s: AttemptSummary, col: AttemptColumn) -> str | int:
        if col == AttemptColumn.NUMBER:
            return s.number
        if col == AttemptColumn.STARTED:
            # The date is enough in a narrow column; the detail view has the time.
            return s.started_at.astimezone().strftime("%Y-%m-%d")
        if col == AttemptColumn.SCENARIO:
            return self._titles(s.scenario_id)
        if col == AttemptColumn.MODE:
            return s.mode.value.capitalize()
        if col == AttemptColumn.STATUS:
            return s.status.value.capitalize()
        if col == AttemptColumn.DECISIONS:
            return s.choice_count
        if col == AttemptColumn.DRIFTS:
            return s.drift_count
        return s.reflection_count


class ReflectionHitModel(_RowsTableModel):
    """Reflections matching a search: when, scenario, and the words around the match."""

    _HEADERS = ("Written", "Scenario", "Match")

    def __init__(self, titles: TitleLookup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles = titles
        self._hits: list[ReflectionHit] = []

    def set_hits(self, hits: list[ReflectionHit]) -> None:
        """Show a new result list."""
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> ReflectionHit:
        """The hit in a row."""
        return self._hits[row]

    def _records(self) -> Sequence[object]:
        return self._hits

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        hit = self._hits[index.row()]
        if role == ReflectionHitRole:
            return hit
        if role == AttemptIdRole:
            return hit.attempt_id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() == 0:
                return hit.updated_at.astimezone().strftime("%Y-%m-%d")
            if index.column() == 1:
                return self._titles(hit.scenario_id)
            return hit.snippet
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return hit.snippet
        return None


# The boundary profile's columns: period, attempts, then every role in taxonomy order.
PROFILE_ROLES: tuple[Role, ...] = tuple(Role)


class BoundaryProfileModel(QAbstractTableModel):
    """Role counts per week or per ten attempts; the chart draws it, the table reads it out."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._buckets: list[ProfileBucket] = []

    def set_buckets(self, buckets: list[ProfileBucket]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._buckets = list(buckets)
        self.endResetModel()

    @property
    def buckets(self) -> list[ProfileBucket]:
        """The buckets shown, oldest first."""
        return list(self._buckets)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._buckets)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + len(PROFILE_ROLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (
                0 <= section < 2 + len(PROFILE_ROLES)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Period"
            if section == 1:
                return "Attempts"
            info = ROLE_INFO[PROFILE_ROLES[section - 2]]
            return f"{info.symbol} {info.short}"
        if role == Qt.ItemDataRole.ToolTipRole and section >= 2:
            return ROLE_INFO[PROFILE_ROLES[section - 2]].label
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._buckets)):
            return None
        b = self._buckets[index.row()]
        if role == BucketRole:
            return b
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                return b.label
            if col == 1:
                return b.attempt_count
            r = PROFILE_ROLES[col - 2]
            n = int(b.counts.get(r.value, 0))
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{ROLE_INFO[r].label}: {n}"
            return n
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class GroupSessionModel(_RowsTableModel):
    """Facilitated group sessions, newest first, paged like the attempts."""

    _HEADERS = ("Started", "Scenario", "Decisions", "Finished")

    def __init__(self, storage: Storage | None, titles: TitleLookup,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._storage = storage
        self._titles = titles
        self._rows: list[GroupSessionSummary] = []
        self._more = storage is not None

    def set_storage(self, storage: Storage) -> None:
        """Read from ``storage`` (the app opens it after the window's first paint)."""
        self._storage = storage
        self._more = True

    def reload(self) -> None:
        """Re-read the first page (keeping as many rows as were loaded)."""
        if self._storage is None:
            return
        keep = max(len(self._rows), PAGE_SIZE)
        self.beginResetModel()
        self._rows = self._storage.list_group_sessions(offset=0, limit=keep)
        self._more = len(self._rows) == keep
        self.endResetModel()

    def session_id(self, row: int) -> int:
        """The group session id in a row."""
        return self._rows[row].id

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._storage is None:
            return
        page = self._storage.list_group_sessions(offset=len(self._rows), limit=PAGE_SIZE)
        self._more = len(page) == PAGE_SIZE
        if not page:
            return
        self._append(self._rows, page)

    def _records(self) -> Sequence[object]:
        return self._rows

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        g = self._rows[index.row()]
        if role == GroupSessionIdRole:
            return g.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            col = index.column()
            if col == 0:
                return when(g.started_at)
            if col == 1:
                return self._titles(g.scenario_id)
            if col == 2:
                return g.decision_count
            return when(g.finished_at) or "not finished"
        return None
