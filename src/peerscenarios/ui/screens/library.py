"""The library screen: searchable, filterable scenario table, details, and unloadable files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerscenarios import paths
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.models.library import (
    Column,
    ProblemFilesModel,
    ScenarioFilterProxy,
    ScenarioRole,
    ScenarioTableModel,
    describe_result,
)
from peerscenarios.ui.screens.library_controller import LibraryController
from peerscenarios.ui.screens.library_details import DetailsCard, ProblemsPanel, details_html
from peerscenarios.ui.screens.library_filters import FilterBar
from peerscenarios.ui.widgets.columns import ColumnFitter, ColumnPlan, SingleLineDelegate
from peerscenarios.ui.widgets.common import read_in_order
from peerscenarios.ui.widgets.flow_layout import FlowLayout
from peerscenarios.ui.widgets.search_field import SearchField

if TYPE_CHECKING:
    from peerscenarios.storage import Change, ProfileRecord

# Show the loading bar only if loading takes longer than a blink.
PROGRESS_DELAY_MS = 300
# However large the text, the table keeps room for this many rows; the page
# scrolls (vertically only) to reach the details below it instead.
MIN_VISIBLE_ROWS = 6
# Title, status and last result always show; the others join, in this order, while
# their whole width fits; the summary only with room for a useful part of it. The
# details pane below shows every one of them for the selected scenario.
COLUMN_PLAN = ColumnPlan(
    required=(Column.TITLE, Column.STATUS, Column.LAST_RESULT),
    optional=(Column.COMPETENCIES, Column.MINUTES, Column.WARNINGS),
    stretch=Column.TITLE, flexible=Column.SUMMARY, flexible_min=260, wrap_stretch=True)


class LibraryScreen(QWidget):
    """Browse scenarios and start one in practice or assessment mode, or present it."""

    start_requested = Signal(object, str)  # Scenario, "practice" | "assessment"
    resume_requested = Signal(int)  # attempt id of a paused attempt
    start_over_requested = Signal(object, int)  # Scenario, the paused attempt set aside
    present_requested = Signal(object)  # Scenario

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        self.model = ScenarioTableModel(self)
        self.proxy = ScenarioFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.problem_model = ProblemFilesModel(self)
        self.controller = LibraryController(ctx, self.model, self.problem_model)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_DELAY_MS)
        self._filters_timer = QTimer(self)
        self._filters_timer.setSingleShot(True)
        self._filters_timer.setInterval(0)
        self._build()
        self._connect_signals()
        self._show_details(None)

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The page scrolls vertically when the text is too large for the window; never
        # sideways: rows of controls wrap and table columns fit the width instead.
        self.page_scroll = QScrollArea(self)
        self.page_scroll.setObjectName("pageScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_scroll.setAccessibleName("Library page")
        outer.addWidget(self.page_scroll)
        body = QWidget(self.page_scroll)
        body.setObjectName("page")
        self.page_scroll.setWidget(body)
        col = QVBoxLayout(body)
        col.setContentsMargins(16, 12, 16, 12)

        heading_row = QHBoxLayout()
        heading = QLabel("Library", body)
        heading.setObjectName("heading")
        heading_row.addWidget(heading)
        self.open_folder_button = QPushButton("Open scenarios folder", body)
        self.open_folder_button.setAccessibleName("Open your scenarios folder")
        self.reload_button = QPushButton("Reload", body)
        self.reload_button.setAccessibleName("Reload the scenario library")
        tools = QWidget(body)
        tools_flow = FlowLayout(tools, fill=False)
        tools_flow.setAlignment(Qt.AlignmentFlag.AlignRight)
        tools_flow.addWidget(self.open_folder_button)
        tools_flow.addWidget(self.reload_button)
        heading_row.addWidget(tools, 1)
        col.addLayout(heading_row)

        self.progress = QProgressBar(body)
        self.progress.setAccessibleName("Loading scenarios")
        self.progress.setFormat("Loading scenarios… %v of %m")
        self.progress.hide()
        col.addWidget(self.progress)

        # Search, count and the filters button share a line while it is wide enough.
        search_bar = QWidget(body)
        search_row = FlowLayout(search_bar, grow_expanding_only=True)
        self.search_edit = SearchField("Search scenarios", "Search titles, summaries, tags…", body)
        search_row.addWidget(self.search_edit)
        # The visible twin of the spoken count.
        self.count_label = QLabel("", body)
        self.count_label.setObjectName("muted")
        search_row.addWidget(self.count_label)

        self.filters_button = QPushButton("Show filters", body)
        self.filters_button.setToolTip("Competency, tag, status, setting and population")
        search_row.addWidget(self.filters_button)
        # Filters shown and no button is the usual case: start there, so the first frame
        # does not flash a button the first fit (a zero timer, after layout) takes away.
        self.filters_button.hide()
        col.addWidget(search_bar)
        self.filters = FilterBar(body)
        (self.competency_combo, self.tag_combo, self.status_combo, self.setting_combo,
         self.population_combo) = self.filters.combos
        col.addWidget(self.filters)
        # None: the filters show whenever six rows of the list still fit below them;
        # True or False once the trainee has chosen with the button.
        self._filters_wanted: bool | None = None

        self.splitter = QSplitter(Qt.Orientation.Vertical, body)
        self.table = QTableView(self.splitter)
        self.table.setAccessibleName("Scenarios")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # Only a title too long for the width wraps (the others are sized to fit), its
        # row as tall as it needs; the summary stays on one line.
        self.table.setItemDelegateForColumn(Column.SUMMARY, SingleLineDelegate(self.table))
        self.table.verticalHeader().hide()
        # Always there, so fitting the columns never changes the width it fits them to.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.table.setTabKeyNavigation(False)
        self.columns = ColumnFitter(self.table, COLUMN_PLAN)

        self.details = DetailsCard(self.splitter)
        self.details_view = self.details.view
        self.practice_button = self.details.practice_button
        self.assessment_button = self.details.assessment_button
        self.resume_button = self.details.resume_button
        self.start_over_button = self.details.start_over_button
        self.present_button = self.details.present_button
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        read_in_order(self.splitter)
        col.addWidget(self.splitter, 1)

        self.problems_frame = ProblemsPanel(self.problem_model, body)
        self.problems_label = self.problems_frame.label
        self.problems_view = self.problems_frame.view
        col.addWidget(self.problems_frame)
        self._find = QShortcut(QKeySequence.StandardKey.Find, self)
        self._find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._fit_rows()

    def _connect_signals(self) -> None:
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        self.filters.changed.connect(self.on_filters_changed)
        self.columns.fitted.connect(self.on_columns_fitted)
        self.filters_button.clicked.connect(self.on_filters_button_clicked)
        self._find.activated.connect(self.on_find_activated)
        self.table.selectionModel().selectionChanged.connect(self.on_table_selection_changed)
        self.table.activated.connect(self.on_table_activated)
        self.practice_button.clicked.connect(self.on_practice_button_clicked)
        self.resume_button.clicked.connect(self.on_resume_button_clicked)
        self.start_over_button.clicked.connect(self.on_start_over_button_clicked)
        self.assessment_button.clicked.connect(self.on_assessment_button_clicked)
        self.present_button.clicked.connect(self.on_present_button_clicked)
        self.reload_button.clicked.connect(self.on_reload_button_clicked)
        self.open_folder_button.clicked.connect(self.on_open_folder_button_clicked)
        self.ctx.library_load_started.connect(self.on_ctx_library_load_started)
        self.ctx.library_progress.connect(self.on_ctx_library_progress)
        self.ctx.library_changed.connect(self.on_ctx_library_changed)
        self.ctx.storage_changed.connect(self.on_ctx_storage_changed)
        self.ctx.profile_changed.connect(self.on_ctx_profile_changed)
        self.ctx.text_size_changed.connect(self.on_ctx_text_size_changed)
        self._progress_timer.timeout.connect(self.progress.show)
        self._filters_timer.timeout.connect(self._fit_filters)

    # ---------------------------------------------------------------- queries

    def focus_first(self) -> None:
        """Focus the scenario list (its selected row), the first thing to act on here."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def selected_scenario(self) -> Scenario | None:
        """The scenario selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        scenario = rows[0].data(ScenarioRole)
        return scenario if isinstance(scenario, Scenario) else None

    def select_scenario(self, scenario_id: str) -> bool:
        """Select a scenario's row (clearing filters if they hide it); True if found."""
        row = self.model.row_of(scenario_id)
        if row < 0:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            self.search_edit.clear()
            self.filters.reset()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(proxy_index.row())
        self.table.scrollTo(proxy_index)
        return True

    # ---------------------------------------------------------------- details

    def paused_attempt_id(self, sc: Scenario | None) -> int | None:
        """The paused attempt of a scenario, if it has one."""
        result = self.model.result(sc.id) if sc is not None else None
        return result.paused_attempt_id if result is not None else None

    def _show_details(self, sc: Scenario | None) -> None:
        for b in (self.practice_button, self.assessment_button, self.present_button):
            b.setEnabled(sc is not None)
        # A paused scenario offers Resume and Start over in place of the two Start buttons.
        paused = self.paused_attempt_id(sc) is not None
        self.resume_button.setVisible(paused)
        self.start_over_button.setVisible(paused)
        self.practice_button.setVisible(not paused)
        self.assessment_button.setVisible(not paused)
        if sc is None:
            count = self.model.rowCount()
            self.details_view.setHtml(
                "<p>Choose a scenario above to see what it is about.</p>" if count
                else "<p>No scenarios yet.</p>")
            return
        result = describe_result(self.model.result(sc.id)) or "not played yet"
        self.details_view.setHtml(details_html(sc, result))

    def _fit_rows(self) -> None:
        """Room for MIN_VISIBLE_ROWS rows, counting the tallest (wrapped) ones."""
        rows = self.table.verticalHeader()
        heights = sorted((rows.sectionSize(r) for r in range(self.proxy.rowCount())),
                         reverse=True)[:MIN_VISIBLE_ROWS]
        one_line = self.table.fontMetrics().height() + 10
        heights += [one_line] * (MIN_VISIBLE_ROWS - len(heights))
        header = self.table.horizontalHeader().sizeHint().height()
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(header + frame + sum(heights))

    def _fit_filters(self) -> None:
        """Show the filters if the trainee asked, or if six rows of the list fit below them."""
        show = self._filters_wanted
        if show is None:
            body = self.page_scroll.widget()
            col = body.layout() if body is not None else None
            if col is None:
                return
            width = self.page_scroll.viewport().width()
            margins = col.contentsMargins()
            width -= margins.left() + margins.right()
            # Everything stacked above the table, at this width, then the table's six rows.
            used = margins.top()
            for i in range(col.count()):
                item = col.itemAt(i)
                widget = item.widget() if item is not None else None
                if item is None or widget is self.splitter:
                    break
                if widget is self.filters:
                    # Measured as shown even while folded (a hidden item measures -1).
                    used += col.spacing() + self.filters.heightForWidth(width)
                elif widget is None or not widget.isHidden():
                    used += col.spacing() + (item.heightForWidth(width)
                                             if item.hasHeightForWidth()
                                             else item.sizeHint().height())
            show = used + self.table.minimumHeight() <= self.page_scroll.viewport().height()
        self.filters.setVisible(show)
        self._show_filters_button()

    def _show_filters_button(self) -> None:
        # Only offered when the filters had to fold away (or were folded by hand).
        folded = self.filters.isHidden()
        active = self.filters.active_count()
        text = "Hide filters" if not folded else (
            f"Show filters ({active} on)" if active else "Show filters")
        self.filters_button.setText(text)
        self.filters_button.setAccessibleName(text)
        self.filters_button.setVisible(folded or self._filters_wanted is not None)
        # A text set while hidden leaves the layout's cached size behind: refresh it.
        self.filters_button.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._filters_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Sizes read while the page was hidden (a text-size change elsewhere) are stale;
        # measure once the layouts have settled.
        self._filters_timer.start()

    def _update_count(self, *, spoken: bool = False) -> None:
        """Show how many scenarios are listed; say it too when the trainee narrowed them."""
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        noun = "scenario" if total == 1 else "scenarios"
        if shown == total:
            text = f"{total} {noun}"
        elif shown == 0:
            text = f"No scenario matches (of {total})"
        else:
            text = f"{shown} of {total} {noun}"
        if text != self.count_label.text():
            self.count_label.setText(text)
            if spoken:
                self.search_edit.announce_count(text)

    # ------------------------------------------------------------------ slots

    @Slot(str)
    def on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)
        self._update_count(spoken=True)

    @Slot()
    def on_filters_changed(self) -> None:
        self.filters.apply(self.proxy)
        self._update_count(spoken=True)
        self._show_filters_button()

    @Slot()
    def on_filters_button_clicked(self) -> None:
        self._filters_wanted = self.filters.isHidden()
        self._fit_filters()
        if self._filters_wanted:
            self.competency_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def on_find_activated(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot(QItemSelection, QItemSelection)
    def on_table_selection_changed(self, _selected: QItemSelection,
                                   _deselected: QItemSelection) -> None:
        self._show_details(self.selected_scenario())

    @Slot(QModelIndex)
    def on_table_activated(self, index: QModelIndex) -> None:
        scenario = index.data(ScenarioRole)
        if not isinstance(scenario, Scenario):
            return
        paused = self.paused_attempt_id(scenario)
        if paused is not None:
            self.resume_requested.emit(paused)
        else:
            self.start_requested.emit(scenario, "practice")

    @Slot()
    def on_resume_button_clicked(self) -> None:
        paused = self.paused_attempt_id(self.selected_scenario())
        if paused is not None:
            self.resume_requested.emit(paused)

    @Slot()
    def on_start_over_button_clicked(self) -> None:
        sc = self.selected_scenario()
        paused = self.paused_attempt_id(sc)
        if sc is not None and paused is not None:
            self.start_over_requested.emit(sc, paused)

    @Slot()
    def on_practice_button_clicked(self) -> None:
        sc = self.selected_scenario()
        if sc is not None:
            self.start_requested.emit(sc, "practice")

    @Slot()
    def on_assessment_button_clicked(self) -> None:
        sc = self.selected_scenario()
        if sc is not None:
            self.start_requested.emit(sc, "assessment")

    @Slot()
    def on_present_button_clicked(self) -> None:
        sc = self.selected_scenario()
        if sc is not None:
            self.present_requested.emit(sc)

    @Slot()
    def on_reload_button_clicked(self) -> None:
        self.ctx.reload_library()

    @Slot()
    def on_open_folder_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.user_scenarios_dir())))

    @Slot()
    def on_ctx_library_load_started(self) -> None:
        self.reload_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self._progress_timer.start()

    @Slot(int, int)
    def on_ctx_library_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def on_ctx_library_changed(self, library: Library) -> None:
        self._progress_timer.stop()
        self.progress.hide()
        self.reload_button.setEnabled(True)
        selected = self.selected_scenario()
        self.controller.library_loaded(library)
        self.filters.fill(library)
        self.filters.apply(self.proxy)
        self._update_count()
        self.problems_frame.refresh()
        if selected is None or not self.select_scenario(selected.id):
            if self.proxy.rowCount() > 0:
                self.table.selectRow(0)
            else:
                self._show_details(None)

    @Slot(object)
    def on_ctx_storage_changed(self, change: Change) -> None:
        from peerscenarios.storage import ChangeKind  # loaded by now: a change came from it

        self.controller.storage_changed(change)
        if change.kind is ChangeKind.ATTEMPTS:
            self._show_details(self.selected_scenario())
            self._update_count()

    @Slot(int)
    def on_ctx_text_size_changed(self, _step: int) -> None:
        # Columns that no longer fit give way (the details pane shows them all).
        self._filters_wanted = None
        self.columns.fit()

    @Slot()
    def on_columns_fitted(self) -> None:
        self._fit_rows()
        self._filters_timer.start()

    @Slot(object)
    def on_ctx_profile_changed(self, _profile: ProfileRecord) -> None:
        self.controller.refresh_results()
        self._show_details(self.selected_scenario())
