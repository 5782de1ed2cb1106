"""The Library's five filters (competency, tag, status, setting, population), each labelled."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QWidget

from peerscenarios.core.library import Library
from peerscenarios.core.taxonomy import COMPETENCIES
from peerscenarios.ui.models.library import (
    STATUS_COMPLETED,
    STATUS_NEW,
    STATUS_PAUSED,
    ScenarioFilterProxy,
    competency_name,
    competency_title,
    population_label,
    setting_label,
)
from peerscenarios.ui.widgets.filters import fill_combo, labelled_combo
from peerscenarios.ui.widgets.flow_layout import FlowLayout


class FilterBar(QWidget):
    """Labelled filter combos that wrap onto more lines as the text grows.

    Tags, settings and populations offer only what the loaded scenarios use,
    so no choice leads to an empty list. ``changed`` follows any choice the
    trainee makes (not a refill after a library load).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        flow = FlowLayout(self)
        combos: list[QComboBox] = []
        for label, name in (("Competency", "Filter by competency"), ("Tag", "Filter by tag"),
                            ("Status", "Filter by status"), ("Setting", "Filter by setting"),
                            ("Population", "Filter by population")):
            cell, _, combo = labelled_combo(label, name, self)
            flow.addWidget(cell)
            combos.append(combo)
        (self.competency_combo, self.tag_combo, self.status_combo, self.setting_combo,
         self.population_combo) = combos
        self.combos = tuple(combos)
        fill_combo(self.competency_combo, "All competencies",
                   ((competency_name(n), n, competency_title(n)) for n in COMPETENCIES))
        # Tags, settings and populations come from the scenarios: filled by fill() on load.
        fill_combo(self.tag_combo, "All tags", ())
        fill_combo(self.status_combo, "Any status",
                   (("New", STATUS_NEW, None), ("Paused", STATUS_PAUSED, None),
                    ("Completed", STATUS_COMPLETED, None)))
        fill_combo(self.setting_combo, "Any setting", ())
        fill_combo(self.population_combo, "All populations", ())
        for combo in self.combos:
            combo.currentIndexChanged.connect(self.on_combo_changed)

    def fill(self, library: Library) -> None:
        """Offer the tags, settings and populations of the loaded scenarios (keeps choices)."""
        scenarios = library.scenarios
        tags = sorted({t for s in scenarios for t in s.tags}, key=str.casefold)
        fill_combo(self.tag_combo, "All tags", ((t, t, None) for t in tags))
        # Sorted by the words shown, not the ids in the files.
        settings = sorted({s.setting for s in scenarios if s.setting}, key=setting_label)
        fill_combo(self.setting_combo, "Any setting",
                   ((setting_label(s), s, None) for s in settings))
        people = sorted({p for s in scenarios for p in s.population}, key=population_label)
        fill_combo(self.population_combo, "All populations",
                   ((population_label(p), p, None) for p in people))
        # New words change each box's width; the flow layout re-wraps on the next pass.
        for combo in self.combos:
            combo.updateGeometry()

    def reset(self) -> None:
        """Back to "All" in every filter."""
        for combo in self.combos:
            combo.setCurrentIndex(0)

    def active_count(self) -> int:
        """How many filters narrow the list."""
        return sum(1 for combo in self.combos if combo.currentIndex() > 0)

    def apply(self, proxy: ScenarioFilterProxy) -> None:
        """Set every filter of ``proxy`` from the combos."""
        proxy.set_competency(self.competency_combo.currentData())
        proxy.set_tag(self.tag_combo.currentData())
        proxy.set_status(self.status_combo.currentData())
        proxy.set_setting(self.setting_combo.currentData())
        proxy.set_population(self.population_combo.currentData())

    @Slot(int)
    def on_combo_changed(self, _index: int) -> None:
        number = self.competency_combo.currentData()
        # The closed box shows the short name; its tooltip has SAMHSA's full title.
        self.competency_combo.setToolTip(competency_title(number) if number else "")
        self.changed.emit()
