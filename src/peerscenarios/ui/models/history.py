"""Item models for the history screen: paged attempts, reflection hits, boundary profile, groups."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from peerscenarios.core.taxonomy import ROLE_INFO, Role
from peerscenarios.ui.models.library import short_date
from peerscenarios.ui.models.reflections import (
    AttemptIdRole,
    ReflectionHitRole,
    ReflectionListModel,
)

if TYPE_CHECKING:
    from peerscenarios.storage import (
        AttemptSummary,
        GroupSessionSummary,
        ProfileBucket,
        Storage,
    )

__all__ = ["AttemptIdRole", "ReflectionHitRole", "ReflectionListModel"]

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 50

GroupSessionIdRole = Qt.ItemDataRole.UserRole + 3
BucketRole = Qt.ItemDataRole.UserRole + 4

TitleLookup = Callable[[str], str]
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def when(moment: datetime | None) -> str:
    """A local date and time as a person writes it ("26 Nov 2026, 14:05"), or ""."""
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local.day} {local.strftime('%b %Y, %H:%M')}"


def period_label(label: str, today: date | None = None) -> str:
    """A profile period as a person says it: "2026-W48" becomes "Week of 23 Nov".

    Storage keys weeks by the ISO week of the local start time, so its Monday
    is the local Monday. The year is added when it is not this year; other
    labels ("Attempts 1–10") pass through unchanged.
    """
    found = _ISO_WEEK.match(label)
    if found is None:
        return label
    try:
        monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        return label
    year = (today or date.today()).year
    day = f"{monday.day} {monday.strftime('%b')}"
    return f"Week of {day}" if monday.year == year else f"Week of {day} {monday.year}"


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
            return short_date(s.started_at)
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


# The boundary profile's columns: attempts, then every role in taxonomy order; each
# row is a period, named in the row header.
PROFILE_ROLES: tuple[Role, ...] = tuple(Role)


def role_header(role: Role) -> str:
    """A role's column title on two lines: the symbol (and a first word), then the name.

    Nine role columns fit a 1366-pixel screen only if the titles stack.
    """
    info = ROLE_INFO[role]
    head, sep, tail = info.short.partition(" ")
    if not sep and "-" in info.short:
        head, sep, tail = info.short.partition("-")
        head += "-"
    return f"{info.symbol} {head}\n{tail}" if sep else f"{info.symbol}\n{info.short}"


class BoundaryProfileModel(QAbstractTableModel):
    """Role counts per week or per ten attempts; the chart draws it, the table reads it out.

    Rows are periods, oldest first, with the period ("Week of 23 Nov") as the
    row header; column 0 counts attempts and each further column one role.
    """

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
        return 0 if parent.isValid() else 1 + len(PROFILE_ROLES)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if 0 <= section < len(self._buckets) and role in (
                    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return period_label(self._buckets[section].label)
            return None
        if not 0 <= section < 1 + len(PROFILE_ROLES):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "Attempts" if section == 0 else role_header(PROFILE_ROLES[section - 1])
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return "Attempts" if section == 0 else ROLE_INFO[PROFILE_ROLES[section - 1]].label
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
                n = b.attempt_count
                label = "Attempts"
            else:
                r = PROFILE_ROLES[col - 1]
                n = int(b.counts.get(r.value, 0))
                label = ROLE_INFO[r].label
            # Read out with its column and period, so the number never stands alone.
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{period_label(b.label)}, {label}: {n}"
            return n
        if role == Qt.ItemDataRole.TextAlignmentRole:
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
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
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
