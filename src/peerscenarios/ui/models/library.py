"""Item models for the library: scenarios with the trainee's last result, and unloadable files."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from peerscenarios.core.library import LoadedFile
from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import COMPETENCIES, POPULATIONS, SETTINGS

if TYPE_CHECKING:
    from peerscenarios.storage import LastResult

AnyIndex = QModelIndex | QPersistentModelIndex

# Custom roles, named so views and the proxy never use bare numbers.
ScenarioRole = Qt.ItemDataRole.UserRole + 1
StatusRole = Qt.ItemDataRole.UserRole + 2
CompetenciesRole = Qt.ItemDataRole.UserRole + 3
TagsRole = Qt.ItemDataRole.UserRole + 4
SearchTextRole = Qt.ItemDataRole.UserRole + 5
SettingRole = Qt.ItemDataRole.UserRole + 6
PopulationRole = Qt.ItemDataRole.UserRole + 7

# The values of storage's AttemptStatus, spelled out: this module is imported before the
# first paint, and importing storage would bring SQLAlchemy with it (a test checks they agree).
STATUS_NEW = "new"
STATUS_IN_PROGRESS = "in progress"
STATUS_COMPLETED = "completed"
# Shown for a scenario with an attempt still in progress: the trainee's word for it.
STATUS_PAUSED = "paused"


class Column(IntEnum):
    """Columns of the scenario table."""

    TITLE = 0
    SUMMARY = 1
    MINUTES = 2
    COMPETENCIES = 3
    WARNINGS = 4
    STATUS = 5
    LAST_RESULT = 6


_HEADERS = {
    Column.TITLE: "Title", Column.SUMMARY: "Summary", Column.MINUTES: "Minutes",
    Column.COMPETENCIES: "Competencies", Column.WARNINGS: "Warnings",
    Column.STATUS: "Status", Column.LAST_RESULT: "Last result",
}


# SAMHSA's competency titles run to 75 characters: a table cell or a filter shows the
# number and a short name, and the full title goes in the tooltip and the details.
# Short enough that a scenario's three or four fit one table cell at 1366 pixels.
COMPETENCY_SHORT: dict[int, str] = {
    1: "Relationships",
    2: "Support",
    3: "Lived experience",
    4: "Tailored support",
    5: "Recovery planning",
    6: "Resources",
    7: "Wellness skills",
    8: "Crisis support",
    9: "Communication",
    10: "Teamwork",
    11: "Advocacy",
    12: "Growth",
}


def competency_name(number: int) -> str:
    """The number and short name of a competency, e.g. ``"8 Crisis support"``."""
    return f"{number} {COMPETENCY_SHORT.get(number, 'Competency')}"


def competency_title(number: int) -> str:
    """The number and full SAMHSA title, e.g. ``"8. Helps peers to manage crises"``."""
    comp = COMPETENCIES.get(number)
    return f"{number}. {comp.title}" if comp is not None else str(number)


def setting_label(setting_id: str) -> str:
    """The plain name of a setting id ("" for none; an unknown id is shown as written)."""
    term = SETTINGS.get(setting_id)
    return term.label if term is not None else setting_id


def population_label(population_id: str) -> str:
    """The plain name of a population id (an unknown id is shown as written)."""
    term = POPULATIONS.get(population_id)
    return term.label if term is not None else population_id


def short_date(moment: datetime, now: datetime | None = None) -> str:
    """A local date as "26 Nov", with the year only when it is not this year's."""
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).astimezone()
    day = f"{local.day} {local.strftime('%b')}"
    return day if local.year == today.year else f"{day} {local.year}"


def status_of(result: LastResult | None) -> str:
    """``paused`` while an attempt waits to be resumed, else the last attempt's status."""
    if result is None:
        return STATUS_NEW
    if result.paused_attempt_id is not None:
        return STATUS_PAUSED
    if result.status.value == STATUS_IN_PROGRESS:
        return STATUS_PAUSED
    return result.status.value


def describe_result(result: LastResult | None) -> str:
    """The last-result cell: when it was last completed and how many choices drifted."""
    if result is None or result.last_finished_at is None:
        return "Not finished yet" if result is not None else ""
    # The short date keeps the column narrow enough to stay on screen at large text.
    when = short_date(result.last_finished_at)
    if result.drift_count == 0:
        drift = "no drift"
    elif result.drift_count == 1:
        drift = "1 drift"
    else:
        drift = f"{result.drift_count} drifts"
    times = f", played {result.completed_count}×" if result.completed_count > 1 else ""
    return f"{when}: {drift}{times}"


