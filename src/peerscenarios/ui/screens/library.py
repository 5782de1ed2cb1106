"""The library screen: searchable, filterable scenario table, details, and unloadable files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerscenarios import paths
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import COMPETENCIES
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.models.library import (
    STATUS_COMPLETED,
    STATUS_NEW,
    STATUS_PAUSED,
    Column,
    ProblemFilesModel,
    ScenarioFilterProxy,
    ScenarioRole,
    ScenarioTableModel,
    describe_result,
)
from peerscenarios.ui.widgets.richtext import InertBrowser, esc, md

if TYPE_CHECKING:
    from peerscenarios.storage import Change, ProfileRecord

# Show the loading bar only if loading takes longer than a blink.
PROGRESS_DELAY_MS = 300
LARGE_TEXT_STEP = 3


class LibraryController:
    """Keeps the scenario model in step with the loaded library and the profile's results."""

    def __init__(self, ctx: AppContext, model: ScenarioTableModel,
                 problems: ProblemFilesModel) -> None:
        self.ctx = ctx
        self.model = model
        self.problems = problems

    def library_loaded(self, library: Library) -> None:
        """Fill both models from a freshly loaded library."""
        self.model.set_scenarios(library.scenarios)
        self.problems.set_problems(library.problems)
        self.refresh_results()

    def refresh_results(self) -> None:
        """Re-read the current profile's last results (only changed rows repaint)."""
        if self.ctx.profile is None:
            self.model.set_results({})
            return
        self.model.set_results(self.ctx.storage.last_results(self.ctx.profile.id))

    def storage_changed(self, change: Change) -> None:
        """A new, finished or abandoned attempt changes a status cell; nothing else does."""
        from peerscenarios.storage import ChangeKind  # loaded by now: a change came from it

        if change.kind is ChangeKind.ATTEMPTS and self.ctx.profile is not None \
                and change.profile_id == self.ctx.profile.id:
            self.refresh_results()


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
        self._build()
        self._connect_signals()
        self._show_details(None)

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        heading_row = QHBoxLayout()
        heading = QLabel("Library", self)
        heading.setObjectName("heading")
        heading_row.addWidget(heading)
        heading_row.addStretch(1)
        self.open_folder_button = QPushButton("Open scenarios folder", self)
        self.open_folder_button.setAccessibleName("Open your scenarios folder")
        self.reload_button = QPushButton("Reload", self)
        self.reload_button.setAccessibleName("Reload the scenario library")
        heading_row.addWidget(self.open_folder_button)
        heading_row.addWidget(self.reload_button)
        outer.addLayout(heading_row)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Loading scenarios")
        self.progress.setFormat("Loading scenarios… %v of %m")
        self.progress.hide()
        outer.addWidget(self.progress)

        # The search field has a row of its own so it stays usable at the largest text size.
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search titles, summaries, tags…")
        self.search_edit.setAccessibleName("Search scenarios")
        self.search_edit.setClearButtonEnabled(True)
        outer.addWidget(self.search_edit)
        filters = QHBoxLayout()
        self.competency_combo = QComboBox(self)
        self.competency_combo.setAccessibleName("Filter by competency")
        self.competency_combo.addItem("All competencies", None)
        for number, comp in COMPETENCIES.items():
            self.competency_combo.addItem(f"{number}. {comp.title}", number)
        self.competency_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.competency_combo.setMinimumContentsLength(18)
        filters.addWidget(self.competency_combo, 2)
        self.tag_combo = QComboBox(self)
        self.tag_combo.setAccessibleName("Filter by tag")
        self.tag_combo.addItem("All tags", None)
        self.tag_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.tag_combo.setMinimumContentsLength(10)
        filters.addWidget(self.tag_combo, 1)
        self.status_combo = QComboBox(self)
        self.status_combo.setAccessibleName("Filter by status")
        self.status_combo.addItem("Any status", None)
        self.status_combo.addItem("New", STATUS_NEW)
        self.status_combo.addItem("Paused", STATUS_PAUSED)
        self.status_combo.addItem("Completed", STATUS_COMPLETED)
        filters.addWidget(self.status_combo, 1)
        outer.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = QTableView(self.splitter)
        self.table.setAccessibleName("Scenarios")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.TITLE, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.SUMMARY, QHeaderView.ResizeMode.Stretch)
        for col in (Column.TITLE, Column.MINUTES, Column.COMPETENCIES, Column.STATUS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(60)

        details = QFrame(self.splitter)
        details.setObjectName("card")
        row = QHBoxLayout(details)
        row.setContentsMargins(12, 8, 12, 8)
        self.details_view = InertBrowser(details)
        self.details_view.setAccessibleName("Scenario details")
        row.addWidget(self.details_view, 1)
        buttons = QVBoxLayout()
        self.practice_button = QPushButton("Start in practice mode", details)
        self.practice_button.setObjectName("primary")
        self.practice_button.setAccessibleName("Start in practice mode")
        self.practice_button.setToolTip("You can step back and try another response.")
        self.assessment_button = QPushButton("Start in assessment mode", details)
        self.assessment_button.setAccessibleName("Start in assessment mode")
        self.assessment_button.setToolTip("Every choice stands; no stepping back.")
        self.resume_button = QPushButton("Resume", details)
        self.resume_button.setObjectName("primary")
        self.resume_button.setToolTip("Carry on where you paused, reflection drafts included.")
        self.start_over_button = QPushButton("Start over", details)
        self.start_over_button.setToolTip("Set the paused attempt aside (it stays in your "
                                          "history) and begin again.")
        self.present_button = QPushButton("Present to a group…", details)
        self.present_button.setAccessibleName("Present to a group")
        self.present_button.setToolTip("Facilitator mode for a projector and a room.")
        for b in (self.resume_button, self.start_over_button, self.practice_button,
                  self.assessment_button, self.present_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        row.addLayout(buttons)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        self.problems_frame = QFrame(self)
        self.problems_frame.setObjectName("problems")
        plays = QVBoxLayout(self.problems_frame)
        plays.setContentsMargins(12, 8, 12, 8)
        self.problems_label = QLabel(self.problems_frame)
        self.problems_label.setWordWrap(True)
        plays.addWidget(self.problems_label)
        self.problems_view = QListView(self.problems_frame)
        self.problems_view.setAccessibleName("Scenario files that could not be loaded")
        self.problems_view.setModel(self.problem_model)
        self.problems_view.setWordWrap(True)
        self.problems_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_view.setMaximumHeight(140)
        plays.addWidget(self.problems_view)
        self.problems_frame.hide()
        outer.addWidget(self.problems_frame)

    def _connect_signals(self) -> None:
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        self.competency_combo.currentIndexChanged.connect(self.on_filter_changed)
        self.tag_combo.currentIndexChanged.connect(self.on_filter_changed)
        self.status_combo.currentIndexChanged.connect(self.on_filter_changed)
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
            for combo in (self.competency_combo, self.tag_combo, self.status_combo):
                combo.setCurrentIndex(0)
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
        comps = "".join(f"<li>{n}. {esc(COMPETENCIES[n].title)}</li>"
                        for n in sc.competencies if n in COMPETENCIES)
        warnings = ", ".join(esc(w) for w in sc.content_warnings) or "none"
        tags = ", ".join(esc(t) for t in sc.tags) or "none"
        result = describe_result(self.model.result(sc.id)) or "not played yet"
        self.details_view.setHtml(
            f"<h2>{esc(sc.title)}</h2>{md(sc.summary)}"
            f"<p><b>About {sc.minutes} minutes</b> · {sc.decision_count} decisions · "
            f"<b>Content warnings:</b> {warnings} · <b>Tags:</b> {tags}</p>"
            f"<p><b>Your last result:</b> {esc(result)}</p>"
            f"<p><b>Competencies practised:</b></p><ul>{comps}</ul>")

    def _fill_tags(self, library: Library) -> None:
        current = self.tag_combo.currentData()
        self.tag_combo.blockSignals(True)
        self.tag_combo.clear()
        self.tag_combo.addItem("All tags", None)
        for tag in sorted({t for s in library.scenarios for t in s.tags}, key=str.casefold):
            self.tag_combo.addItem(tag, tag)
        found = self.tag_combo.findData(current) if current is not None else 0
        self.tag_combo.setCurrentIndex(max(found, 0))
        self.tag_combo.blockSignals(False)
        self.proxy.set_tag(self.tag_combo.currentData())

    def _show_problems(self) -> None:
        files = self.problem_model.file_count
        self.problems_frame.setVisible(files > 0)
        if files:
            noun = "file" if files == 1 else "files"
            self.problems_label.setText(
                f"⚠ {files} scenario {noun} could not be loaded. The rest of the library "
                "works; fix the lines below and press Reload.")

    # ------------------------------------------------------------------ slots

    @Slot(str)
    def on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_search(text)

    @Slot(int)
    def on_filter_changed(self, _index: int) -> None:
        self.proxy.set_competency(self.competency_combo.currentData())
        self.proxy.set_tag(self.tag_combo.currentData())
        self.proxy.set_status(self.status_combo.currentData())

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
        self._fill_tags(library)
        self._show_problems()
        if selected is None or not self.select_scenario(selected.id):
            if self.proxy.rowCount() > 0:
                self.table.selectRow(0)
            else:
                self._show_details(None)
        self.table.resizeColumnToContents(Column.LAST_RESULT)

    @Slot(object)
    def on_ctx_storage_changed(self, change: Change) -> None:
        from peerscenarios.storage import ChangeKind  # loaded by now: a change came from it

        self.controller.storage_changed(change)
        if change.kind is ChangeKind.ATTEMPTS:
            self._show_details(self.selected_scenario())

    @Slot(int)
    def on_ctx_text_size_changed(self, step: int) -> None:
        # With large text the summary column has no room; the details pane shows it in full.
        self.table.setColumnHidden(Column.SUMMARY, step >= LARGE_TEXT_STEP)

    @Slot(object)
    def on_ctx_profile_changed(self, _profile: ProfileRecord) -> None:
        self.controller.refresh_results()
        self._show_details(self.selected_scenario())
