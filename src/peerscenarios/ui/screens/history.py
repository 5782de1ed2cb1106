"""The history screen: attempts, reflection search, boundary profile, group sessions, export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.views import attempt_entry, build_group_report
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.export_dialog import ExportDialog, ExportRunner
from peerscenarios.ui.models.history import (
    AttemptColumn,
    AttemptIdRole,
    AttemptListModel,
    BoundaryProfileModel,
    GroupSessionModel,
    ReflectionListModel,
)
from peerscenarios.ui.screens.history_text import attempt_html, group_html
from peerscenarios.ui.widgets.chart import BoundaryChart, ProfileTable
from peerscenarios.ui.widgets.columns import ColumnFitter, ColumnPlan
from peerscenarios.ui.widgets.common import heading, read_in_order
from peerscenarios.ui.widgets.filters import labelled_combo
from peerscenarios.ui.widgets.match_delegate import install as install_match_delegate
from peerscenarios.ui.widgets.richtext import InertBrowser
from peerscenarios.ui.widgets.search_field import SearchField

if TYPE_CHECKING:
    from peerscenarios.storage import Change, Storage

# Search as the trainee types, once they pause briefly (not a time limit).
SEARCH_DELAY_MS = 250
# Hits of one search; far more than anyone reads, and FTS5 stops early.
SEARCH_LIMIT = 200
# Each table shows what it must, then what fits; the title takes the rest, and the
# detail below the table shows everything about the selected row.
ATTEMPT_COLUMNS = ColumnPlan(
    required=(AttemptColumn.STARTED, AttemptColumn.SCENARIO, AttemptColumn.STATUS),
    optional=(AttemptColumn.DRIFTS, AttemptColumn.MODE, AttemptColumn.DECISIONS,
              AttemptColumn.REFLECTIONS, AttemptColumn.NUMBER),
    stretch=AttemptColumn.SCENARIO, wrap_stretch=True)
REFLECTION_COLUMNS = ColumnPlan(required=(0, 1, 2), stretch=2, max_share=((1, 0.3),))
GROUP_COLUMNS = ColumnPlan(required=(0, 1), optional=(2, 3), stretch=1,
                           wrap_stretch=True)
# Tab titles, and the shorter ones used when the full ones would not fit the width.
TABS = (("&Attempts", "&Attempts"), ("&Reflections", "&Reflections"),
        ("&Boundary profile", "&Profile"), ("&Group sessions", "&Groups"))
NO_ATTEMPTS = ("<p>No attempts yet. Choose a scenario in the Library; every attempt, "
               "finished or not, is listed here.</p>")


def _table(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    return view


class HistoryScreen(QWidget):
    """Everything the trainee has done, and their boundary profile over time."""

    export_finished = Signal(str)  # path written

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.ctx = ctx
        storage = ctx.storage if ctx.has_storage else None
        self.attempts = AttemptListModel(storage, self._title, self)
        self.hits = ReflectionListModel(storage, self._title, self)
        self.profile_model = BoundaryProfileModel(self)
        self.groups = GroupSessionModel(storage, self._title, self)
        self.exporter = ExportRunner(ctx, self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._profile_stale = True
        self._groups_stale = True
        self._reflections_stale = True
        # Attempts whose counts changed while the screen was hidden: re-read when shown.
        self._pending_attempts: set[int] = set()
        self._build()
        self._connect_signals()

    def _title(self, scenario_id: str) -> str:
        sc = self.ctx.library.by_id(scenario_id)
        return sc.title if sc is not None else scenario_id

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        top.addWidget(heading("My history", self), 1)
        self.export_button = QPushButton("Export portfolio…", self)
        self.export_button.setAccessibleName("Export my portfolio as PDF, Markdown or CSV")
        top.addWidget(self.export_button)
        outer.addLayout(top)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("History sections")
        outer.addWidget(self.tabs, 1)

        # Attempts
        # Table above its detail: the table needs the width for its columns.
        split = QSplitter(Qt.Orientation.Vertical, self.tabs)
        self.attempts_view = _table(split, "My attempts")
        self.attempts_view.setModel(self.attempts)
        self.attempt_columns = ColumnFitter(self.attempts_view, ATTEMPT_COLUMNS)
        self.attempt_detail = InertBrowser(split)
        self.attempt_detail.setAccessibleName("Attempt details")
        self.attempt_detail.setHtml(NO_ATTEMPTS)
        split.addWidget(self.attempts_view)
        split.addWidget(self.attempt_detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        read_in_order(split)
        self.tabs.addTab(split, "&Attempts")

        # Reflections: the recent ones at once; typing narrows them to a search.
        search_page = QWidget(self.tabs)
        sl = QVBoxLayout(search_page)
        self.search_edit = SearchField(
            "Search my reflections", "Search what you wrote in your reflections…", search_page)
        sl.addWidget(self.search_edit)
        self.search_status = QLabel("", search_page)
        self.search_status.setObjectName("muted")
        self.search_status.setWordWrap(True)
        sl.addWidget(self.search_status)
        ssplit = QSplitter(Qt.Orientation.Vertical, search_page)
        self.hits_view = _table(ssplit, "My reflections")
        self.hits_view.setModel(self.hits)
        # A reflection's first lines, wrapped: each row as tall as what it shows.
        self.hits_view.setWordWrap(True)
        self.hits_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.hit_columns = ColumnFitter(self.hits_view, REFLECTION_COLUMNS)
        self.match_delegate = install_match_delegate(self.hits_view, 2)
        self.hit_detail = InertBrowser(ssplit)
        self.hit_detail.setAccessibleName("The attempt of the selected reflection")
        ssplit.addWidget(self.hits_view)
        ssplit.addWidget(self.hit_detail)
        ssplit.setStretchFactor(0, 3)
        ssplit.setStretchFactor(1, 2)
        read_in_order(ssplit)
        sl.addWidget(ssplit, 1)
        self.tabs.addTab(search_page, "&Reflections")

        # Boundary profile
        prof_page = QWidget(self.tabs)
        pl = QVBoxLayout(prof_page)
        row = QHBoxLayout()
        intro = QLabel("How often each kind of response was chosen, over time "
                       "(stepped-back choices are left out).", prof_page)
        intro.setWordWrap(True)
        row.addWidget(intro, 1)
        cell, _, self.bucket_combo = labelled_combo("Group by", "Group the profile by",
                                                    prof_page)
        self.bucket_combo.addItem("Week", "week")
        self.bucket_combo.addItem("Ten attempts", "ten")
        row.addWidget(cell)
        pl.addLayout(row)
        psplit = QSplitter(Qt.Orientation.Vertical, prof_page)
        self.chart = BoundaryChart(self.profile_model, psplit)
        self.profile_view = ProfileTable(self.profile_model, psplit)
        psplit.addWidget(self.chart)
        psplit.addWidget(self.profile_view)
        psplit.setStretchFactor(0, 3)
        psplit.setStretchFactor(1, 2)
        read_in_order(psplit)
        pl.addWidget(psplit, 1)
        self.tabs.addTab(prof_page, "&Boundary profile")

        # Group sessions
        gsplit = QSplitter(Qt.Orientation.Horizontal, self.tabs)
        self.groups_view = _table(gsplit, "Group sessions")
        self.groups_view.setModel(self.groups)
        self.group_columns = ColumnFitter(self.groups_view, GROUP_COLUMNS)
        self.group_detail = InertBrowser(gsplit)
        self.group_detail.setAccessibleName("Group session details")
        self.group_detail.setHtml("<p>Sessions you facilitated with a group appear here. "
                                  "They hold no names, only the room's votes.</p>")
        gsplit.addWidget(self.groups_view)
        gsplit.addWidget(self.group_detail)
        gsplit.setStretchFactor(0, 3)
        gsplit.setStretchFactor(1, 2)
        read_in_order(gsplit)
        self.tabs.addTab(gsplit, "&Group sessions")
        self._find = QShortcut(QKeySequence.StandardKey.Find, self)
        self._find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _connect_signals(self) -> None:
        self.export_button.clicked.connect(self.on_export_button_clicked)
        self.exporter.export_finished.connect(self.export_finished)
        self.attempts_view.selectionModel().selectionChanged.connect(
            self.on_attempts_view_selection_changed)
        self.hits_view.selectionModel().selectionChanged.connect(
            self.on_hits_view_selection_changed)
        self.groups_view.selectionModel().selectionChanged.connect(
            self.on_groups_view_selection_changed)
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self.on_search_edit_return_pressed)
        self._search_timer.timeout.connect(self.on_search_timer_timeout)
        self.bucket_combo.currentIndexChanged.connect(self.on_bucket_combo_changed)
        self._find.activated.connect(self.on_find_activated)
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        self.ctx.storage_opened.connect(self.on_ctx_storage_opened)
        self.ctx.storage_changed.connect(self.on_ctx_storage_changed)
        self.ctx.profile_changed.connect(self.on_ctx_profile_changed)
        self.ctx.library_changed.connect(self.on_ctx_library_changed)
        self.ctx.text_size_changed.connect(self.on_ctx_text_size_changed)

    # ---------------------------------------------------------------- actions

    def _fit_tabs(self) -> None:
        """Full tab titles if they fit the width, else the short ones (never cut or scrolled)."""
        bar = self.tabs.tabBar()
        for i, (full, _short) in enumerate(TABS):
            bar.setTabText(i, full)
            bar.setTabToolTip(i, "")
        if bar.sizeHint().width() > self.tabs.width():
            for i, (full, short) in enumerate(TABS):
                bar.setTabText(i, short)
                # The full title stays a hover away (and is the tab's description).
                if short != full:
                    bar.setTabToolTip(i, full.replace("&", ""))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tabs()

    def showEvent(self, event: QShowEvent) -> None:
        self._fit_tabs()
        pending, self._pending_attempts = self._pending_attempts, set()
        for attempt_id in sorted(pending):
            self.attempts.refresh_attempt(attempt_id)
        super().showEvent(event)

    def refresh(self) -> None:
        """Re-read everything for the current profile."""
        self._pending_attempts.clear()
        self.attempts.set_profile(self.ctx.profile.id if self.ctx.profile else None)
        self._profile_stale = True
        self._groups_stale = True
        self._reflections_stale = True
        self._refresh_visible_tab()
        self._show_first_attempt()

    def _show_first_attempt(self) -> None:
        # The newest attempt is shown at once; an empty history says how it fills.
        if self.attempts.canFetchMore():
            self.attempts.fetchMore()
        if self.attempts.rowCount() == 0:
            self.attempt_detail.setHtml(NO_ATTEMPTS)
        elif not self.attempts_view.selectionModel().hasSelection():
            self.attempts_view.selectRow(0)

    def _refresh_visible_tab(self) -> None:
        # The profile and group lists are read only when their tab is looked at.
        page = self.tabs.currentIndex()
        if page == 1 and self._reflections_stale:
            self.search()
        if page == 2 and self._profile_stale:
            self._load_profile()
        if page == 3 and self._groups_stale:
            self.groups.reload()
            self._groups_stale = False

    def _load_profile(self) -> None:
        self._profile_stale = False
        if self.ctx.profile is None:
            self.profile_model.set_buckets([])
            return
        self.profile_model.set_buckets(self.ctx.storage.boundary_profile(
            self.ctx.profile.id, bucket=str(self.bucket_combo.currentData())))
        self.chart.colours = self.ctx.colours

    def search(self) -> None:
        """List recent reflections, or, with words typed, the reflections that hold them."""
        self._reflections_stale = False
        query = self.search_edit.text().strip()
        profile_id = self.ctx.profile.id if self.ctx.profile is not None else None
        if not query or profile_id is None:
            self.hits.show_recent(profile_id)
            self.hits.fetchMore()
            status = ("Your reflections, newest first. Type to search them."
                      if self.hits.rowCount() else
                      "No reflections yet. What you write after a decision is kept here, "
                      "only on this computer.")
        else:
            hits = self.ctx.storage.search_reflections(profile_id, query, limit=SEARCH_LIMIT)
            self.hits.set_hits(hits)
            n = len(hits)
            status = ("Nothing found. Try fewer or shorter words, or press Escape to see "
                      "them all." if not n else
                      f"{n}{' or more' if n >= SEARCH_LIMIT else ''} "
                      f"reflection{'s' if n != 1 else ''} found")
        self.search_status.setText(status)
        if query:
            self.search_edit.announce_count(status)
        if self.hits.rowCount():
            self.hits_view.selectRow(0)
        else:
            self.hit_detail.setHtml("")

    def show_attempt(self, attempt_id: int) -> None:
        """Select an attempt in the list (fetching pages as needed) and show its detail."""
        self.tabs.setCurrentIndex(0)
        row = self.attempts.row_of(attempt_id)
        if row >= 0:
            self.attempts_view.selectRow(row)
            self.attempts_view.scrollTo(self.attempts.index(row, 0))

    def _detail_html(self, attempt_id: int) -> str:
        return attempt_html(attempt_entry(self.ctx.storage.attempt_detail(attempt_id),
                                          self.ctx.library))

    # ------------------------------------------------------------------ slots

    @Slot()
    def on_export_button_clicked(self) -> None:
        if self.ctx.profile is None:
            return
        request = ExportDialog.ask(self, self.ctx.profile.name)
        if request is not None:
            self.exporter.run(request)

    @Slot(QItemSelection, QItemSelection)
    def on_attempts_view_selection_changed(self, *_args: QItemSelection) -> None:
        rows = self.attempts_view.selectionModel().selectedRows()
        if rows:
            self.attempt_detail.setHtml(self._detail_html(int(rows[0].data(AttemptIdRole))))

    @Slot(QItemSelection, QItemSelection)
    def on_hits_view_selection_changed(self, *_args: QItemSelection) -> None:
        rows = self.hits_view.selectionModel().selectedRows()
        if rows:
            self.hit_detail.setHtml(self._detail_html(int(rows[0].data(AttemptIdRole))))

    @Slot(QItemSelection, QItemSelection)
    def on_groups_view_selection_changed(self, *_args: QItemSelection) -> None:
        rows = self.groups_view.selectionModel().selectedRows()
        if rows:
            report = build_group_report(self.ctx.storage, self.ctx.library,
                                        self.groups.session_id(rows[0].row()))
            self.group_detail.setHtml(group_html(report))

    @Slot(str)
    def on_search_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def on_search_timer_timeout(self) -> None:
        self._search_timer.stop()
        self.search()

    @Slot()
    def on_search_edit_return_pressed(self) -> None:
        self.on_search_timer_timeout()
        self.search_edit.flush_announcement()

    @Slot()
    def on_find_activated(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot(int)
    def on_bucket_combo_changed(self, _index: int) -> None:
        self._load_profile()

    @Slot(int)
    def on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_visible_tab()

    @Slot(object)
    def on_ctx_storage_opened(self, storage: Storage) -> None:
        self.attempts.set_storage(storage)
        self.hits.set_storage(storage)
        self.groups.set_storage(storage)
        self._groups_stale = True

    @Slot(object)
    def on_ctx_storage_changed(self, change: Change) -> None:
        from peerscenarios.storage import ChangeKind  # loaded by now: a change came from it

        kind = change.kind
        if kind is ChangeKind.GROUP_SESSIONS:
            self._groups_stale = True
        elif self.ctx.profile is None or (change.profile_id not in (None, self.ctx.profile.id)):
            return
        elif kind is ChangeKind.ATTEMPTS:
            self._reflections_stale = True
            new = [i for i in change.ids if not self.attempts.contains(i)]
            if new:
                self.attempts.reload()
            else:
                for i in change.ids:
                    self.attempts.refresh_attempt(i)
            self._profile_stale = True
        elif kind in (ChangeKind.CHOICES, ChangeKind.REFLECTIONS) and change.attempt_id:
            self._profile_stale = True
            self._reflections_stale |= kind is ChangeKind.REFLECTIONS
            if not self.isVisible():
                # Every choice lands here while the player is on screen: its row is
                # re-read once, when the history is next looked at, not on each click.
                self._pending_attempts.add(change.attempt_id)
                return
            self.attempts.refresh_attempt(change.attempt_id)
        elif kind is ChangeKind.PROFILES:
            return
        if self.isVisible():
            self._refresh_visible_tab()

    @Slot(object)
    def on_ctx_profile_changed(self, _profile: object) -> None:
        self.refresh()

    @Slot(int)
    def on_ctx_text_size_changed(self, _step: int) -> None:
        self._fit_tabs()

    @Slot(object)
    def on_ctx_library_changed(self, _library: object) -> None:
        # Titles come from the library; repaint the names.
        self.attempts.reload()
        self.groups.reload()