class ScenarioTableModel(QAbstractTableModel):
    """The loaded scenarios, one row each, with the current profile's last result."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scenarios: list[Scenario] = []
        self._results: dict[str, LastResult] = {}

    def set_scenarios(self, scenarios: tuple[Scenario, ...] | list[Scenario]) -> None:
        """Replace every row (after a library load)."""
        self.beginResetModel()
        self._scenarios = sorted(scenarios, key=lambda s: s.title.casefold())
        self.endResetModel()

    def set_results(self, results: dict[str, LastResult]) -> None:
        """Update the status and last-result cells of the rows whose result changed."""
        old = self._results
        self._results = dict(results)
        for row, sc in enumerate(self._scenarios):
            if old.get(sc.id) != self._results.get(sc.id):
                self.dataChanged.emit(self.index(row, Column.STATUS),
                                      self.index(row, Column.LAST_RESULT))

    def scenario(self, row: int) -> Scenario:
        """The scenario in a row."""
        return self._scenarios[row]

    def row_of(self, scenario_id: str) -> int:
        """The row of a scenario id, or -1."""
        for row, sc in enumerate(self._scenarios):
            if sc.id == scenario_id:
                return row
        return -1

    def result(self, scenario_id: str) -> LastResult | None:
        """The current profile's last result for a scenario."""
        return self._results.get(scenario_id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._scenarios)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(Column)):
            return _HEADERS[Column(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._scenarios)):
            return None
        sc = self._scenarios[index.row()]
        col = Column(index.column())
        result = self._results.get(sc.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(sc, col, result)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(sc, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Column.MINUTES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ScenarioRole:
            return sc
        if role == StatusRole:
            return status_of(result)
        if role == CompetenciesRole:
            return sc.competencies
        if role == TagsRole:
            return sc.tags
        if role == SettingRole:
            return sc.setting
        if role == PopulationRole:
            return sc.population
        if role == SearchTextRole:
            words = (sc.title, sc.summary, " ".join(sc.tags), " ".join(sc.content_warnings),
                     setting_label(sc.setting), " ".join(map(population_label, sc.population)),
                     " ".join(map(competency_name, sc.competencies)))
            return " ".join(words).casefold()
        return None

    @staticmethod
    def _tooltip(sc: Scenario, col: Column) -> str | None:
        if col in (Column.TITLE, Column.SUMMARY):
            return sc.summary.strip()
        if col == Column.COMPETENCIES:
            return "\n".join(competency_title(n) for n in sc.competencies)
        return None

    @staticmethod
    def _display(sc: Scenario, col: Column, result: LastResult | None) -> str | int:
        if col == Column.TITLE:
            return sc.title
        if col == Column.SUMMARY:
            return " ".join(sc.summary.split())
        if col == Column.MINUTES:
            return sc.minutes
        if col == Column.COMPETENCIES:
            return ", ".join(competency_name(c) for c in sc.competencies)
        if col == Column.WARNINGS:
            return ", ".join(sc.content_warnings) or "none"
        if col == Column.STATUS:
            return status_of(result).capitalize()
        return describe_result(result)


class ScenarioFilterProxy(QSortFilterProxyModel):
    """Search text plus competency, tag, status, setting and population filters."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._competency: int | None = None
        self._tag: str | None = None
        self._status: str | None = None
        self._setting: str | None = None
        self._population: str | None = None
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def _begin(self) -> None:
        # Qt 6.10 replaced invalidateRowsFilter() by begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def set_search(self, text: str) -> None:
        """Keep rows whose title, summary, tags or warnings contain every word."""
        self._begin()
        self._words = tuple(text.casefold().split())
        self._end()

    def set_competency(self, number: int | None) -> None:
        """Keep rows tagged with this competency (None: all)."""
        self._begin()
        self._competency = number
        self._end()

    def set_tag(self, tag: str | None) -> None:
        """Keep rows with this tag (None: all)."""
        self._begin()
        self._tag = tag
        self._end()

    def set_status(self, status: str | None) -> None:
        """Keep rows with this status: new, in progress or completed (None: all)."""
        self._begin()
        self._status = status
        self._end()

    def set_setting(self, setting: str | None) -> None:
        """Keep rows that take place in this setting id (None: all)."""
        self._begin()
        self._setting = setting
        self._end()

    def set_population(self, population: str | None) -> None:
        """Keep rows about this population id (None: all)."""
        self._begin()
        self._population = population
        self._end()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._words:
            haystack = str(model.data(index, SearchTextRole))
            if not all(w in haystack for w in self._words):
                return False
        if self._competency is not None and self._competency not in model.data(
                index, CompetenciesRole):
            return False
        if self._tag is not None and self._tag not in model.data(index, TagsRole):
            return False
        if self._setting is not None and model.data(index, SettingRole) != self._setting:
            return False
        if self._population is not None and self._population not in model.data(
                index, PopulationRole):
            return False
        return self._status is None or model.data(index, StatusRole) == self._status


class ProblemFilesModel(QAbstractListModel):
    """One row per diagnostic of every file that could not be loaded: ``file:line: message``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[str] = []
        self._files = 0

    def set_problems(self, problems: tuple[LoadedFile, ...]) -> None:
        """Replace the list with these files' diagnostics (errors first within a file)."""
        self.beginResetModel()
        rows: list[str] = []
        for f in problems:
            diags = sorted(f.diagnostics, key=lambda d: (d.severity.value != "error", d.line))
            rows.extend(d.format() for d in diags)
        self._rows = rows
        self._files = len(problems)
        self.endResetModel()

    @property
    def file_count(self) -> int:
        """How many files could not be loaded."""
        return self._files

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()]
        return None
