"""The boundary profile chart: stacked bars of role counts per period, drawn with QPainter."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from peerscenarios.core.taxonomy import ROLE_INFO, Role
from peerscenarios.ui.models.history import PROFILE_ROLES, BoundaryProfileModel
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
        self.setMinimumHeight(220)
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
        self.setAccessibleDescription(
            f"{len(buckets)} periods. Latest, {last.label}: {drift} of {total} choices drifted. "
            "The table below lists every number.")

    def sizeHint(self) -> QSize:
        return QSize(640, 320)

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

        # Legend on the right: a swatch with the role's pattern, symbol and short name.
        legend_w = max(fm.horizontalAdvance(f"{ROLE_INFO[r].symbol} {ROLE_INFO[r].short}")
                       for r in PROFILE_ROLES) + line * 1.6
        legend_x = rect.right() - legend_w
        y = rect.top()
        for r in PROFILE_ROLES:
            swatch = QRectF(legend_x, y + 2, line * 0.9, line * 0.9 - 2)
            self._fill(painter, swatch, r, high_contrast, text)
            painter.setPen(text)
            painter.drawText(QPointF(legend_x + line * 1.2, y + fm.ascent()),
                             f"{ROLE_INFO[r].symbol} {ROLE_INFO[r].short}")
            y += line * 1.15

        plot = QRectF(rect.left() + fm.horizontalAdvance("000") + 6, rect.top() + line / 2,
                      legend_x - rect.left() - fm.horizontalAdvance("000") - line,
                      rect.height() - line * 2.2)
        if plot.width() < 40 or plot.height() < 40:
            return
        totals = [sum(b.counts.values()) for b in buckets]
        top = max(max(totals), 1)
        # Axis and a few gridlines with counts.
        painter.setPen(QPen(text, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        steps = min(top, 4)  # four gridlines at most, and none between whole counts
        for i in range(steps + 1):
            value = round(top * i / steps)
            yy = plot.bottom() - plot.height() * value / top
            painter.drawText(QRectF(rect.left(), yy - line / 2, plot.left() - rect.left() - 4,
                                    line), Qt.AlignmentFlag.AlignRight, str(value))
        slot = plot.width() / len(buckets)
        bar_w = min(slot * 0.7, line * 4)
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
            # Period label under each bar, shortened if the bars are narrow.
            label = fm.elidedText(b.label, Qt.TextElideMode.ElideLeft, slot - 2)
            painter.setPen(text)
            painter.drawText(QRectF(plot.left() + slot * i, plot.bottom() + 4, slot, line),
                             Qt.AlignmentFlag.AlignHCenter, label)
        painter.end()

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
