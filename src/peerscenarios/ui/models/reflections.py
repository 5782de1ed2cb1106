"""The reflections list of the history screen: recent ones a page at a time, or search results."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from peerscenarios.ui.models.library import short_date

if TYPE_CHECKING:
    from peerscenarios.storage import ReflectionHit, Storage

AnyIndex = QModelIndex | QPersistentModelIndex
TitleLookup = Callable[[str], str]

# Shared with the other history models (ui.models.history re-exports them).
AttemptIdRole = Qt.ItemDataRole.UserRole + 1
ReflectionHitRole = Qt.ItemDataRole.UserRole + 2

PAGE_SIZE = 50
# A page of attempts with no reflection at all reads on to the next one, up to this
# many attempt pages per fetch, so one scroll never stalls on a long silent history.
MAX_ATTEMPT_PAGES = 4
EXCERPT_CHARS = 180
HEADERS = ("Written", "Scenario", "What you wrote")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a reflection on one line, cut at a word with "…" if it is longer."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(",.;:") + "…"


class ReflectionListModel(QAbstractTableModel):
    """Reflections of one profile: the most recent first, or the hits of a search.

    Before any search it lists every reflection, newest attempts first,
    reading the history a page at a time as the view scrolls (``fetchMore``);
    a search replaces the rows with its hits, and clearing it brings the
    recent list back. Each row is a ``ReflectionHit``: a recent reflection is
    a hit with nothing marked, so one delegate draws both.
    """

    def __init__(self, storage: Storage | None, titles: TitleLookup,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._storage = storage
        self._titles = titles
        self._profile_id: int | None = None
        self._hits: list[ReflectionHit] = []
        self._searching = False
        self._attempt_offset = 0
        self._more = False

    # ---------------------------------------------------------------- filling

    def set_storage(self, storage: Storage) -> None:
        """Read from ``storage`` (the app opens it after the window's first paint)."""
        self._storage = storage

    def show_recent(self, profile_id: int | None) -> None:
        """List a profile's reflections, newest first, from the first page."""
        self.beginResetModel()
        self._profile_id = profile_id
        self._hits = []
        self._searching = False
        self._attempt_offset = 0
        self._more = profile_id is not None and self._storage is not None
        self.endResetModel()

    def set_hits(self, hits: list[ReflectionHit]) -> None:
        """Show the hits of a search instead of the recent list."""
        self.beginResetModel()
        self._hits = list(hits)
        self._searching = True
        self._more = False
        self.endResetModel()

    @property
    def searching(self) -> bool:
        """True while the rows are search results rather than the recent list."""
        return self._searching

    def hit(self, row: int) -> ReflectionHit:
        """The reflection in a row."""
        return self._hits[row]

    def fetch_all(self) -> None:
        """Read every remaining page (a test, or a view that wants the whole list)."""
        while self.canFetchMore():
            self.fetchMore()

    # ------------------------------------------------------------------ paging

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = self._read_page()
        if page:
            first = len(self._hits)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._hits.extend(page)
            self.endInsertRows()

    def _read_page(self) -> list[ReflectionHit]:
        # Built from the history's own operations (the attempts, newest first, and
        # each attempt's reflections), so the list needs no query of its own.
        from peerscenarios.storage import ReflectionHit  # loaded: storage is open

        storage, profile_id = self._storage, self._profile_id
        if storage is None or profile_id is None:
            self._more = False
            return []
        found: list[ReflectionHit] = []
        for _ in range(MAX_ATTEMPT_PAGES):
            attempts = storage.list_attempts(profile_id, offset=self._attempt_offset,
                                             limit=PAGE_SIZE)
            self._attempt_offset += len(attempts)
            if len(attempts) < PAGE_SIZE:
                self._more = False
            for summary in attempts:
                if not summary.reflection_count:
                    continue
                detail = storage.attempt_detail(summary.id)
                for r in sorted(detail.reflections, key=lambda r: r.updated_at, reverse=True):
                    text = excerpt(r.text)
                    found.append(ReflectionHit(
                        reflection_id=r.id, attempt_id=r.attempt_id,
                        scenario_id=summary.scenario_id, prompt_id=r.prompt_id,
                        snippet=text, snippet_parts=((text, False),), updated_at=r.updated_at))
            if found or not self._more:
                break
        return found

    # ---------------------------------------------------------------- the table

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None

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
                return short_date(hit.updated_at)
            if index.column() == 1:
                return self._titles(hit.scenario_id)
            return hit.snippet
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return hit.snippet
        return None
