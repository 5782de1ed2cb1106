"""The boundary profile: stacked bars of role counts per period, and the same as a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QTransposeProxyModel,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableView,
    QWidget,
)

from peerscenarios.core.taxonomy import ROLE_INFO, Role
from peerscenarios.ui.models.history import PROFILE_ROLES, BoundaryProfileModel, period_label
from peerscenarios.ui.theme import Colours

# Each role has its own fill pattern as well as its own colour, so the chart
# still reads in greyscale, in high contrast, and for colour-blind users.
_PATTERNS: dict[Role, Qt.BrushStyle] = {
    Role.PEER: Qt.BrushStyle.SolidPattern,
    Role.CLINICAL: Qt.BrushStyle.BDiagPattern,
    Role.CASE_MANAGEMENT: Qt.BrushStyle.CrossPattern,
    Role.SINGLE_PATHWAY: Qt.BrushStyle.HorPattern,
    Role.DIRECTIVE: Qt.BrushStyle.FDiagPattern,
    Role.AUTHORITY: Qt.BrushStyle.VerPattern,
    Role.SELF_DISCLOSURE: Qt.BrushStyle.Dense5Pattern,
    Role.BOUNDARY: Qt.BrushStyle.DiagCrossPattern,
    Role.SAFETY: Qt.BrushStyle.Dense3Pattern,
}
_HUES: dict[Role, str] = {
    Role.PEER: "#2e8b57", Role.CLINICAL: "#c0392b", Role.CASE_MANAGEMENT: "#8e44ad",
    Role.SINGLE_PATHWAY: "#d35400", Role.DIRECTIVE: "#b7950b", Role.AUTHORITY: "#2c3e50",
    Role.SELF_DISCLOSURE: "#16a085", Role.BOUNDARY: "#7f4f24", Role.SAFETY: "#a61e4d",
}


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """Whole-number axis ticks from 0 up to at least ``top``, at a round step.

    The step is the smallest of 1, 2, 5, 10, 20, 25, 50, 100, ... that needs no
    more than ``most`` intervals, so the labels read 0, 2, 4, 6 rather than
    0, 2, 3, 4, 6.
    """
    top = max(top, 1)
    scale = 1
    while True:
        for base in (1, 2, 5, 10, 20, 25, 50):
            step = base * scale
            if -(-top // step) <= most:
                return list(range(0, -(-top // step) * step + 1, step))
        scale *= 100


class BoundaryChart(QWidget):
    """Stacked bars per week (or per ten attempts), one pattern per role, with a legend.

    Purely a picture of ``model``; the table view over the same model is the
    accessible alternative, so the chart is marked as decorative-with-summary.
    """

    def __init__(self, model: BoundaryProfileModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.colours: Colours | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)
        self.setAccessibleName("Boundary profile chart")
        self._connect_signals()
        self._update_description()

    def _connect_signals(self) -> None:
        self.model.modelReset.connect(self.on_model_changed)
        self.model.dataChanged.connect(self.on_model_changed)

    @Slot()
    def on_model_changed(self, *_args: QModelIndex) -> None:
        self._update_description()
        self.update()

    def _update_description(self) -> None:
        buckets = self.model.buckets
        if not buckets:
            self.setAccessibleDescription("No attempts yet. The table below lists the same data.")
            return
        last = buckets[-1]
        drift = sum(n for r, n in last.counts.items() if r != Role.PEER.value)
        total = sum(last.counts.values())
        periods = "1 period" if len(buckets) == 1 else f"{len(buckets)} periods"
        self.setAccessibleDescription(
            f"{periods}. Latest, {period_label(last.label)}: {drift} of {total} choices "
            "drifted. The table below lists every number.")

    def sizeHint(self) -> QSize:
        return QSize(640, 320)

    def ticks(self) -> list[int]:
        """The axis labels: whole numbers at a round step, as many as the height has room for."""
        line = QFontMetricsF(self.font()).height()
        height = self.height() - 16 - line * 3
        top = max((sum(b.counts.values()) for b in self.model.buckets), default=0)
        return nice_ticks(top, max(1, min(5, int(height // (line * 1.6)))))

    def legend_roles(self) -> list[Role]:
        """The roles that occur in the data (all of them before the first choice)."""
        seen = {r for b in self.model.buckets for r, n in b.counts.items() if n}
        return [r for r in PROFILE_ROLES if r.value in seen] or list(PROFILE_ROLES)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(pal.ColorRole.WindowText)
        high_contrast = self.colours is not None and self.colours.name == "high-contrast"
        fm = QFontMetricsF(self.font())
        line = fm.height()
        buckets = self.model.buckets
        rect = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        if not buckets:
            painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Your boundary profile appears here after your first attempt.")
            return
        legend_x = self._draw_legend(painter, fm, rect, high_contrast, text)

        # Two lines under the bars: "Week of" over "23 Nov" when the bars are narrow.
        height = rect.height() - line * 3
        ticks = self.ticks()
        top = ticks[-1]
        axis_w = fm.horizontalAdvance(str(top)) + 8
        plot = QRectF(rect.left() + axis_w, rect.top() + line / 2,
                      legend_x - rect.left() - axis_w - line, height)
        if plot.width() < 40 or plot.height() < 40:
            return
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        for value in ticks:
            yy = plot.bottom() - plot.height() * value / top
            painter.drawLine(QPointF(plot.left() - 4, yy), QPointF(plot.left(), yy))
            painter.drawText(QRectF(rect.left(), yy - line / 2, axis_w - 6, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(value))
        slot = plot.width() / len(buckets)
        bar_w = min(slot * 0.7, line * 4)
        # With many narrow bars, label every n-th so that no two labels overlap.
        widest = max(fm.horizontalAdvance(w) for b in buckets
                     for w in period_label(b.label).split(" ", 2)[-1:])
        every = max(1, int(-(-(widest + line / 2) // slot)))
        for i, b in enumerate(buckets):
            x = plot.left() + slot * i + (slot - bar_w) / 2
            yy = plot.bottom()
            for r in PROFILE_ROLES:
                n = int(b.counts.get(r.value, 0))
                if not n:
                    continue
                h = plot.height() * n / top
                seg = QRectF(x, yy - h, bar_w, h)
                self._fill(painter, seg, r, high_contrast, text)
                yy -= h
            if (len(buckets) - 1 - i) % every:
                continue  # the latest period always keeps its label
            painter.setPen(text)
            width = max(slot * every, fm.horizontalAdvance(period_label(b.label)) + 4)
            label_box = QRectF(plot.left() + slot * (i + 0.5) - width / 2, plot.bottom() + 4,
                               width, line * 2.4)
            painter.drawText(label_box, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap,
                             self._fit_label(fm, period_label(b.label), slot * every))
        painter.end()

    @staticmethod
    def _fit_label(fm: QFontMetricsF, label: str, room: float) -> str:
        # "Week of 23 Nov" on one line if it fits, else on two ("Week of" / "23 Nov").
        if fm.horizontalAdvance(label) <= room or not label.startswith("Week of "):
            return label
        return "Week of\n" + label.removeprefix("Week of ")

    def _draw_legend(self, painter: QPainter, fm: QFontMetricsF, rect: QRectF,
                     high_contrast: bool, text: QColor) -> float:
        """Draw the legend at the right, in as many columns as its height needs; returns its x."""
        roles = self.legend_roles()
        line = fm.height()
        step = line * 1.15
        per_column = max(1, int(rect.height() // step))
        columns = -(-len(roles) // per_column)
        item_w = max(fm.horizontalAdvance(f"{ROLE_INFO[r].symbol} {ROLE_INFO[r].short}")
                     for r in roles) + line * 1.6
        legend_x = rect.right() - item_w * columns
        for k, r in enumerate(roles):
            x = legend_x + item_w * (k // per_column)
            y = rect.top() + step * (k % per_column)
            swatch = QRectF(x, y + 2, line * 0.9, line * 0.9 - 2)
            self._fill(painter, swatch, r, high_contrast, text)
            painter.setPen(text)
            painter.drawText(QPointF(x + line * 1.2, y + fm.ascent()),
                             f"{ROLE_INFO[r].symbol} {ROLE_INFO[r].short}")
        return legend_x

    @staticmethod
    def _fill(painter: QPainter, area: QRectF, role: Role, high_contrast: bool,
              text: QColor) -> None:
        # High contrast draws every role in the text colour: the patterns tell them apart.
        colour = QColor(text) if high_contrast else QColor(_HUES[role])
        # A faint wash under the hatching, so a thin segment still reads as its colour
        # (the solid peer bar in high contrast needs none).
        if role is not Role.PEER or not high_contrast:
            painter.fillRect(area, QColor(colour.red(), colour.green(), colour.blue(), 40))
        painter.fillRect(area, QBrush(colour, _PATTERNS[role]))
        painter.setPen(QPen(text, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(area)


class _Transposed(QTransposeProxyModel):
    """The profile turned on its side: periods across, roles down, each role on one line."""

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Attempts"
            if 0 < section <= len(PROFILE_ROLES):
                info = ROLE_INFO[PROFILE_ROLES[section - 1]]
                return f"{info.symbol} {info.short}"
        return super().headerData(section, orientation, role)


class ProfileTable(QTableView):
    """The chart's numbers as a table that always fits its width.

    One row per period reads best, but nine role columns need about 1,100
    pixels; when they do not fit (a small screen, large text) the table turns
    on its side, one row per kind of response and one column per period, so
    it never needs a sideways scroll bar for a first month of practice.
    """

    def __init__(self, model: BoundaryProfileModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = model
        self.transposed = _Transposed(self)
        self.transposed.setSourceModel(model)
        self.setModel(model)
        self.setAccessibleName("Boundary profile table")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(False)
        self._fitted_width = -1
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        model.modelReset.connect(self.on_model_reset)

    @property
    def is_transposed(self) -> bool:
        """True while periods run across and roles down."""
        return self.model() is self.transposed

    def _needed_width(self) -> int:
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        columns = sum(header.sectionSize(c) for c in range(header.count()))
        return self.verticalHeader().sizeHint().width() + columns + 2 * self.frameWidth()

    @Slot()
    def fit(self) -> None:
        """Periods down if they fit the width, otherwise periods across (the narrower)."""
        self._timer.stop()
        room = self.width()
        self._fitted_width = room
        if self.is_transposed:
            self.setModel(self.source)
        normal = self._needed_width()
        if normal <= room:
            return
        self.setModel(self.transposed)
        if self._needed_width() > normal:
            self.setModel(self.source)
            self.resizeColumnsToContents()

    @Slot()
    def on_model_reset(self) -> None:
        self._fitted_width = -1
        self._timer.start()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Show):
            self._fitted_width = -1
            self._timer.start()
        elif kind == QEvent.Type.Resize and abs(self.width() - self._fitted_width) > 2:
            # Resizes of a few pixels (a scroll bar coming and going) do not turn it again.
            self._timer.start()
        return super().event(event)
