"""Coverage matrices for a library: which scenarios focus on each competency, offer each drift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import COMPETENCIES, SETTINGS, Role

# What a library a certification course adopts should reach: each competency the
# focus of three scenarios, each drift kind offered in six, and a dozen settings.
COMPETENCY_TARGET = 3
DRIFT_TARGET = 6
SETTING_TARGET = 12


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """Competency x scenario and drift-kind x scenario, with the rows below target."""

    scenario_ids: tuple[str, ...]
    competency_rows: tuple[tuple[int, tuple[bool, ...]], ...]
    drift_rows: tuple[tuple[Role, tuple[int, ...]], ...]
    setting_rows: tuple[tuple[str, tuple[bool, ...]], ...] = ()

    @property
    def settings_used(self) -> list[str]:
        """The settings at least one scenario takes place in."""
        return [s for s, row in self.setting_rows if any(row)]

    @property
    def competency_gaps(self) -> list[int]:
        """Competencies that fewer than COMPETENCY_TARGET scenarios focus on."""
        return [n for n, row in self.competency_rows if sum(row) < COMPETENCY_TARGET]

    @property
    def drift_gaps(self) -> list[Role]:
        """Drift kinds offered as a choice in fewer than DRIFT_TARGET scenarios."""
        return [r for r, row in self.drift_rows if sum(1 for x in row if x) < DRIFT_TARGET]

    def to_text(self) -> str:
        """Both matrices as fixed-width text, scenarios numbered across the top."""
        ids = self.scenario_ids
        # Scenarios are numbered across the top: ids are far too long for column heads.
        head = "".join(f"{i + 1:>4}" for i in range(len(ids)))
        out = ["Scenarios:"]
        out += [f"  {i + 1:>3}  {sid}" for i, sid in enumerate(ids)]
        out += ["", "Competency focus (x = a focus of that scenario)", f"{'':44}{head}  total"]
        for n, row in self.competency_rows:
            name = f"{n:>2} {COMPETENCIES[n].title}"[:42]
            cells = "".join(f"{'x' if v else '.':>4}" for v in row)
            flag = "" if sum(row) >= COMPETENCY_TARGET else f"  <- below {COMPETENCY_TARGET}"
            out.append(f"{name:44}{cells}  {sum(row):>5}{flag}")
        out += ["", "Drift kinds offered as a choice (number of choices)",
                f"{'':44}{head}  scenarios"]
        for role, counts in self.drift_rows:
            cells = "".join(f"{c if c else '.':>4}" for c in counts)
            n = sum(1 for c in counts if c)
            flag = "" if n >= DRIFT_TARGET else f"  <- below {DRIFT_TARGET}"
            out.append(f"{role.label[:42]:44}{cells}  {n:>9}{flag}")
        out += ["", "Settings (x = where that scenario takes place)", f"{'':44}{head}  total"]
        for sid, row in self.setting_rows:
            cells = "".join(f"{'x' if v else '.':>4}" for v in row)
            out.append(f"{SETTINGS[sid].label[:42]:44}{cells}  {sum(row):>5}")
        out.append(f"{len(self.settings_used)} setting(s) in use"
                   + ("" if len(self.settings_used) >= SETTING_TARGET
                      else f"  <- below {SETTING_TARGET}"))
        gaps = []
        if self.competency_gaps:
            gaps.append("competencies below target: " + ", ".join(map(str, self.competency_gaps)))
        if self.drift_gaps:
            gaps.append("drift kinds below target: " + ", ".join(r.value for r in self.drift_gaps))
        if len(self.settings_used) < SETTING_TARGET:
            gaps.append(f"settings below target: {len(self.settings_used)} of {SETTING_TARGET}")
        out += ["", "Gaps: " + ("; ".join(gaps) if gaps else "none")]
        return "\n".join(out)

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "scenarios": list(self.scenario_ids),
            "competencies": {str(n): [s for s, v in zip(self.scenario_ids, row, strict=True) if v]
                             for n, row in self.competency_rows},
            "drift": {r.value: {s: c for s, c in zip(self.scenario_ids, row, strict=True) if c}
                      for r, row in self.drift_rows},
            "settings": {sid: [s for s, v in zip(self.scenario_ids, row, strict=True) if v]
                         for sid, row in self.setting_rows},
            "competency_gaps": self.competency_gaps,
            "drift_gaps": [r.value for r in self.drift_gaps],
        }


def coverage(scenarios: Sequence[Scenario]) -> CoverageReport:
    """Build the coverage matrices for these scenarios."""
    ids = tuple(s.id for s in scenarios)
    comp_rows = tuple((n, tuple(n in s.competencies for s in scenarios)) for n in COMPETENCIES)
    # Drift rows count choices, not just presence: the matrix shows how much practice a
    # scenario offers; the target itself counts scenarios with at least one.
    drift_rows = tuple(
        (role, tuple(sum(1 for node in s.iter_nodes() for c in node.choices if c.role is role)
                     for s in scenarios))
        for role in Role if role.is_drift
    )
    setting_rows = tuple((sid, tuple(s.setting == sid for s in scenarios)) for sid in SETTINGS)
    return CoverageReport(ids, comp_rows, drift_rows, setting_rows)
