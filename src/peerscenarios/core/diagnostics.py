"""Diagnostics: one problem found in a scenario file, with where it is and a stable code."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Errors stop a scenario loading; warnings are shown but the scenario still plays."""

    ERROR = "error"
    WARNING = "warning"


# Every code the validator can emit, with a short title (also listed in
# docs/scenario-format.md). Codes never change meaning once published.
CODES: dict[str, str] = {
    "PS001": "not valid YAML",
    "PS002": "unknown key",
    "PS003": "missing required field",
    "PS004": "wrong type",
    "PS005": "YAML 1.1 trap",
    "PS006": "duplicate key",
    "PS007": "duplicate id",
    "PS008": "points at a missing node",
    "PS009": "unreachable node",
    "PS010": "dead end",
    "PS011": "loop with no way out",
    "PS012": "choice without feedback",
    "PS013": "decision without a peer-aligned choice",
    "PS014": "unknown role",
    "PS015": "unknown competency",
    "PS016": "empty text",
    "PS017": "file too large",
    "PS018": "anchors and aliases not allowed",
    "PS019": "nesting too deep",
    "PS020": "not UTF-8 text",
    "PS021": "bad id",
    "PS022": "number out of range",
    "PS023": "conflicting node fields",
    "PS024": "duplicate scenario id",
    "PS025": "unusual number of choices",
    "PS026": "unknown setting",
    "PS027": "unknown population",
    "PS028": "unknown order",
    "PS029": "no setting given",
    "PS101": "stigmatising term",
    "PS102": "feedback that teaches nothing",
    "PS103": "drift choices all the same kind",
    "PS104": "estimated minutes disagree with the text",
    "PS105": "missing content warning",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: file, 1-based line and column, severity, message and code."""

    file: str
    line: int
    col: int
    severity: Severity
    message: str
    code: str
    scenario_id: str = ""
    node_id: str = ""

    def format(self) -> str:
        """``FILE:LINE:COL: error|warning: MESSAGE [CODE]``, the line the CLI prints."""
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly dict (severity as its string value)."""
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


def diagnostics_to_json(diags: list[Diagnostic]) -> str:
    """Serialise diagnostics as a JSON array, one object per problem."""
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False)
